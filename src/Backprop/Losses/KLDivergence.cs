using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>Kullback–Leibler divergence over the last axis, Keras <c>KLDivergence</c> (<c>"kl_divergence"</c>,
/// <c>"kld"</c>): per sample L = Σⱼ tⱼ·log(tⱼ/pⱼ) with t = y and p = ŷ both clipped to [1e-7, 1], mean over
/// samples. PyTorch <c>KLDivLoss(reduction="batchmean")</c> takes log-probabilities instead and does not clip.
/// ∂L/∂ŷⱼ = −tⱼ/pⱼ where the clip passes ŷⱼ, else 0, over the batch.</summary>
public sealed class KLDivergence : Loss
{
    /// <inheritdoc/>
    public override string Name => "kl_divergence";

    /// <inheritdoc/>
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        int rows = CheckShapesAndCountRows(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double target = double.CreateTruncating(Clip(t[i]));
            sum += target * Math.Log(target / double.CreateTruncating(Clip(p[i])));
        }

        return rows == 0 ? 0 : sum / rows;
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        int rows = CheckShapesAndCountRows(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        double scale = 1.0 / Math.Max(rows, 1);
        for (int i = 0; i < p.Length; i++)
        {
            T clipped = Clip(p[i]);
            g[i] = clipped == p[i]
                ? T.CreateTruncating(-scale * double.CreateTruncating(Clip(t[i])) / double.CreateTruncating(clipped))
                : T.Zero;
        }
    }

    private static T Clip<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.Clamp(value, T.CreateTruncating(Epsilon), T.One);
}
