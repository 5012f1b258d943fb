using Backprop.Config;

namespace Backprop.Optimizers;

/// <summary>Adam with decoupled weight decay (Loshchilov and Hutter 2019), Keras 3's <c>AdamW</c>: the Adam step
/// of <see cref="Adam"/> preceded by <c>w ← w − η·λ·w</c>, λ = 0.004 by default. PyTorch's <c>AdamW</c> applies the
/// same decoupled decay (as <c>w ← w − η·λ·w</c> before the step) but defaults to λ = 0.01 and uses PyTorch's Adam
/// ε placement (see <see cref="Adam"/>).</summary>
public sealed class AdamW : Adam
{
    /// <param name="learningRate">η (default 1e-3) or a schedule.</param>
    /// <param name="weightDecay">λ ≥ 0 (default 0.004).</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε̂ &gt; 0.</param>
    /// <param name="amsgrad">Use the running maximum of v.</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    public AdamW(
        LearningRateOrSchedule? learningRate = null,
        double weightDecay = 0.004,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-7,
        bool amsgrad = false,
        double? clipNorm = null,
        double? clipValue = null,
        double? globalClipNorm = null)
        : base(learningRate, beta1, beta2, epsilon, amsgrad, weightDecay, clipNorm, clipValue, globalClipNorm)
    {
    }

    /// <inheritdoc/>
    public override string Name => "adamw";

    internal static new AdamW FromConfig(ConfigReader config) => new(
        config.LearningRate(1e-3), config.Double("weight_decay", 0.004), config.Double("beta_1", 0.9), config.Double("beta_2", 0.999),
        config.Double("epsilon", 1e-7), config.Bool("amsgrad", false), config.NullableDouble("clipnorm"),
        config.NullableDouble("clipvalue"), config.NullableDouble("global_clipnorm"));
}
