using System.Numerics;

namespace Backprop.Data;

/// <summary>Scales each feature into a range as scikit-learn's <c>MinMaxScaler(feature_range=(low, high))</c>:
/// x' = x · scale + min with scale = (high − low) / (max − min) and min = low − dataMin · scale, from the data given
/// to <see cref="Fit{T}"/> (the training split). A constant feature (range below 10 machine epsilons) is treated
/// as having range 1, so it maps to low. Arithmetic runs in the data's own type, as scikit-learn does for
/// float32 and float64 input; <see cref="Clip"/> clamps transformed values into the range.</summary>
public sealed class MinMaxScaler
{
    private Shape _features;

    /// <summary>A scaler onto [<paramref name="low"/>, <paramref name="high"/>] (default [0, 1]).</summary>
    public MinMaxScaler(double low = 0, double high = 1, bool clip = false)
    {
        if (!(low < high))
        {
            throw new ArgumentException($"Minimum of desired feature range must be smaller than maximum. Got ({low}, {high}).");
        }

        FeatureRange = (low, high);
        Clip = clip;
    }

    /// <summary>The target range (<c>feature_range</c>).</summary>
    public (double Low, double High) FeatureRange { get; }

    /// <summary>Whether <see cref="Transform{T}"/> clamps results into <see cref="FeatureRange"/> (<c>clip</c>).</summary>
    public bool Clip { get; }

    /// <summary>Per-feature minimum of the training data (<c>data_min_</c>); null before Fit.</summary>
    public Tensor<double>? DataMin { get; private set; }

    /// <summary>Per-feature maximum of the training data (<c>data_max_</c>); null before Fit.</summary>
    public Tensor<double>? DataMax { get; private set; }

    /// <summary>Per-feature max − min (<c>data_range_</c>); null before Fit.</summary>
    public Tensor<double>? DataRange { get; private set; }

    /// <summary>Per-feature multiplier (<c>scale_</c>); null before Fit.</summary>
    public Tensor<double>? Scale { get; private set; }

    /// <summary>Per-feature offset added after scaling (<c>min_</c>); null before Fit.</summary>
    public Tensor<double>? Min { get; private set; }

    /// <summary>Computes the per-feature minimum and maximum of <paramref name="x"/> (samples, features...).</summary>
    public MinMaxScaler Fit<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape features = FeatureMatrix.FeatureShape(x, "MinMaxScaler.Fit");
        int n = x.Shape[0];
        if (n == 0)
        {
            throw new ArgumentException($"MinMaxScaler.Fit: found array with 0 samples (shape {x.Shape}); at least one is required.", nameof(x));
        }

        int m = features.Length;
        ReadOnlySpan<T> data = x.AsSpan();
        var min = data[..m].ToArray();
        var max = data[..m].ToArray();
        for (int i = 1; i < n; i++)
        {
            ReadOnlySpan<T> row = data.Slice(i * m, m);
            for (int j = 0; j < m; j++)
            {
                min[j] = T.Min(min[j], row[j]);
                max[j] = T.Max(max[j], row[j]);
            }
        }

        T low = T.CreateTruncating(FeatureRange.Low);
        T width = T.CreateTruncating(FeatureRange.High - FeatureRange.Low);
        T tiny = T.CreateTruncating(10) * (T.BitIncrement(T.One) - T.One);
        var dataMin = new double[m];
        var dataMax = new double[m];
        var dataRange = new double[m];
        var scale = new double[m];
        var offset = new double[m];
        for (int j = 0; j < m; j++)
        {
            T range = max[j] - min[j];
            T s = width / (range < tiny ? T.One : range);
            dataMin[j] = double.CreateTruncating(min[j]);
            dataMax[j] = double.CreateTruncating(max[j]);
            dataRange[j] = double.CreateTruncating(range);
            scale[j] = double.CreateTruncating(s);
            offset[j] = double.CreateTruncating(low - min[j] * s);
        }

        _features = features;
        DataMin = Tensor<double>.Wrap(dataMin, features);
        DataMax = Tensor<double>.Wrap(dataMax, features);
        DataRange = Tensor<double>.Wrap(dataRange, features);
        Scale = Tensor<double>.Wrap(scale, features);
        Min = Tensor<double>.Wrap(offset, features);
        return this;
    }

    /// <summary>x · scale + min per feature (clamped when <see cref="Clip"/>), as a new tensor.</summary>
    public Tensor<T> Transform<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FeatureMatrix.RequireFitted(Scale, nameof(MinMaxScaler));
        int m = FeatureMatrix.CheckFeatures(x, _features, "MinMaxScaler.Transform");
        ReadOnlySpan<double> scale = Scale!.AsSpan();
        ReadOnlySpan<double> offset = Min!.AsSpan();
        T low = T.CreateTruncating(FeatureRange.Low);
        T high = T.CreateTruncating(FeatureRange.High);
        var result = new Tensor<T>(x.Shape);
        ReadOnlySpan<T> source = x.AsSpan();
        Span<T> target = result.AsSpan();
        for (int k = 0; k < source.Length; k++)
        {
            int j = k % m;
            T value = source[k] * T.CreateTruncating(scale[j]) + T.CreateTruncating(offset[j]);
            target[k] = Clip ? T.Clamp(value, low, high) : value;
        }

        return result;
    }

    /// <summary><see cref="Fit{T}"/> then <see cref="Transform{T}"/> on the same data.</summary>
    public Tensor<T> FitTransform<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Fit(x).Transform(x);

    /// <summary>Undoes <see cref="Transform{T}"/>: (x' − min) / scale.</summary>
    public Tensor<T> InverseTransform<T>(Tensor<T> scaled)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FeatureMatrix.RequireFitted(Scale, nameof(MinMaxScaler));
        int m = FeatureMatrix.CheckFeatures(scaled, _features, "MinMaxScaler.InverseTransform");
        ReadOnlySpan<double> scale = Scale!.AsSpan();
        ReadOnlySpan<double> offset = Min!.AsSpan();
        var result = new Tensor<T>(scaled.Shape);
        ReadOnlySpan<T> source = scaled.AsSpan();
        Span<T> target = result.AsSpan();
        for (int k = 0; k < source.Length; k++)
        {
            int j = k % m;
            target[k] = (source[k] - T.CreateTruncating(offset[j])) / T.CreateTruncating(scale[j]);
        }

        return result;
    }
}
