namespace Backprop.Plots;

/// <summary>
/// The numbers behind the distribution charts: density-normalised histograms, Gaussian kernel density estimates
/// with Silverman's bandwidth, and quantiles. Non-finite inputs are ignored everywhere (and counted where it matters).
/// </summary>
public static class Density
{
    /// <summary>
    /// Equal-width density histogram of the finite <paramref name="values"/>, numpy's
    /// <c>np.histogram(values, bins, range, density=True)</c>. Without <paramref name="range"/> the edges span the
    /// finite minimum to maximum (widened by ±0.5 when they are equal, as numpy does). Values outside an explicit range
    /// are not counted, yet the densities are still divided by the count inside it, so the area stays 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1 or the range is empty or not finite.</exception>
    public static DensityHistogram Histogram(IReadOnlyList<double> values, int bins, (double Min, double Max)? range = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);

        double[] finite = Finite(values, out int ignored);
        (double low, double high) = range ?? FiniteRange(finite);
        if (!double.IsFinite(low) || !double.IsFinite(high) || high < low)
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"Histogram range ({low}, {high}) must be finite and ascending.");
        }

        if (low == high)
        {
            low -= 0.5;
            high += 0.5;
        }

        var edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++)
        {
            edges[i] = low + (high - low) * i / bins;
        }

        edges[bins] = high;
        var counts = new long[bins];
        long inside = 0;
        double scale = bins / (high - low);
        foreach (double value in finite)
        {
            if (value < low || value > high)
            {
                continue;
            }

            int bin = Math.Min((int)((value - low) * scale), bins - 1);
            // Rounding in (value − low)·scale can land one bin off at an edge; the edges array is the truth.
            if (bin > 0 && value < edges[bin])
            {
                bin--;
            }
            else if (bin < bins - 1 && value >= edges[bin + 1])
            {
                bin++;
            }

            counts[bin]++;
            inside++;
        }

        var densities = new double[bins];
        if (inside > 0)
        {
            for (int i = 0; i < bins; i++)
            {
                densities[i] = counts[i] / (inside * (edges[i + 1] - edges[i]));
            }
        }

        return new DensityHistogram(edges, counts, densities, ignored);
    }

    /// <summary>
    /// Silverman's rule-of-thumb bandwidth (Silverman 1986, eq. 3.31; R's <c>bw.nrd0</c>):
    /// <c>h = 0.9 · min(σ̂, IQR / 1.34) · n^(−1/5)</c> with σ̂ the sample standard deviation (n − 1). When that
    /// minimum is 0 it falls back to σ̂, then |first value|, then 1, as <c>bw.nrd0</c> does, so h is always positive.
    /// </summary>
    /// <exception cref="ArgumentException">There is no finite value.</exception>
    public static double SilvermanBandwidth(IReadOnlyList<double> values)
    {
        double[] finite = Finite(values, out _);
        if (finite.Length == 0)
        {
            throw new ArgumentException("Silverman bandwidth needs at least one finite value.", nameof(values));
        }

        Array.Sort(finite);
        double sd = finite.Length > 1 ? StandardDeviation(finite) : 0;
        double iqr = QuantileSorted(finite, 0.75) - QuantileSorted(finite, 0.25);
        double spread = Math.Min(sd, iqr / 1.34);
        if (spread <= 0)
        {
            spread = sd > 0 ? sd : Math.Abs(finite[0]) > 0 ? Math.Abs(finite[0]) : 1;
        }

        return 0.9 * spread * Math.Pow(finite.Length, -0.2);
    }

    /// <summary>
    /// Gaussian kernel density estimate at each of <paramref name="points"/>:
    /// <c>f̂(x) = 1/(n·h) · Σᵢ φ((x − xᵢ)/h)</c> with φ the standard normal density, like
    /// <c>scipy.stats.gaussian_kde</c> with a fixed bandwidth. <paramref name="bandwidth"/> defaults to
    /// <see cref="SilvermanBandwidth"/>.
    /// </summary>
    /// <exception cref="ArgumentException">There is no finite value, or the bandwidth is not positive and finite.</exception>
    public static double[] Kde(IReadOnlyList<double> values, IReadOnlyList<double> points, double? bandwidth = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        double[] finite = Finite(values, out _);
        if (finite.Length == 0)
        {
            throw new ArgumentException("A kernel density estimate needs at least one finite value.", nameof(values));
        }

        double h = bandwidth ?? SilvermanBandwidth(finite);
        if (!(h > 0) || !double.IsFinite(h))
        {
            throw new ArgumentException($"KDE bandwidth must be positive and finite, got {h}.", nameof(bandwidth));
        }

        double norm = 1.0 / (finite.Length * h * Math.Sqrt(2 * Math.PI));
        var result = new double[points.Count];
        for (int p = 0; p < result.Length; p++)
        {
            double x = points[p];
            double sum = 0;
            foreach (double xi in finite)
            {
                double u = (x - xi) / h;
                sum += Math.Exp(-0.5 * u * u);
            }

            result[p] = sum * norm;
        }

        return result;
    }

    /// <summary>
    /// Quantile with linear interpolation between order statistics (numpy's default
    /// <c>np.quantile(values, q)</c>, Hyndman–Fan type 7) of the finite values.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">There is no finite value.</exception>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), $"Quantile must be within [0, 1], got {q}.");
        }

        double[] finite = Finite(values, out _);
        if (finite.Length == 0)
        {
            throw new ArgumentException("A quantile needs at least one finite value.", nameof(values));
        }

        Array.Sort(finite);
        return QuantileSorted(finite, q);
    }

    /// <summary>Evenly spaced points from <paramref name="start"/> to <paramref name="stop"/> inclusive, like <c>np.linspace</c>.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var points = new double[count];
        for (int i = 0; i < count; i++)
        {
            points[i] = count == 1 ? start : start + (stop - start) * i / (count - 1);
        }

        return points;
    }

    internal static double QuantileSorted(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }

    internal static double[] Finite(IReadOnlyList<double> values, out int ignored)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = new List<double>(values.Count);
        ignored = 0;
        foreach (double value in values)
        {
            if (double.IsFinite(value))
            {
                finite.Add(value);
            }
            else
            {
                ignored++;
            }
        }

        return finite.ToArray();
    }

    internal static (double Min, double Max) FiniteRange(IEnumerable<double> values)
    {
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (double value in values)
        {
            if (double.IsFinite(value))
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
        }

        return double.IsFinite(min) ? (min, max) : (0, 1);
    }

    private static double StandardDeviation(double[] values)
    {
        double mean = 0;
        foreach (double value in values)
        {
            mean += value;
        }

        mean /= values.Length;
        double squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return Math.Sqrt(squares / (values.Length - 1));
    }
}
