namespace Backprop.Plots;

/// <summary>
/// An equal-width histogram normalised to a probability density, like
/// <c>numpy.histogram(values, bins, range, density=True)</c>: <c>Densities[i] = Counts[i] / (n · width)</c>,
/// so the bars' total area is 1.
/// </summary>
/// <param name="Edges">Bin edges, <c>Bins + 1</c> ascending values; every bin is half-open except the last, which
/// includes its right edge (as in numpy).</param>
/// <param name="Counts">Number of finite values in each bin.</param>
/// <param name="Densities">Counts divided by (finite count × bin width); all zeros when there are no values.</param>
/// <param name="IgnoredNonFinite">How many NaN or infinite values were left out (a diverged layer shows up here).</param>
public sealed record DensityHistogram(double[] Edges, long[] Counts, double[] Densities, int IgnoredNonFinite)
{
    /// <summary>Number of bins.</summary>
    public int Bins => Counts.Length;

    /// <summary>Width of every bin.</summary>
    public double BinWidth => (Edges[^1] - Edges[0]) / Bins;

    /// <summary>Σ density·width: 1 when any finite value fell inside the range, 0 otherwise.</summary>
    public double Area()
    {
        double area = 0;
        for (int i = 0; i < Bins; i++)
        {
            area += Densities[i] * (Edges[i + 1] - Edges[i]);
        }

        return area;
    }
}
