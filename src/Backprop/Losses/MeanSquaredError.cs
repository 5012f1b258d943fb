using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>L = mean over samples of mean over outputs of (ŷ − y)². Keras <c>MeanSquaredError</c>;
/// PyTorch <c>MSELoss()</c> (which averages over all elements — the same number).</summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_error";

    // Runs every step: compiled optimised at its first call, as the kernels are, so a short Fit in a fresh process does
    // not loop at tier 0 (no virtual calls here for tiered PGO to speed up later).
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckShapes(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = double.CreateTruncating(p[i] - t[i]);
            sum += d * d;
        }

        return p.Length == 0 ? 0 : sum / p.Length;
    }

    // ∂L/∂ŷ = 2(ŷ − y) / (batch · outputs)
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        CheckShapes(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        T scale = T.CreateChecked(2.0 / Math.Max(p.Length, 1));
        for (int i = 0; i < p.Length; i++)
        {
            g[i] = scale * (p[i] - t[i]);
        }
    }
}
