using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>L = mean over samples of mean over outputs of |ŷ − y|. Keras <c>MeanAbsoluteError</c> (<c>"mae"</c>);
/// PyTorch <c>L1Loss()</c>. ∂L/∂ŷ = sign(ŷ − y)/(elements), with sign(0) = 0.</summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_absolute_error";

    /// <inheritdoc/>
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckShapes(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(double.CreateTruncating(p[i]) - double.CreateTruncating(t[i]));
        }

        return p.Length == 0 ? 0 : sum / p.Length;
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        CheckShapes(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        T scale = T.One / T.CreateChecked(Math.Max(p.Length, 1));
        for (int i = 0; i < p.Length; i++)
        {
            g[i] = T.CreateChecked(T.Sign(p[i] - t[i])) * scale;
        }
    }
}
