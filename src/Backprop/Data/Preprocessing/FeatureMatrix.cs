using System.Numerics;

namespace Backprop.Data;

/// <summary>Shared checks of the scalers: data is (samples, features...) with everything after axis 0 one
/// feature vector, as scikit-learn's 2-D X.</summary>
internal static class FeatureMatrix
{
    public static Shape FeatureShape<T>(Tensor<T> x, string operation)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2)
        {
            throw new ArgumentException($"{operation}: expected a 2-D array (samples, features) but got shape {x.Shape}; reshape a single feature to (-1, 1) or a single sample to (1, -1).", nameof(x));
        }

        Span<int> dims = stackalloc int[Shape.MaxRank];
        x.Shape.CopyTo(dims);
        return new Shape(dims[1..x.Rank]);
    }

    public static void RequireFitted(Tensor<double>? statistic, string scaler)
    {
        if (statistic is null)
        {
            throw new InvalidOperationException($"This {scaler} instance is not fitted yet. Call Fit with training data before using it.");
        }
    }

    public static int CheckFeatures<T>(Tensor<T> x, Shape fitted, string operation)
        where T : unmanaged, INumber<T>
    {
        Shape features = FeatureShape(x, operation);
        if (features != fitted)
        {
            throw ShapeMismatchException.For(operation, x.Shape, fitted, $"X has features of shape {features}, but the scaler was fitted on features of shape {fitted}");
        }

        return features.Length;
    }
}
