using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>L = mean of max(1 − y·ŷ, 0). Keras <c>Hinge</c> (<c>"hinge"</c>); PyTorch has no direct equivalent (<c>MultiMarginLoss</c> is the multi-class form). ∂L/∂ŷ = −y where 1 − y·ŷ &gt; 0, else 0, over the element count. Labels are ±1; as in Keras, a batch whose labels are all 0 or 1 is converted with 2y − 1.</summary>
public sealed class Hinge : Loss
{
    /// <inheritdoc/>
    public override string Name => "hinge";

    /// <inheritdoc/>
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckShapes(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        bool binary = HingeLabels.AreBinary<T>(t);
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double m = HingeLabels.Signed(t[i], binary) * double.CreateTruncating(p[i]);
            sum += Math.Max(1 - m, 0);
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
        bool binary = HingeLabels.AreBinary<T>(t);
        double scale = 1.0 / Math.Max(p.Length, 1);
        for (int i = 0; i < p.Length; i++)
        {
            double y = HingeLabels.Signed(t[i], binary);
            double m = y * double.CreateTruncating(p[i]);
            g[i] = T.CreateTruncating(scale * (1 - m > 0 ? -y : 0));
        }
    }
}
