using System.Numerics;

namespace Backprop.Data;

/// <summary>Standardises features as scikit-learn's <c>StandardScaler</c>: z = (x − mean) / scale per feature
/// (column), with the mean and the POPULATION standard deviation (ddof = 0) of the data given to
/// <see cref="Fit{T}"/>, which should be the training split only. A constant feature (variance indistinguishable
/// from zero) gets scale 1, as in scikit-learn. Statistics are accumulated in float64; a float32 input is
/// transformed as scikit-learn does it (<c>X -= mean_; X /= scale_</c>, each step rounded to float32).</summary>
public sealed class StandardScaler
{
    /// <summary>numpy's <c>np.finfo(np.float64).eps</c> = 2⁻⁵².</summary>
    private const double Float64Epsilon = 2.220446049250313e-16;

    private Shape _features;

    /// <summary>A scaler; <paramref name="withMean"/> and <paramref name="withStd"/> as scikit-learn's options.</summary>
    public StandardScaler(bool withMean = true, bool withStd = true)
    {
        WithMean = withMean;
        WithStd = withStd;
    }

    /// <summary>Whether <see cref="Transform{T}"/> subtracts the mean.</summary>
    public bool WithMean { get; }

    /// <summary>Whether <see cref="Transform{T}"/> divides by the standard deviation.</summary>
    public bool WithStd { get; }

    /// <summary>Per-feature mean of the training data (<c>mean_</c>), shaped like one row; null before Fit.</summary>
    public Tensor<double>? Mean { get; private set; }

    /// <summary>Per-feature population variance (<c>var_</c>); null before Fit or without <see cref="WithStd"/>.</summary>
    public Tensor<double>? Var { get; private set; }

    /// <summary>Per-feature scale (<c>scale_</c>): √var, or 1 for a constant feature; null before Fit or without
    /// <see cref="WithStd"/>.</summary>
    public Tensor<double>? Scale { get; private set; }

    /// <summary>Number of samples seen by <see cref="Fit{T}"/> (<c>n_samples_seen_</c>).</summary>
    public int SamplesSeen { get; private set; }

    /// <summary>Computes the per-feature statistics of <paramref name="x"/> (samples, features...).</summary>
    public StandardScaler Fit<T>(Tensor<T> x)
        where T : unmanaged, INumber<T>
    {
        Shape features = FeatureMatrix.FeatureShape(x, "StandardScaler.Fit");
        int n = x.Shape[0];
        if (n == 0)
        {
            throw new ArgumentException($"StandardScaler.Fit: found array with 0 samples (shape {x.Shape}); at least one is required.", nameof(x));
        }

        int m = features.Length;
        ReadOnlySpan<T> data = x.AsSpan();
        var sum = new double[m];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = data.Slice(i * m, m);
            for (int j = 0; j < m; j++)
            {
                sum[j] += double.CreateTruncating(row[j]);
            }
        }

        var mean = new double[m];
        for (int j = 0; j < m; j++)
        {
            mean[j] = sum[j] / n;
        }

        _features = features;
        Mean = Tensor<double>.Wrap(mean, features);
        SamplesSeen = n;
        Var = null;
        Scale = null;
        if (!WithStd)
        {
            return this;
        }

        // scikit-learn's corrected two-pass variance: (Σd² − (Σd)²/n) / n with d = x − mean.
        var correction = new double[m];
        var squares = new double[m];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = data.Slice(i * m, m);
            for (int j = 0; j < m; j++)
            {
                double d = double.CreateTruncating(row[j]) - mean[j];
                correction[j] += d;
                squares[j] += d * d;
            }
        }

        var variance = new double[m];
        var scale = new double[m];
        for (int j = 0; j < m; j++)
        {
            variance[j] = (squares[j] - correction[j] * correction[j] / n) / n;

            // A feature whose variance is within the rounding error of the two-pass algorithm is constant
            // (scikit-learn's _is_constant_feature); dividing by its tiny std would blow up noise.
            double bound = n * Float64Epsilon * variance[j] + (n * mean[j] * Float64Epsilon) * (n * mean[j] * Float64Epsilon);
            scale[j] = variance[j] <= bound ? 1.0 : Math.Sqrt(variance[j]);
        }

        Var = Tensor<double>.Wrap(variance, features);
        Scale = Tensor<double>.Wrap(scale, features);
        return this;
    }

    /// <summary>(x − mean) / scale per feature, as a new tensor of the same shape and type.</summary>
    public Tensor<T> Transform<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FeatureMatrix.RequireFitted(Mean, nameof(StandardScaler));
        int m = FeatureMatrix.CheckFeatures(x, _features, "StandardScaler.Transform");
        ReadOnlySpan<double> mean = Mean!.AsSpan();
        ReadOnlySpan<double> scale = Scale is null ? default : Scale.AsSpan();
        var result = new Tensor<T>(x.Shape);
        ReadOnlySpan<T> source = x.AsSpan();
        Span<T> target = result.AsSpan();
        for (int k = 0; k < source.Length; k++)
        {
            int j = k % m;
            T value = source[k];
            if (WithMean)
            {
                value = T.CreateTruncating(double.CreateTruncating(value) - mean[j]);
            }

            if (WithStd)
            {
                value = T.CreateTruncating(double.CreateTruncating(value) / scale[j]);
            }

            target[k] = value;
        }

        return result;
    }

    /// <summary><see cref="Fit{T}"/> then <see cref="Transform{T}"/> on the same data.</summary>
    public Tensor<T> FitTransform<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Fit(x).Transform(x);

    /// <summary>Undoes <see cref="Transform{T}"/>: z · scale + mean.</summary>
    public Tensor<T> InverseTransform<T>(Tensor<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FeatureMatrix.RequireFitted(Mean, nameof(StandardScaler));
        int m = FeatureMatrix.CheckFeatures(z, _features, "StandardScaler.InverseTransform");
        ReadOnlySpan<double> mean = Mean!.AsSpan();
        ReadOnlySpan<double> scale = Scale is null ? default : Scale.AsSpan();
        var result = new Tensor<T>(z.Shape);
        ReadOnlySpan<T> source = z.AsSpan();
        Span<T> target = result.AsSpan();
        for (int k = 0; k < source.Length; k++)
        {
            int j = k % m;
            T value = source[k];
            if (WithStd)
            {
                value = T.CreateTruncating(double.CreateTruncating(value) * scale[j]);
            }

            if (WithMean)
            {
                value = T.CreateTruncating(double.CreateTruncating(value) + mean[j]);
            }

            target[k] = value;
        }

        return result;
    }
}
