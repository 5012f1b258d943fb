using Backprop.Labs.GradientDerivations;

namespace Backprop.Labs.Tests;

public class GradientDerivationsLabTests
{
    [Fact]
    public void BlockFormulasAgreeWithTheEngineAndCentralDifferencesOnAwkwardSizes()
    {
        // The lab's instances, plus a batch of 1,000 rows.
        var cases = GradientDerivationsLab.BlockCases.Append(new BlockCase(1000, 3, 2, 1, "tanh", 99)).Append(new BlockCase(1033, 2, 3, 2, "sigmoid", 98));
        foreach (var check in cases.SelectMany(BlockGradients.Check))
        {
            if (check.EngineError is { } engine)
            {
                Assert.True(engine <= GradientDerivationsLab.EngineBound, $"{check.Case} {check.Derivative}: engine error {engine}");
            }

            Assert.True(check.CentralDifferenceError <= 1e-8, $"{check.Case} {check.Derivative}: central-difference error {check.CentralDifferenceError}");
        }
    }

    [Fact]
    public void PReluAndOutputDeltaFormulasAgree()
    {
        var checks = GradientDerivationsLab.PReluCases.SelectMany(PReluGradients.Check)
            .Concat(new[] { new PReluCase(1000, 2, 0.1, 7) }.SelectMany(PReluGradients.Check))
            .Concat(GradientDerivationsLab.OutputCases.Select(OutputDeltas.Check))
            .Concat([OutputDeltas.Check(new OutputCase(OutputPair.SoftmaxCategoricalCrossentropy, 1000, 3, 5))]);
        foreach (var check in checks)
        {
            Assert.True(check.EngineError <= GradientDerivationsLab.EngineBound, $"{check.Case} {check.Derivative}: engine error {check.EngineError}");
            Assert.True(check.CentralDifferenceError <= 1e-8, $"{check.Case} {check.Derivative}: central-difference error {check.CentralDifferenceError}");
        }
    }

    [Fact]
    public void GraphChainAgreesAndTheSignSlipFails()
    {
        foreach (var c in GradientDerivationsLab.GraphCases)
        {
            var (correct, published) = ComputationalGraph.Check(c);
            Assert.Equal(12, correct.Count);
            foreach (var d in correct)
            {
                if (d.Engine is not null)
                {
                    Assert.True(Errors.Scaled(d.Value, d.Engine) <= GradientDerivationsLab.EngineBound, $"{c} ({d.Number}) engine");
                }

                Assert.True(Errors.Scaled(d.Value, d.CentralDifference) <= 1e-8, $"{c} ({d.Number}) central differences");
            }

            // (i) and (ii) have no engine gradient: the engine differentiates neither l itself nor the target.
            Assert.Null(correct[0].Engine);
            Assert.Null(correct[1].Engine);

            // The course's chain from (iv) on is the correct one with the sign flipped: every derivative fails.
            Assert.Equal(9, published.Count);
            foreach (var (slipped, right) in published.Zip(correct.Skip(3)))
            {
                Assert.Equal(right.Value.Select(v => -v), slipped.Value);
                Assert.True(Errors.Scaled(slipped.Value, slipped.CentralDifference) > GradientDerivationsPublished.Bound, $"{c} ({slipped.Number}) slipped");
            }
        }
    }

    [Fact]
    public void ScaledErrorIsAbsoluteBelowOneAndRelativeAbove()
    {
        Assert.Equal(0.5, Errors.Scaled([1.5, 0], [1, 0]));
        Assert.Equal(0.1, Errors.Scaled([110.0], [100.0]), 12);
        Assert.Equal(double.PositiveInfinity, Errors.Scaled([double.NaN], [1.0]));
        Assert.Throws<ArgumentException>(() => Errors.Scaled([1.0], [1.0, 2]));
        // Central differences of x³ at 2: 12 + ε² = 12.0000000001.
        double[] x = [2];
        Assert.Equal(12, CentralDifferences.Of(x, () => x[0] * x[0] * x[0])[0], 1e-8);
        Assert.Equal(2, x[0]);
    }

    [Fact]
    public void PublishedTableIsTheCoursesFormulas()
    {
        var all = GradientDerivationsPublished.All;
        Assert.Equal(23, all.Count);
        Assert.Equal("(A∘B)W, A = (∂L/∂Y)V, B = h′(XWᵀ)", GradientDerivationsPublished.BlockX.Value.Text);
        Assert.Equal("C = (∂L/∂Y)ᵀh(XWᵀ)", GradientDerivationsPublished.BlockV.Value.Text);
        Assert.Equal("Σᵢⱼ(∂L/∂Y ∘ min(0, X))ᵢⱼ", GradientDerivationsPublished.PReluTheta.Value.Text);
        Assert.Equal("−2(y − ŷ)", GradientDerivationsPublished.GraphChain[2].Value.Text);
        Assert.Equal("2(y − ŷ)", GradientDerivationsPublished.GraphChain[1].Value.Text);
        Assert.Equal(12, GradientDerivationsPublished.GraphChain.Length);
        // Passing and failing: an error of 1e-10 matches, a sign slip's 2 differs.
        var figure = GradientDerivationsPublished.GraphSignSlip;
        Assert.Equal(Verdict.Matches, figure.Tolerance.Judge(figure.Value, Measurement.Of(1e-10)));
        Assert.Equal(Verdict.Differs, figure.Tolerance.Judge(figure.Value, Measurement.Of(2)));
    }

    [Fact]
    public void QuickRunFlagsOnlyTheSignSlip()
    {
        var root = GradientLabRunner.QuickRoot(new GradientDerivationsLab());
        var results = root["results"]!.AsObject();
        Assert.InRange(results["max_engine_error"]!.GetValue<double>(), 0, GradientDerivationsLab.EngineBound);
        foreach (string key in new[] { "block.checks", "prelu.checks", "graph.checks", "graph.published_chain_checks", "deltas.checks" })
        {
            Assert.NotEmpty(results[key]!.AsArray());
        }

        var published = root["published"]!.AsArray();
        Assert.Equal(23, published.Count);
        var slip = published.Single(r => r!["verdict"]!.GetValue<string>() != "matches")!;
        Assert.StartsWith("graph (iv) as the course's chain carries it on", slip["quantity"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("differs", slip["verdict"]!.GetValue<string>());
        Assert.True(slip["measured"]!.GetValue<double>() > 0.5);
        Assert.All(published.Where(r => r != slip), r => Assert.InRange(r!["measured"]!.GetValue<double>(), 0, 1e-8));
    }
}
