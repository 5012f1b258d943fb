using System.Globalization;
using System.Text.Json.Nodes;
using Backprop.Labs.KaimingLeakyRelu;

namespace Backprop.Labs.Tests;

/// <summary>One --quick run of kaiming-leaky-relu shared by the tests that read its files.</summary>
public sealed class KaimingQuickRun
{
    public KaimingQuickRun()
    {
        Root = GradientLabRunner.QuickRoot(new KaimingLeakyReluLab());
        Results = Root["results"]!.AsObject();
    }

    public JsonObject Root { get; }

    public JsonObject Results { get; }
}

public class KaimingLeakyReluLabTests : IClassFixture<KaimingQuickRun>
{
    private readonly KaimingQuickRun _run;

    public KaimingLeakyReluLabTests(KaimingQuickRun run)
    {
        _run = run;
    }

    private double Result(string scheme, double alpha, string what) =>
        (double)_run.Results[$"moments.{scheme}.alpha{alpha.ToString(CultureInfo.InvariantCulture)}.{what}"]!;

    [Fact]
    public void QuickRun_CorrectedKaimingKeepsThe50LayerRatioWithinAFactorOfTwoForEverySlope()
    {
        foreach (double alpha in KaimingLeakyReluLab.Alphas)
        {
            Assert.InRange(Result("corrected", alpha, "forward_ratio"), 0.5, 2);
            Assert.InRange(Result("corrected", alpha, "backward_ratio"), 0.5, 2);
        }

        Assert.True((bool)_run.Results["moments.corrected_within_0.5_2"]!);
    }

    [Fact]
    public void QuickRun_HeDriftsFromSlope03On_AndGlorotVanishesBelowSlope1()
    {
        foreach (double alpha in KaimingLeakyReluLab.Alphas.Where(a => a >= 0.3))
        {
            Assert.True(Result("he", alpha, "forward_ratio") > 2, $"He at α = {alpha}: {Result("he", alpha, "forward_ratio")}");
            Assert.True(Result("he", alpha, "backward_ratio") > 2);
        }

        // He is the corrected rule at α = 0 (same weights, same numbers).
        Assert.Equal(Result("corrected", 0, "forward_ratio"), Result("he", 0, "forward_ratio"));
        Assert.True(Result("glorot", 0, "forward_ratio") < 1e-10);
        Assert.Equal(Result("corrected", 1, "forward_ratio"), Result("glorot", 1, "forward_ratio"), 1e-3);
        // Sharing seeds, schemes differ by exactly the predicted factor per layer (up to float rounding).
        Assert.True((double)_run.Results["moments.scale_law_worst_log_error"]! < 1e-3);
    }

    [Fact]
    public void QuickRun_TheDerivationsKeyStepHolds()
    {
        foreach (double alpha in KaimingLeakyReluLab.Alphas)
        {
            Assert.Equal(0.5 * (1 + alpha * alpha), Result("corrected", alpha, "activation_gain"), 0.02);
        }
    }

    [Fact]
    public void QuickRun_ComparesTheCoursesThreeStatements()
    {
        var published = _run.Root["published"]!.AsArray();
        Assert.Equal(4, published.Count);
        Assert.All(published, row => Assert.Equal("matches", row!["verdict"]!.GetValue<string>()));
        Assert.Equal(2, (double)_run.Results["kaiming.variance_times_fan_in_alpha0"]!, 0.02);
        var curves = _run.Results["training.corrected.val_accuracy"]!.AsArray();
        Assert.Equal(KaimingLeakyReluLab.TrainingSize(quick: true).Epochs, curves.Count);
        GradientLabRunner.AssertAllFinite(_run.Results);
    }

    [Fact]
    public void PublishedStatementsArePinned()
    {
        Assert.Equal(2.0, KaimingLeakyReluPublished.KaimingVariance.Value.Number);
        Assert.Equal(0.45, KaimingLeakyReluPublished.ReluHalvesTheMoment.Tolerance.Low);
        Assert.Equal(2, KaimingLeakyReluPublished.KaimingKeepsReluSignal.Tolerance.High);
        var figure = KaimingLeakyReluPublished.KaimingKeepsReluSignal;
        Assert.Equal(Verdict.Matches, figure.Tolerance.Judge(figure.Value, Measurement.Of(1.3)));
        Assert.Equal(Verdict.Differs, figure.Tolerance.Judge(figure.Value, Measurement.Of(68)));
        Assert.All(KaimingLeakyReluPublished.All, f => Assert.StartsWith("course 002, §8", f.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void MomentProfile_MeasuresWhatALoopOverTheLayersGives()
    {
        // Two layers of width 3 with hand-set weights, against a naive float64 forward and backward pass.
        const double alpha = 0.2;
        var model = MomentProfile.Network(2, 3, alpha);
        var kernels = model.Layers.OfType<Backprop.Layers.Dense>().ToArray();
        double[][] w = [[0.5, -1.0, 0.25, 2.0, 0.1, -0.3, -0.7, 0.8, 1.1], [1.0, 0.2, -0.4, -0.6, 0.9, 0.3, 0.05, -1.2, 0.7]];
        for (int l = 0; l < 2; l++)
        {
            w[l].Select(v => (float)v).ToArray().CopyTo(kernels[l].Kernel.ValueAs<float>().AsSpan());
        }

        var x = MomentProfile.StandardNormal(5, 3, 1, 0);
        var g = MomentProfile.StandardNormal(5, 3, 1, 1);
        var profile = MomentProfile.Measure(model, x, g);

        double Leaky(double z) => z > 0 ? z : alpha * z;
        double[,] a0 = new double[5, 3], z1 = new double[5, 3], a1 = new double[5, 3], z2 = new double[5, 3];
        for (int r = 0; r < 5; r++)
        {
            for (int j = 0; j < 3; j++)
            {
                a0[r, j] = x[r, j];
            }
        }

        void Layer(double[,] input, double[] kernel, double[,] z, double[,] a)
        {
            for (int r = 0; r < 5; r++)
            {
                for (int j = 0; j < 3; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        sum += input[r, i] * kernel[i * 3 + j];
                    }

                    z[r, j] = sum;
                    if (a is not null)
                    {
                        a[r, j] = Leaky(sum);
                    }
                }
            }
        }

        Layer(a0, w[0], z1, a1);
        Layer(a1, w[1], z2, null!);
        double Moment(double[,] m) => m.Cast<double>().Average(v => v * v);
        Assert.Equal(Moment(z1), profile.Forward[0], 1e-5);
        Assert.Equal(Moment(z2), profile.Forward[1], 1e-5);

        // Backward: g is ∂L/∂a₂; ∂L/∂a₁ = (g ⊙ leaky′(z₂)) W₂ᵀ.
        var da1 = new double[5, 3];
        for (int r = 0; r < 5; r++)
        {
            for (int i = 0; i < 3; i++)
            {
                double sum = 0;
                for (int j = 0; j < 3; j++)
                {
                    sum += g[r, j] * (z2[r, j] > 0 ? 1 : alpha) * w[1][i * 3 + j];
                }

                da1[r, i] = sum;
            }
        }

        Assert.Equal(Moment(da1), profile.Backward[0], 1e-5);
        Assert.Equal(g.AsSpan().ToArray().Average(v => (double)v * v), profile.Backward[1], 1e-5);
    }
}
