using System.Numerics;

namespace Backprop.Regularizers;

internal static class FactorCheck
{
    public static double Validate(double factor, string name) =>
        factor >= 0 && double.IsFinite(factor)
            ? factor
            : throw new ArgumentOutOfRangeException(name, factor, $"The {name} factor must be finite and non-negative.");

    public static void SameShape<T>(string regularizer, Tensor<T> weights, Tensor<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(gradient);
        if (weights.Shape != gradient.Shape)
        {
            throw ShapeMismatchException.For($"{regularizer} regularizer (weights vs gradient)", weights.Shape, gradient.Shape);
        }
    }
}
