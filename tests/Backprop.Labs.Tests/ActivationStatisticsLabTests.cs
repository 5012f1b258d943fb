using System.Text.Json.Nodes;
using Backprop.Labs.ActivationStatistics;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Random;

namespace Backprop.Labs.Tests;

/// <summary>One --quick run shared by the tests that read its files.</summary>
public sealed class ActivationStatisticsQuickRun : IDisposable
{
    public ActivationStatisticsQuickRun()
    {
        Folder = Path.Combine(Path.GetTempPath(), "backprop-acts-" + Guid.NewGuid().ToString("N"));
        Result = LabRunner.Run(new ActivationStatisticsLab(), new LabRunOptions(Seed: 7, Quick: true, OutputDirectory: Folder), new PlainLabConsole(TextWriter.Null));
        Root = ResultsFile.Read(Result.ResultsPath)!.AsObject();
        Results = Root["results"]!.AsObject();
    }

    public string Folder { get; }

    public JsonObject Root { get; }

    public LabRunResult Result { get; }

    public JsonObject Results { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class ActivationStatisticsLabTests : IClassFixture<ActivationStatisticsQuickRun>
{
    private static readonly string[] s_wideSchemes = ["normal", "glorot_normal", "glorot_uniform"];
    private static readonly string[] s_saturatingInits = ["normal_0.10", "normal_0.14", "normal_0.28", "glorot_normal"];
    private readonly ActivationStatisticsQuickRun _run;

    public ActivationStatisticsLabTests(ActivationStatisticsQuickRun run)
    {
        _run = run;
    }

    [Fact]
    public void QuickRunRecordsEveryLayerOfEverySchemeWithFiniteNumbers()
    {
        var results = _run.Results;
        foreach (string scheme in s_wideSchemes)
        {
            for (int layer = 1; layer <= 5; layer++)
            {
                foreach (string stat in new[] { "mean", "std", "saturated_fraction" })
                {
                    Assert.True(results.ContainsKey($"part1.{scheme}.layer{layer}.{stat}"), $"missing part1.{scheme}.layer{layer}.{stat}");
                }

                // The course's bins: 20 for N(0, 1) (Q2(b)), 50 for Glorot (Q2(c)).
                Assert.Equal(scheme == "normal" ? 20 : 50, results[$"part1.{scheme}.layer{layer}.histogram_density"]!.AsArray().Count);
            }
        }

        foreach (string activation in new[] { "tanh", "sigmoid" })
        {
            foreach (string init in s_saturatingInits)
            {
                for (int layer = 1; layer <= 5; layer++)
                {
                    Assert.True(results.ContainsKey($"part2.{activation}.{init}.layer{layer}.saturated_fraction"));
                    Assert.True(results.ContainsKey($"part2.{activation}.{init}.layer{layer}.std"));
                }
            }
        }

        foreach (string init in new[] { "glorot_normal", "he_normal" })
        {
            for (int layer = 1; layer <= 5; layer++)
            {
                Assert.True(results.ContainsKey($"part2.relu.{init}.layer{layer}.dead_unit_fraction"));
                Assert.True(results.ContainsKey($"part2.relu.{init}.layer{layer}.zero_fraction"));
            }
        }

        Assert.Equal(1024L * 1024 * 3 + 1024 * 512 + 512 * 512, (long)results["part1.weights"]!);
        foreach (var (key, value) in results)
        {
            foreach (double number in Numbers(value))
            {
                Assert.True(double.IsFinite(number), $"{key} holds {number}");
            }
        }

        foreach (var (key, value) in results.Where(kv => kv.Key.EndsWith("_fraction", StringComparison.Ordinal)))
        {
            Assert.InRange((double)value!, 0, 1);
        }

        Assert.True(File.Exists(_run.Result.ReportPath));
        Assert.Equal(6, Directory.GetFiles(_run.Folder, "*.png").Length);
    }

    [Fact]
    public void QuickRunShowsTheExpectedPhysics()
    {
        var results = _run.Results;
        // N(0, 1) weights with fan-in ≥ 512 drive tanh into saturation; Glorot keeps almost every unit linear-ish.
        for (int layer = 1; layer <= 5; layer++)
        {
            Assert.True((double)results[$"part1.normal.layer{layer}.saturated_fraction"]! > 0.8);
            Assert.True((double)results[$"part1.glorot_normal.layer{layer}.saturated_fraction"]! < 0.01);
            Assert.True((double)results[$"part1.glorot_uniform.layer{layer}.saturated_fraction"]! < 0.01);
        }

        // ReLU is positively homogeneous and the biases are zero: He and Glorot (same seed) differ by a scale per
        // layer only, so the same outputs are zero, up to float32 rounding of pre-activations next to 0 (a few of a million).
        for (int layer = 1; layer <= 5; layer++)
        {
            Assert.Equal((double)results[$"part2.relu.glorot_normal.layer{layer}.zero_fraction"]!, (double)results[$"part2.relu.he_normal.layer{layer}.zero_fraction"]!, 1e-5);
        }
    }

    [Fact]
    public void PublishedClaimsArePinned()
    {
        // Neither course published a number (notes §3.4): each claim is the course's words with a range fixed in advance.
        var all = ActivationStatisticsPublished.All;
        Assert.Equal(8, all.Count);
        Assert.All(all, f => Assert.False(f.Value.IsNumber));
        Assert.Equal("layers 4 and 5 are concentrated at a very small value (<0.5)", ActivationStatisticsPublished.ReluGlorotConcentrated.Value.Text);
        Assert.Equal(0.9, ActivationStatisticsPublished.ReluGlorotConcentrated.Tolerance.Low);
        Assert.Equal(0.9, ActivationStatisticsPublished.ReluHeSpread.Tolerance.High);
        Assert.Equal(0.5, ActivationStatisticsPublished.NormalSaturates.Tolerance.Low);
        Assert.StartsWith("course 003", ActivationStatisticsPublished.ReluHeSpread.Source, StringComparison.Ordinal);
        Assert.StartsWith("course 000", ActivationStatisticsPublished.GlorotCentred.Source, StringComparison.Ordinal);

        // A passing and a failing case of the ReLU claim.
        var figure = ActivationStatisticsPublished.ReluGlorotConcentrated;
        Assert.Equal(Verdict.Matches, figure.Tolerance.Judge(figure.Value, Measurement.Of(0.97)));
        Assert.Equal(Verdict.Differs, figure.Tolerance.Judge(figure.Value, Measurement.Of(0.6)));
    }

    [Fact]
    public void QuickRunComparesEveryClaim()
    {
        var published = _run.Root["published"]!.AsArray();
        Assert.Equal(12, published.Count);
        Assert.All(published, row => Assert.Contains(row!["verdict"]!.GetValue<string>(), new[] { "matches", "within spread", "differs" }));
        Assert.All(published, row => Assert.True(double.IsFinite(row!["measured"]!.GetValue<double>())));
        Assert.Contains(published, row => row!["quantity"]!.GetValue<string>().StartsWith("part 2, ReLU, He normal", StringComparison.Ordinal));
        Assert.True((bool)_run.Results["part2.identical_hidden_kernels"]!);
        string html = File.ReadAllText(_run.Result.ReportPath);
        Assert.Contains("Against the published results", html);
    }

    [Fact]
    public void CourseMlpIsTheCoursesModelWithOneSeededInitialiser()
    {
        var model = ActivationStatisticsLab.BuildCourseMlp("relu", new HeNormal(ActivationStatisticsLab.CourseSeed));
        var dense = model.Layers.OfType<Dense>().ToArray();
        Assert.Equal(7, dense.Length);
        Assert.Equal(new Shape(784, 100), dense[0].Kernel.Shape);
        Assert.Equal("linear", dense[0].Activation.Name);
        Assert.All(dense[1..6], d => Assert.Equal("relu", d.Activation.Name));
        Assert.Equal("softmax", dense[6].Activation.Name);
        Assert.Equal(new Shape(100, 10), dense[6].Kernel.Shape);
        Assert.All(dense, d => Assert.All(d.Bias!.ValueAs<float>().ToArray(), b => Assert.Equal(0f, b)));

        // One seeded initialiser repeats its draw: the five 100 × 100 kernels are identical, and He's scale √(2/100).
        float[] first = dense[1].Kernel.ValueAs<float>().ToArray();
        Assert.All(dense[2..6], d => Assert.Equal(first, d.Kernel.ValueAs<float>().ToArray()));
        double std = Math.Sqrt(first.Average(v => (double)v * v));
        Assert.InRange(std, 0.12, 0.15);
    }

    [Fact]
    public void EveryNthValueIsNumpysStride()
    {
        float[] values = Enumerable.Range(0, 200).Select(i => (float)i).ToArray();
        Assert.Equal([0.0, 20, 40, 60, 80, 100, 120, 140, 160, 180], ActivationStatisticsLab.EveryNth(values, 20));
        Assert.Equal([0.0, 7, 14], ActivationStatisticsLab.EveryNth(values.AsSpan(0, 15).ToArray(), 7));
        Assert.Equal(50_000, ActivationStatisticsLab.EveryNth(new float[10_000 * 100], ActivationStatisticsLab.PlotStride).Length);
    }

    [Fact]
    public void HistogramsAreNormalisedToAreaOne()
    {
        var results = _run.Results;
        foreach (string scheme in s_wideSchemes)
        {
            int bins = scheme == "normal" ? ActivationStatisticsLab.NormalHistogramBins : ActivationStatisticsLab.GlorotHistogramBins;
            double[] edges = results[$"part1.histogram_edges_{bins}_bins"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(bins + 1, edges.Length);
            Assert.Equal(-1, edges[0]);
            Assert.Equal(1, edges[^1]);
            for (int layer = 1; layer <= 5; layer++)
            {
                double[] density = results[$"part1.{scheme}.layer{layer}.histogram_density"]!.AsArray().Select(v => (double)v!).ToArray();
                double area = 0;
                for (int i = 0; i < density.Length; i++)
                {
                    Assert.True(density[i] >= 0);
                    area += density[i] * (edges[i + 1] - edges[i]);
                }

                Assert.Equal(1.0, area, 12);
            }
        }
    }

    [Fact]
    public void SameSeedGivesTheSameResultsAndAnotherSeedDoesNot()
    {
        string folder = Path.Combine(Path.GetTempPath(), "backprop-acts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var again = LabRunner.Run(new ActivationStatisticsLab(), new LabRunOptions(Seed: 7, Quick: true, OutputDirectory: folder), new PlainLabConsole(TextWriter.Null));
            var results = ResultsFile.Read(again.ResultsPath)!["results"]!.AsObject();
            var keys = _run.Results.Select(kv => kv.Key).Where(k => !k.StartsWith("timing.", StringComparison.Ordinal)).ToList();
            Assert.Equal(keys, results.Select(kv => kv.Key).Where(k => !k.StartsWith("timing.", StringComparison.Ordinal)).ToList());
            foreach (string key in keys)
            {
                Assert.True(JsonNode.DeepEquals(_run.Results[key], results[key]), $"{key} differs between two runs with seed 7");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var first = ActivationStatisticsLab.LayerOutputs(
            ActivationStatisticsLab.BuildNetwork([33, 7, 13], "tanh", ActivationStatisticsLab.WideSchemes[0], 7, 1), ActivationStatisticsLab.WideInput(33, 7));
        var other = ActivationStatisticsLab.LayerOutputs(
            ActivationStatisticsLab.BuildNetwork([33, 7, 13], "tanh", ActivationStatisticsLab.WideSchemes[0], 8, 1), ActivationStatisticsLab.WideInput(33, 8));
        Assert.NotEqual(first[1], other[1]);
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("relu")]
    public void StatisticsOfTheLabsForwardPassEqualANaiveFloat64Recount(string activation)
    {
        var rule = activation switch { "tanh" => SaturationRule.Tanh, "sigmoid" => SaturationRule.Sigmoid, _ => SaturationRule.None };
        // Awkward widths, a batch of 9, N(0, 1) weights: many tanh/sigmoid outputs are saturated and, with this
        // few inputs, some ReLU units are off for the whole batch.
        int[] widths = [33, 1, 7, 1000];
        var model = ActivationStatisticsLab.BuildNetwork(widths, activation, ActivationStatisticsLab.WideSchemes[0], 3, 2);
        var x = new Tensor<float>(9, widths[0]);
        new RandomGenerator(11).FillNormal(x.AsSpan(), 0f, 1f);
        float[][] outputs = ActivationStatisticsLab.LayerOutputs(model, x);

        double[] input = x.AsSpan().ToArray().Select(v => (double)v).ToArray();
        int rows = 9;
        for (int l = 0; l < widths.Length - 1; l++)
        {
            int fanIn = widths[l], units = widths[l + 1];
            float[] kernel = ((Dense)model.Layers[l]).Kernel.ValueAs<float>().ToArray();
            var h = new double[rows * units];
            for (int r = 0; r < rows; r++)
            {
                for (int u = 0; u < units; u++)
                {
                    double z = 0;
                    for (int i = 0; i < fanIn; i++)
                    {
                        z += input[r * fanIn + i] * kernel[i * units + u];
                    }

                    h[r * units + u] = activation switch
                    {
                        "tanh" => Math.Tanh(z),
                        "sigmoid" => 1 / (1 + Math.Exp(-z)),
                        _ => Math.Max(z, 0),
                    };
                }
            }

            for (int i = 0; i < h.Length; i++)
            {
                Assert.Equal(h[i], outputs[l][i], 1e-4 * Math.Max(1, Math.Abs(h[i])));
            }

            var stats = LayerStatistics.Of(outputs[l], units, rule);
            double mean = h.Average();
            double std = Math.Sqrt(h.Sum(v => (v - mean) * (v - mean)) / h.Length);
            // Thresholds in float32, as numpy compares a float32 array with 0.99.
            int saturated = h.Count(v => rule switch
            {
                SaturationRule.Tanh => Math.Abs(v) > 0.99f,
                SaturationRule.Sigmoid => v < 0.01f || v > 0.99f,
                _ => false,
            });
            int zeros = h.Count(v => v == 0);
            int dead = Enumerable.Range(0, units).Count(u => Enumerable.Range(0, rows).All(r => h[r * units + u] == 0));
            Assert.Equal(saturated, stats.SaturatedFraction * h.Length, 6);
            Assert.Equal(zeros, stats.ZeroFraction * h.Length, 6);
            Assert.Equal((double)dead / units, stats.DeadUnitFraction, 12);
            Assert.Equal(mean, stats.Mean, 1e-4);
            Assert.Equal(std, stats.StandardDeviation, 1e-4);
            Assert.Equal(h.Length, stats.Count);
            input = h;
        }

        // The recount must have had something to count, and not everything.
        var all = outputs.Select((o, l) => LayerStatistics.Of(o, widths[l + 1], rule)).ToList();
        if (rule == SaturationRule.None)
        {
            Assert.Contains(all, st => st.DeadUnitFraction > 0);
            Assert.Contains(all, st => st.DeadUnitFraction < 1);
        }
        else
        {
            Assert.Contains(all, st => st.SaturatedFraction > 0);
            Assert.Contains(all, st => st.SaturatedFraction < 1);
        }
    }

    [Fact]
    public void StatisticsCountSaturationAtTheThresholdsOnHandMadeValues()
    {
        float[] tanh = [0.99f, -0.991f, 0.5f, 1f, -1f, 0f];
        var t = LayerStatistics.Of(tanh, 3, SaturationRule.Tanh);
        Assert.Equal(3.0 / 6, t.SaturatedFraction, 12);
        Assert.Equal(1.0 / 6, t.ZeroFraction, 12);
        Assert.Equal(0.0, t.DeadUnitFraction);

        float[] sigmoid = [0.005f, 0.5f, 0.995f, 0.01f];
        Assert.Equal(2.0 / 4, LayerStatistics.Of(sigmoid, 2, SaturationRule.Sigmoid).SaturatedFraction, 12);

        float[] relu = [0f, 2f, 0f, 0f, 3f, 0f];
        var r = LayerStatistics.Of(relu, 3, SaturationRule.None);
        Assert.Equal(2.0 / 3, r.DeadUnitFraction, 12);
        Assert.Equal(0.0, r.SaturatedFraction);
        Assert.Equal(5.0 / 6, r.Mean, 12);
    }

    [Fact]
    public void StatisticsRejectPartialRows()
    {
        var error = Assert.Throws<ArgumentException>(() => LayerStatistics.Of(new float[7], 3, SaturationRule.Tanh));
        Assert.Contains("7", error.Message);
        Assert.Throws<ArgumentException>(() => LayerStatistics.Of([], 3, SaturationRule.Tanh));
    }

    [Fact]
    public void RedrawingInPlaceEqualsBuildingAFreshNetwork()
    {
        int[] widths = [33, 1000, 7];
        var model = ActivationStatisticsLab.BuildNetwork(widths, "tanh", ActivationStatisticsLab.WideSchemes[0], 5, 1);
        foreach (var scheme in ActivationStatisticsLab.WideSchemes.Skip(1))
        {
            ActivationStatisticsLab.Reinitialize(model, scheme, 5, 1);
            var fresh = ActivationStatisticsLab.BuildNetwork(widths, "tanh", scheme, 5, 1);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal(((Dense)fresh.Layers[l]).Kernel.ValueAs<float>().ToArray(), ((Dense)model.Layers[l]).Kernel.ValueAs<float>().ToArray());
                Assert.All(((Dense)model.Layers[l]).Bias!.ValueAs<float>().ToArray(), b => Assert.Equal(0f, b));
            }
        }
    }

    [Fact]
    public void WideInputHasVarianceOneHalf()
    {
        var x = ActivationStatisticsLab.WideInput(100_000, 3).AsSpan().ToArray();
        double mean = x.Average(v => (double)v);
        double variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        Assert.Equal(0, mean, 0.01);
        Assert.Equal(0.5, variance, 0.01);
    }

    private static IEnumerable<double> Numbers(JsonNode? node) => node switch
    {
        JsonArray array => array.SelectMany(Numbers),
        JsonValue value when value.TryGetValue(out double d) => [d],
        JsonValue value when value.TryGetValue(out string? _) => [double.NaN],
        _ => [],
    };
}
