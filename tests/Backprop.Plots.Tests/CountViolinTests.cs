using ScottPlot.Plottables;

namespace Backprop.Plots.Tests;

/// <summary>seaborn's <c>violinplot(scale='count', inner=None)</c>: widths proportional to the group sizes, Scott's
/// bandwidth, the density drawn two bandwidths beyond the data.</summary>
public sealed class CountViolinTests
{
    [Fact]
    public void ScottBandwidth_is_the_sample_std_times_n_to_the_minus_one_fifth()
    {
        // scipy: gaussian_kde([1, 2, 3, 4, 5]).factor = 5^(-1/5) = 0.72478; covariance = var(ddof=1) · factor² = 2.5 · 0.52531.
        Assert.Equal(Math.Sqrt(2.5 * 0.5253055608807534), Charts.ScottBandwidth([1, 2, 3, 4, 5]), 12);
        Assert.Equal(0, Charts.ScottBandwidth([3]));
        Assert.Equal(0, Charts.ScottBandwidth([2, 2, 2]));
        Assert.Equal(Charts.ScottBandwidth([1, 2, 3]), Charts.ScottBandwidth([1, double.NaN, 2, 3]));
    }

    [Fact]
    public void Widths_are_proportional_to_the_number_of_values()
    {
        var random = new System.Random(7);
        double[] Draw(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var groups = new Dictionary<string, IReadOnlyList<double>> { ["a"] = Draw(10), ["b"] = Draw(40), ["c"] = Draw(80), ["d"] = [0.5] };
        var chart = Charts.CountScaledViolins(groups, "t", "value", "layer");

        var polygons = chart.Plot.GetPlottables<Polygon>().ToArray();
        Assert.Equal(3, polygons.Length);
        double[] expected = [0.4 * 10 / 80, 0.4 * 40 / 80, 0.4];
        for (int i = 0; i < 3; i++)
        {
            var xs = polygons[i].Coordinates.Select(c => c.X).ToArray();
            Assert.Equal(i + expected[i], xs.Max(), 9);
            Assert.Equal(i - expected[i], xs.Min(), 9);

            // cut = 2: the outline runs from two bandwidths below the smallest value to two above the largest.
            var ys = polygons[i].Coordinates.Select(c => c.Y).ToArray();
            double h = Charts.ScottBandwidth(groups[((string[])["a", "b", "c"])[i]]);
            Assert.Equal(groups[((string[])["a", "b", "c"])[i]].Min() - 2 * h, ys.Min(), 9);
            Assert.Equal(groups[((string[])["a", "b", "c"])[i]].Max() + 2 * h, ys.Max(), 9);
        }

        // One value: a horizontal line of the width its count earns.
        var line = chart.Plot.GetPlottables<LinePlot>().Single();
        Assert.Equal(3 - (0.4 / 80), line.Start.X, 12);
        Assert.Equal(3 + (0.4 / 80), line.End.X, 12);
        Assert.Equal(0.5, line.Start.Y);
    }

    [Fact]
    public void Renders_and_refuses_no_groups()
    {
        var chart = Charts.CountScaledViolins(new Dictionary<string, IReadOnlyList<double>> { ["1"] = [1.0, 1.1, 0.9, 1.05], ["2"] = [double.NaN] });
        Assert.True(PngInfo.HasSignature(chart.ToPngBytes(320, 200)));
        Assert.Throws<ArgumentException>(() => Charts.CountScaledViolins(new Dictionary<string, IReadOnlyList<double>>()));
    }
}
