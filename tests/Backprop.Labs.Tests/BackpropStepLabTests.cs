using System.Text.Json.Nodes;
using Backprop.Labs.BackpropStep;

namespace Backprop.Labs.Tests;

/// <summary>
/// The backprop-step exercise derived by hand, and the lab's numbers pinned against the derivation.
/// <code>
/// W¹ = [[1, 2], [0, −1], [−1, −3], [−2, 2]]   b¹ = (−2, 2, 0, −2)   W² = (1, 0, −1, 2)   b² = −2
/// x⁽¹⁾ = (−1, 1), y⁽¹⁾ = 1;   x⁽²⁾ = (2, −1), y⁽²⁾ = −1;   n = 2;   L = (1/n) Σᵢ ½(ŷᵢ − yᵢ)²;   η = 0.5
///
/// Forward, z¹ = W¹x + b¹ (row j of W¹ · x, plus b¹ⱼ):
///   sample 1: z¹ = (−1+2−2, 0−1+2, 1−3+0, 2+2−2) = (−1, 1, −2, 2)   a¹ = (0, 1, 0, 2)
///             ŷ = 1·0 + 0·1 − 1·0 + 2·2 − 2 = 2                       ŷ − y = 1
///   sample 2: z¹ = (2−2−2, 0+1+2, −2+3+0, −4−2−2) = (−2, 3, 1, −8)  a¹ = (0, 3, 1, 0)
///             ŷ = 0 + 0 − 1 + 0 − 2 = −3                                ŷ − y = −2
///   No z¹ is exactly 0, so relu′ is unambiguous.  L = ½·(½·1² + ½·2²) = 1.25
///
/// Backward (the loss averages over the batch, so each delta carries 1/n = ½):
///   δ² = (ŷ − y)/n:  sample 1: 0.5;  sample 2: −1
///   ∂L/∂a¹ = δ²·W²:  sample 1: (0.5, 0, −0.5, 1);  sample 2: (−1, 0, 1, −2)
///   δ¹ = ∂L/∂a¹ ⊙ [z¹ > 0]:  sample 1: ⊙ (0, 1, 0, 1) → (0, 0, 0, 1);  sample 2: ⊙ (0, 1, 1, 0) → (0, 0, 1, 0)
///
/// Gradients (sums over the batch):
///   ∂L/∂W² = Σ δ² a¹ = 0.5·(0, 1, 0, 2) − 1·(0, 3, 1, 0) = (0, −2.5, −1, 1)
///   ∂L/∂b² = 0.5 − 1 = −0.5
///   ∂L/∂W¹ = Σ δ¹ xᵀ: sample 1 puts 1·(−1, 1) into row 4, sample 2 puts 1·(2, −1) into row 3
///          = [[0, 0], [0, 0], [2, −1], [−1, 1]]
///   ∂L/∂b¹ = (0, 0, 0, 1) + (0, 0, 1, 0) = (0, 0, 1, 1)
///
/// Update θ ← θ − 0.5·∂L/∂θ:
///   W¹ = [[1, 2], [0, −1], [−1−1, −3+0.5], [−2+0.5, 2−0.5]] = [[1, 2], [0, −1], [−2, −2.5], [−1.5, 1.5]]
///   b¹ = (−2, 2, 0−0.5, −2−0.5) = (−2, 2, −0.5, −2.5)
///   W² = (1, 0+1.25, −1+0.5, 2−0.5) = (1, 1.25, −0.5, 1.5)
///   b² = −2 + 0.25 = −1.75
///
/// After the step:
///   sample 1: z¹ = (−1+2−2, 0−1+2, 2−2.5−0.5, 1.5+1.5−2.5) = (−1, 1, −1, 0.5)  a¹ = (0, 1, 0, 0.5)
///             ŷ = 1.25·1 + 1.5·0.5 − 1.75 = 0.25                       ŷ − y = −0.75
///   sample 2: z¹ = (2−2−2, 0+1+2, −4+2.5−0.5, −3−1.5−2.5) = (−2, 3, −2, −7)  a¹ = (0, 3, 0, 0)
///             ŷ = 1.25·3 − 1.75 = 2                                    ŷ − y = 3
///   L = ½·(½·0.5625 + ½·9) = 2.390625: the step INCREASES the loss (‖g‖² = 7 + 2 + 8.25 + 0.25 = 17.5).
/// </code>
/// All these numbers are short binary fractions, so float64 must reproduce them exactly.
/// </summary>
public class BackpropStepLabTests
{
    private static readonly BackpropStepResult s_step = BackpropStepLab.Compute();

    [Fact]
    public void ForwardPassEqualsHandDerivation()
    {
        AssertRows([[-1, 1, -2, 2], [-2, 3, 1, -8]], s_step.PreActivations);
        AssertRows([[0, 1, 0, 2], [0, 3, 1, 0]], s_step.Activations);
        Assert.Equal([2.0, -3.0], s_step.Outputs);
        Assert.Equal([1.0, -1.0], s_step.Targets);
    }

    [Fact]
    public void DeltasEqualHandDerivation()
    {
        Assert.Equal([0.5, -1.0], s_step.OutputDeltas);
        AssertRows([[0.5, 0, -0.5, 1], [-1, 0, 1, -2]], s_step.HiddenActivationGradients);
        AssertRows([[0, 0, 0, 1], [0, 0, 1, 0]], s_step.HiddenDeltas);
    }

    [Fact]
    public void GradientsEqualHandDerivation()
    {
        AssertRows([[0, 0], [0, 0], [2, -1], [-1, 1]], s_step.HiddenKernelGradient);
        Assert.Equal([0.0, 0.0, 1.0, 1.0], s_step.HiddenBiasGradient);
        Assert.Equal([0.0, -2.5, -1.0, 1.0], s_step.OutputKernelGradient);
        Assert.Equal(-0.5, s_step.OutputBiasGradient);
    }

    [Fact]
    public void UpdatedWeightsEqualHandDerivation()
    {
        AssertRows([[1, 2], [0, -1], [-2, -2.5], [-1.5, 1.5]], s_step.UpdatedW1);
        Assert.Equal([-2.0, 2.0, -0.5, -2.5], s_step.UpdatedB1);
        Assert.Equal([1.0, 1.25, -0.5, 1.5], s_step.UpdatedW2);
        Assert.Equal(-1.75, s_step.UpdatedB2);
    }

    [Fact]
    public void LossBeforeAndAfterEqualHandDerivation()
    {
        Assert.Equal(1.25, s_step.LossBefore);
        Assert.Equal(1.25, s_step.TrainOnBatchLoss);
        Assert.Equal([0.25, 2.0], s_step.OutputsAfter);
        Assert.Equal(2.390625, s_step.LossAfter);
    }

    [Fact]
    public void TrainOnBatchAppliesPlainSgdAndFusedReluGivesTheSameStep()
    {
        Assert.Equal(0, s_step.UpdateRuleMaxDifference);
        Assert.Equal(0, s_step.FusedActivationMaxDifference);
    }

    [Fact]
    public void SmallerLearningRateUpdatesScaleLinearly()
    {
        // Gradients do not depend on η; with η = 0.1 each parameter moves by −0.1·g (hand values above).
        var step = BackpropStepLab.Compute(0.1);
        AssertRows([[1, 2], [0, -1], [-1.2, -2.9], [-1.9, 1.9]], step.UpdatedW1, 1e-15);
        Assert.Equal([1.0, 0.25, -0.9, 1.9], step.UpdatedW2, new Tolerance(1e-15));
        Assert.Equal(-1.95, step.UpdatedB2, 1e-15);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(33, 1)]
    public void HalfSquaredErrorIsHalfTheSummedSquareAveragedOverRows(int rows, int outputs)
    {
        var random = new System.Random(rows * 31 + outputs);
        var yTrue = new Tensor<double>(rows, outputs);
        var yPred = new Tensor<double>(rows, outputs);
        foreach (ref double v in yTrue.AsSpan())
        {
            v = random.NextDouble() * 4 - 2;
        }

        foreach (ref double v in yPred.AsSpan())
        {
            v = random.NextDouble() * 4 - 2;
        }

        var loss = new HalfSquaredError();
        double expected = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < outputs; k++)
            {
                expected += 0.5 * Math.Pow(yPred[r, k] - yTrue[r, k], 2) / rows;
            }
        }

        Assert.Equal(expected, loss.Forward(yTrue, yPred), 1e-12);
        var gradient = new Tensor<double>(rows, outputs);
        loss.Backward(yTrue, yPred, gradient);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < outputs; k++)
            {
                Assert.Equal((yPred[r, k] - yTrue[r, k]) / rows, gradient[r, k], 1e-15);
            }
        }

        Assert.Throws<ShapeMismatchException>(() => loss.Forward(yTrue, new Tensor<double>(rows + 1, outputs)));
    }

    [Fact]
    public void QuickRunRecordsTheHandValues()
    {
        var results = GradientLabRunner.Quick(new BackpropStepLab());
        foreach (string key in new[]
        {
            "forward.z1", "forward.a1", "forward.y_hat", "backward.delta2", "backward.dL_da1", "backward.delta1",
            "gradients.W1", "gradients.b1", "gradients.W2", "gradients.b2", "updated.W1", "updated.b1", "updated.W2", "updated.b2",
            "loss.before", "loss.after", "loss.train_on_batch", "loss.first_order_change", "learning_rate_sweep",
            "check.update_rule_max_difference", "check.fused_activation_max_difference",
        })
        {
            Assert.True(results.ContainsKey(key), $"results.json lacks '{key}'");
        }

        GradientLabRunner.AssertAllFinite(results);
        Assert.Equal(2.390625, results["loss.after"]!.GetValue<double>());
        Assert.Equal(-1.75, results["updated.b2"]!.GetValue<double>());
        Assert.Equal([-2.0, -2.5], results["updated.W1"]![2]!.AsArray().Select(v => v!.GetValue<double>()));
    }

    [Fact]
    public void PublishedTableIsTheCoursesSolution()
    {
        // Course 001, Ex. 2a solution (notes §3.2), every entry.
        static double[] Values(IEnumerable<PublishedFigure> figures) => figures.Select(f => f.Value.Number!.Value).ToArray();
        Assert.Equal([-1.0, 1, -2, 2], Values(BackpropStepPublished.PreActivations[0]));
        Assert.Equal([-2.0, 3, 1, -8], Values(BackpropStepPublished.PreActivations[1]));
        Assert.Equal([0.0, 1, 0, 2], Values(BackpropStepPublished.Activations[0]));
        Assert.Equal([0.0, 3, 1, 0], Values(BackpropStepPublished.Activations[1]));
        Assert.Equal([2.0, -3], Values(BackpropStepPublished.Outputs));
        Assert.Equal([1.0, -2], Values(BackpropStepPublished.OutputDeltas));
        Assert.Equal([0.0, 1, 0, 1], Values(BackpropStepPublished.ReluDerivatives[0]));
        Assert.Equal([0.0, 1, 1, 0], Values(BackpropStepPublished.ReluDerivatives[1]));
        Assert.Equal([0.0, 0, 0, 2], Values(BackpropStepPublished.HiddenDeltas[0]));
        Assert.Equal([0.0, 0, 2, 0], Values(BackpropStepPublished.HiddenDeltas[1]));
        Assert.Equal([1.0, 2, 0, -1, -2, -2.5, -1.5, 1.5], Values(BackpropStepPublished.UpdatedW1.SelectMany(r => r)));
        Assert.Equal([-2.0, 2, -0.5, -2.5], Values(BackpropStepPublished.UpdatedB1));
        Assert.Equal([1.0, 1.25, -0.5, 1.5], Values(BackpropStepPublished.UpdatedW2));
        Assert.Equal(-1.75, BackpropStepPublished.UpdatedB2.Value.Number);
        Assert.Equal(0.0, BackpropStepPublished.WorkingB1Third.Value.Number);
        Assert.Equal(54, BackpropStepPublished.All.Count);
        Assert.All(BackpropStepPublished.All, f => Assert.Equal(Backprop.Labs.Tolerance.Exact, f.Tolerance));
    }

    [Fact]
    public void QuickRunMatchesTheSolutionAndFlagsTheSlipInItsWorking()
    {
        var published = GradientLabRunner.QuickRoot(new BackpropStepLab())["published"]!.AsArray();
        Assert.Equal(54, published.Count);
        var slip = published.Single(r => r!["quantity"]!.GetValue<string>().Contains("intermediate working", StringComparison.Ordinal))!;
        Assert.Equal("differs", slip["verdict"]!.GetValue<string>());
        Assert.Equal(0.0, slip["published"]!.GetValue<double>());
        Assert.Equal(-0.5, slip["measured"]!.GetValue<double>());
        Assert.All(published.Where(r => r != slip), r => Assert.Equal("matches", r!["verdict"]!.GetValue<string>()));
        // The per-sample deltas are n·δ of the engine: Δ² = (1, −2), not (0.5, −1).
        Assert.Equal(-2.0, published.Single(r => r!["quantity"]!.GetValue<string>() == "Δ² = ŷ − y, sample 2")!["measured"]!.GetValue<double>());
        Assert.Equal([0.0, 1, 0, 1], s_step.ReluDerivatives[0]);
    }

    private static void AssertRows(double[][] expected, double[][] actual, double tolerance = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (int c = 0; c < expected[r].Length; c++)
            {
                Assert.True(Math.Abs(expected[r][c] - actual[r][c]) <= tolerance, $"[{r}][{c}]: expected {expected[r][c]}, got {actual[r][c]}");
            }
        }
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

/// <summary>Runs a lab with --quick into a temporary folder and returns its results.json "results" object.</summary>
internal static class GradientLabRunner
{
    public static JsonObject Quick(ILab lab) => QuickRoot(lab)["results"]!.AsObject();

    /// <summary>Runs a lab with --quick and returns the whole results.json; checks its published block has exactly the
    /// fields the framework promises.</summary>
    public static JsonObject QuickRoot(ILab lab)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"backprop-{lab.Name}-{Guid.NewGuid():N}");
        try
        {
            var run = LabRunner.Run(lab, new LabRunOptions(Seed: 42, Quick: true, OutputDirectory: folder), new PlainLabConsole(TextWriter.Null));
            Assert.True(File.Exists(run.ReportPath));
            var root = ResultsFile.Read(run.ResultsPath)!.AsObject();
            Assert.Equal(lab.Name, root["lab"]!.GetValue<string>());
            var published = root["published"]!.AsArray();
            Assert.NotEmpty(published);
            Assert.All(published, row => Assert.Equal(["quantity", "source", "published", "measured", "measured_std", "tolerance", "verdict"], row!.AsObject().Select(kv => kv.Key)));
            return root;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Every number under <paramref name="node"/> is finite (results.json writes NaN/∞ as strings).</summary>
    public static void AssertAllFinite(JsonNode? node, string path = "results")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    AssertAllFinite(value, $"{path}.{key}");
                }

                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    AssertAllFinite(a[i], $"{path}[{i}]");
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out string? s):
                Assert.False(s is "NaN" or "Infinity" or "-Infinity", $"{path} is {s}");
                break;
            case JsonValue v when v.TryGetValue<double>(out double d):
                Assert.True(double.IsFinite(d), $"{path} is {d}");
                break;
        }
    }
}
