using System.Runtime.CompilerServices;
using Backprop.Config;
using Backprop.Kernels;

namespace Backprop.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, Keras form: <c>v ← μv − η·g; w ← w + v</c>;
/// Nesterov: <c>w ← w + μ·v − η·g</c> with the new v. Without momentum: <c>w ← w − η·g</c>. PyTorch keeps
/// <c>b ← μb + g</c> (b = g on the first step) and steps <c>w −= η·b</c> (Nesterov: <c>w −= η(g + μb)</c>): the same
/// trajectory for a constant η, different under a schedule because PyTorch's buffer excludes η. Keras defaults:
/// η = 0.01, μ = 0. <c>dampening</c> d is PyTorch's (not Keras's): from the second step on the new gradient enters
/// the momentum scaled by 1 − d (<c>b ← μb + (1 − d)·g</c>, i.e. <c>v ← μv − η(1 − d)·g</c>); the first step
/// takes g whole, as PyTorch's buffer starts at b = g.</summary>
public sealed class SGD : FirstOrderOptimizer
{
    /// <param name="learningRate">η (default 0.01) or a schedule.</param>
    /// <param name="momentum">μ in [0, 1].</param>
    /// <param name="nesterov">Use Nesterov momentum.</param>
    /// <param name="weightDecay">Decoupled decay λ (see <see cref="Optimizer"/>).</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    /// <param name="dampening">PyTorch's dampening d in [0, 1] (default 0): the gradient enters the momentum
    /// scaled by 1 − d from the second step on. Not allowed with Nesterov, as in PyTorch.</param>
    public SGD(
        LearningRateOrSchedule? learningRate = null,
        double momentum = 0.0,
        bool nesterov = false,
        double? weightDecay = null,
        double? clipNorm = null,
        double? clipValue = null,
        double? globalClipNorm = null,
        double dampening = 0.0)
        : base(learningRate ?? 0.01, weightDecay, clipNorm, clipValue, globalClipNorm)
    {
        Momentum = CheckUnitInterval(momentum, nameof(momentum), allowOne: true);
        Nesterov = nesterov;
        Dampening = CheckUnitInterval(dampening, nameof(dampening), allowOne: true);
        if (nesterov && dampening != 0)
        {
            throw new ArgumentException("Nesterov momentum requires zero dampening (as in PyTorch).", nameof(dampening));
        }
    }

    /// <summary>μ, the momentum.</summary>
    public double Momentum { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>PyTorch's dampening d (0 for Keras's SGD).</summary>
    public double Dampening { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    protected override int SlotCount => 1;

    /// <inheritdoc/>
    protected override string SlotName(int slot) => slot switch
    {
        0 => "momentum",
        _ => base.SlotName(slot),
    };

    /// <inheritdoc/>
    protected override void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate)
    {
        T lr = T.CreateChecked(learningRate);
        if (Momentum == 0)
        {
            // w ← w − η·g
            ReportLargestMagnitude(OptimizerKernels.SgdStep(weight.AsSpan(), gradient.AsSpan(), lr));
            return;
        }

        // v ← μv − η(1 − d)·g (d = 0 on the first step);  w ← w + v  (Nesterov: w ← w + μv − η·g)
        var velocity = Slot(index, 0, weight);
        if (Dampening != 0 && Iterations > 0)
        {
            lr = T.CreateChecked(learningRate * (1 - Dampening));
        }

        ReportLargestMagnitude(OptimizerKernels.SgdMomentumStep(weight.AsSpan(), velocity.AsSpan(), gradient.AsSpan(), lr, T.CreateChecked(Momentum), Nesterov));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = BaseConfig();
        config["momentum"] = Momentum;
        config["nesterov"] = Nesterov;
        if (Dampening != 0)
        {
            // PyTorch's argument, not Keras's: written only when used, so Keras-shaped configs stay Keras's.
            config["dampening"] = Dampening;
        }

        return config;
    }

    internal static SGD FromConfig(ConfigReader config) => new(
        config.LearningRate(0.01), config.Double("momentum", 0.0), config.Bool("nesterov", false),
        config.NullableDouble("weight_decay"), config.NullableDouble("clipnorm"), config.NullableDouble("clipvalue"),
        config.NullableDouble("global_clipnorm"), config.Double("dampening", 0.0));
}
