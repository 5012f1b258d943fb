using Backprop.Losses;

namespace Backprop.Labs.BackpropStep;

/// <summary>The course's loss for the backprop-step exercise: <c>L = (1/n) Σᵢ ½ Σₖ (ŷᵢₖ − yᵢₖ)²</c>, the mean over
/// the batch of half the squared error summed over the outputs, so <c>∂L/∂ŷᵢ = (ŷᵢ − yᵢ)/n</c>. For one output it is
/// half of Keras's <c>mean_squared_error</c>; the library has no such loss, and halving the learning rate instead
/// would report the wrong loss values, so the lab defines it through the public <see cref="Loss"/> base class.</summary>
public sealed class HalfSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "half_squared_error";

    /// <inheritdoc/>
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        int rows = CheckShapesAndCountRows(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = double.CreateTruncating(p[i] - t[i]);
            sum += d * d;
        }

        return rows == 0 ? 0 : 0.5 * sum / rows;
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        int rows = CheckShapesAndCountRows(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        T scale = T.One / T.CreateChecked(Math.Max(rows, 1));
        for (int i = 0; i < p.Length; i++)
        {
            g[i] = scale * (p[i] - t[i]);
        }
    }
}
