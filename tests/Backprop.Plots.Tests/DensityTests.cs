using System.Text.Json;

namespace Backprop.Plots.Tests;

public sealed class DensityTests
{
    private static readonly List<DensityCase> s_cases = LoadCases();

    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < s_cases.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Histogram_MatchesNumpyDensityTrue(int index)
    {
        DensityCase c = s_cases[index];
        DensityHistogram histogram = Density.Histogram(c.Values, c.Bins);

        Assert.Equal(c.Bins, histogram.Bins);
        for (int i = 0; i <= c.Bins; i++)
        {
            Assert.Equal(c.Edges[i], histogram.Edges[i], 1e-12);
        }

        Assert.Equal(c.Counts, histogram.Counts);
        for (int i = 0; i < c.Bins; i++)
        {
            Assert.Equal(c.Densities[i], histogram.Densities[i], 1e-9 * Math.Max(1, c.Densities[i]));
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void SilvermanBandwidthAndKde_MatchScipyWithRsBwNrd0(int index)
    {
        DensityCase c = s_cases[index];
        double h = Density.SilvermanBandwidth(c.Values);
        Assert.Equal(c.Bandwidth, h, 1e-12 * Math.Max(1, c.Bandwidth));

        double[] kde = Density.Kde(c.Values, c.Points);
        for (int i = 0; i < kde.Length; i++)
        {
            Assert.Equal(c.Kde[i], kde[i], 1e-10);
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Quantile_MatchesNumpyLinearInterpolation(int index)
    {
        DensityCase c = s_cases[index];
        foreach ((string q, double expected) in c.Quantiles)
        {
            Assert.Equal(expected, Density.Quantile(c.Values, double.Parse(q, System.Globalization.CultureInfo.InvariantCulture)), 1e-12);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 2)]
    [InlineData(33, 10, 3)]
    [InlineData(1000, 50, 4)]
    [InlineData(4097, 113, 5)]
    public void Histogram_AreaIsOneAndCountsAddUp(int n, int bins, int seed)
    {
        var random = new System.Random(seed);
        double[] values = Enumerable.Range(0, n).Select(_ => Math.Exp(3 * random.NextDouble()) - 4).ToArray();

        DensityHistogram histogram = Density.Histogram(values, bins);

        Assert.Equal(1.0, histogram.Area(), 1e-12);
        Assert.Equal(n, histogram.Counts.Sum());
        double widen = n == 1 ? 0.5 : 0;
        Assert.Equal(values.Min() - widen, histogram.Edges[0]);
        Assert.Equal(values.Max() + widen, histogram.Edges[^1]);
    }

    [Fact]
    public void Histogram_HandComputed_LastBinClosedAndNonFiniteIgnored()
    {
        double[] values = [0, 0.5, 1, 1.5, 2, double.NaN, double.PositiveInfinity];

        DensityHistogram histogram = Density.Histogram(values, 2);

        Assert.Equal([0.0, 1.0, 2.0], histogram.Edges);
        Assert.Equal([2L, 3L], histogram.Counts);
        Assert.Equal([0.4, 0.6], histogram.Densities);
        Assert.Equal(2, histogram.IgnoredNonFinite);
    }

    [Fact]
    public void Histogram_ExplicitRange_DropsOutsideValuesAndStillIntegratesToOne()
    {
        double[] values = [-5, 0.1, 0.2, 0.9, 7];

        DensityHistogram histogram = Density.Histogram(values, 4, (0, 1));

        Assert.Equal(3, histogram.Counts.Sum());
        Assert.Equal(1.0, histogram.Area(), 1e-12);
        Assert.Equal(0.25, histogram.BinWidth, 1e-15);
    }

    [Fact]
    public void Histogram_AllEqualValues_WidensRangeLikeNumpy()
    {
        DensityHistogram histogram = Density.Histogram([3.0, 3.0, 3.0], 4);

        Assert.Equal(2.5, histogram.Edges[0]);
        Assert.Equal(3.5, histogram.Edges[^1]);
        Assert.Equal(1.0, histogram.Area(), 1e-12);
    }

    [Fact]
    public void Histogram_RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Density.Histogram([1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Density.Histogram([1.0], 3, (2, 1)));
    }

    [Fact]
    public void SilvermanBandwidth_HandComputed()
    {
        // 1…5: sd = √2.5 = 1.5811, IQR = 4 − 2 = 2, min(sd, IQR/1.34) = 1.4925; h = 0.9 · 1.4925 · 5^(−1/5).
        double expected = 0.9 * (2 / 1.34) * Math.Pow(5, -0.2);
        Assert.Equal(expected, Density.SilvermanBandwidth([1.0, 2, 3, 4, 5]), 1e-15);
        Assert.Equal(0.9735837, expected, 1e-6);

        // Zero IQR falls back to the standard deviation: [0, 0, 0, 0, 10] has sd = √20.
        Assert.Equal(0.9 * Math.Sqrt(20) * Math.Pow(5, -0.2), Density.SilvermanBandwidth([0.0, 0, 0, 0, 10]), 1e-12);
    }

    [Fact]
    public void Kde_HandComputed()
    {
        // Two points 0 and 1, h = 1: f(0) = (φ(0) + φ(1)) / 2 = (0.398942 + 0.241971) / 2.
        double[] density = Density.Kde([0.0, 1.0], [0.0, 0.5], bandwidth: 1);

        Assert.Equal(0.3204565, density[0], 1e-7);
        Assert.Equal(0.3520653, density[1], 1e-7);
    }

    [Fact]
    public void Kde_IntegratesToOne()
    {
        var random = new System.Random(7);
        double[] values = Enumerable.Range(0, 333).Select(_ => random.NextDouble() * random.NextDouble() * 10).ToArray();
        double h = Density.SilvermanBandwidth(values);
        double[] grid = Density.Linspace(values.Min() - 8 * h, values.Max() + 8 * h, 4001);

        double[] density = Density.Kde(values, grid);
        double step = grid[1] - grid[0];
        double area = density.Sum() * step;

        Assert.Equal(1.0, area, 1e-6);
    }

    [Fact]
    public void Kde_RejectsEmptyInputAndBadBandwidth()
    {
        Assert.Throws<ArgumentException>(() => Density.Kde([double.NaN], [0.0]));
        Assert.Throws<ArgumentException>(() => Density.Kde([1.0], [0.0], bandwidth: 0));
    }

    [Fact]
    public void Linspace_IncludesBothEnds()
    {
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], Density.Linspace(0, 1, 5));
        Assert.Equal([2.0], Density.Linspace(2, 3, 1));
    }

    private static List<DensityCase> LoadCases()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "density_fixture.json");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return JsonSerializer.Deserialize<List<DensityCase>>(File.ReadAllText(path), options)
            ?? throw new InvalidDataException($"Fixture {path} is empty.");
    }

    public sealed record DensityCase(
        double[] Values,
        int Bins,
        double[] Edges,
        long[] Counts,
        double[] Densities,
        double Bandwidth,
        double[] Points,
        double[] Kde,
        Dictionary<string, double> Quantiles);
}
