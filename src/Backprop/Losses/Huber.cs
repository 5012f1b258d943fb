using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>L = mean of ½e² where |e| ≤ δ and δ·|e| − ½δ² elsewhere, e = ŷ − y, δ = 1. Keras <c>Huber(delta=1.0)</c>
/// (<c>"huber"</c>; class name "huber_loss"); PyTorch <c>HuberLoss(delta=1.0)</c>. ∂L/∂ŷ = e, or δ·sign(e) beyond
/// δ, over the element count.</summary>
public sealed class Huber : Loss
{
    /// <summary>Huber loss: quadratic within δ of the target, linear beyond.</summary>
    /// <param name="delta">δ &gt; 0, where the loss turns from quadratic to linear (Keras default 1).</param>
    public Huber(double delta = 1.0)
    {
        if (!(delta > 0) || double.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Huber delta must be finite and positive.");
        }

        Delta = delta;
    }

    /// <summary>δ, where the loss turns from quadratic to linear.</summary>
    public double Delta { get; }

    /// <inheritdoc/>
    public override string Name => "huber_loss";

    /// <inheritdoc/>
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckShapes(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double e = double.CreateTruncating(p[i]) - double.CreateTruncating(t[i]);
            double a = Math.Abs(e);
            sum += a <= Delta ? 0.5 * e * e : Delta * a - 0.5 * Delta * Delta;
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
        double scale = 1.0 / Math.Max(p.Length, 1);
        for (int i = 0; i < p.Length; i++)
        {
            double e = double.CreateTruncating(p[i]) - double.CreateTruncating(t[i]);
            g[i] = T.CreateTruncating(scale * (Math.Abs(e) <= Delta ? e : Delta * Math.Sign(e)));
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["delta"] = Delta };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Huber(delta={Delta})");
}
