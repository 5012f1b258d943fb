using System.Text.Json.Nodes;

namespace Backprop.Labs.Tests;

/// <summary>The published-results comparison of the lab framework: verdicts computed from the numbers, the
/// results.json rows, the report section, and the runner's refusal of a lab that leaves a declared figure out.</summary>
public class PublishedResultsTests
{
    private static readonly PublishedFigure s_mae = new("best validation MAE", 2.1990, "course 000, Q1 log", Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    [Theory]
    [InlineData(2.19904, "matches")]        // the printed digits
    [InlineData(2.1990499, "matches")]
    [InlineData(2.19906, "within spread")]  // outside the digits, within 2 × 0.1
    [InlineData(2.3989, "within spread")]
    [InlineData(2.4, "differs")]            // just past 2 × 0.1 (2.1990 + 0.2 = 2.399)
    [InlineData(1.5, "differs")]
    [InlineData(double.NaN, "differs")]     // a diverged run
    public void SpreadToleranceGivesEachVerdictFromTheNumbers(double measured, string verdict)
    {
        var row = PublishedComparison.Evaluate(s_mae, Measurement.Of(measured), "seed 1", Tolerance.WithinSpread(2, Tolerance.PublishedDecimals(4), spread: 0.1, spreadOf: "5 seeds"));
        Assert.Equal(verdict, row.Verdict.ToText());
    }

    [Fact]
    public void MeanAndStdOfRepetitionsJudgeThePublishedValue()
    {
        // Mean 2.3, sample std 0.1 (n − 1): 2.199 is 1.01 std away, within 2 std.
        var within = Measurement.OfRepetitions([2.2, 2.3, 2.4]);
        Assert.Equal(2.3, within.Value!.Value, 12);
        Assert.Equal(0.1, within.Std!.Value, 12);
        Assert.Equal(3, within.Count);
        Assert.Equal(Verdict.WithinSpread, s_mae.Tolerance.Judge(s_mae.Value, within));

        // Mean 2.6, std 0.1: 4 std away.
        Assert.Equal(Verdict.Differs, s_mae.Tolerance.Judge(s_mae.Value, Measurement.OfRepetitions([2.5, 2.6, 2.7])));
        // One value has no spread of its own: a spread tolerance without a given spread cannot judge it.
        Assert.Throws<InvalidOperationException>(() => s_mae.Tolerance.Judge(s_mae.Value, Measurement.Of(2.5)));
        Assert.Equal(Verdict.Matches, s_mae.Tolerance.Judge(s_mae.Value, Measurement.Of(2.19901)));
    }

    [Fact]
    public void BoundsAndRangesPassAndFail()
    {
        Assert.Equal(Verdict.Matches, Tolerance.Exact.Judge(-0.5, Measurement.Of(-0.5)));
        Assert.Equal(Verdict.Differs, Tolerance.Exact.Judge(-0.5, Measurement.Of(-0.5 + 1e-15)));
        Assert.Equal(Verdict.Matches, Tolerance.Absolute(0.01).Judge(1.0, Measurement.Of(1.009)));
        Assert.Equal(Verdict.Differs, Tolerance.Absolute(0.01).Judge(1.0, Measurement.Of(1.011)));
        Assert.Equal(Verdict.Matches, Tolerance.Relative(0.05).Judge(-200.0, Measurement.Of(-209)));
        Assert.Equal(Verdict.Differs, Tolerance.Relative(0.05).Judge(-200.0, Measurement.Of(-211)));

        // A claim in words is judged by a range on what the run measured.
        PublishedValue words = "concentrated at a very small value (<0.5)";
        Assert.Equal(Verdict.Matches, Tolerance.AtLeast(0.9).Judge(words, Measurement.Of(0.95)));
        Assert.Equal(Verdict.Differs, Tolerance.AtLeast(0.9).Judge(words, Measurement.Of(0.85)));
        Assert.Equal(Verdict.Matches, Tolerance.AtMost(1e-6).Judge(words, Measurement.Of(3e-11)));
        Assert.Equal(Verdict.Differs, Tolerance.AtMost(1e-6).Judge(words, Measurement.Of(2)));
        Assert.Equal(Verdict.Matches, Tolerance.Between(1, 2).Judge(words, Measurement.Of(2)));
        Assert.Equal(Verdict.Differs, Tolerance.Between(1, 2).Judge(words, Measurement.Of(double.PositiveInfinity)));
        // Words cannot be within a numeric bound.
        Assert.Throws<ArgumentException>(() => Tolerance.Absolute(1).Judge(words, Measurement.Of(1)));
        Assert.Equal(Verdict.NotMeasured, Tolerance.Exact.Judge(1.0, Measurement.NotMeasured("unseeded")));
    }

    [Fact]
    public void TolerancesDescribeThemselvesWithThisRunsSpread()
    {
        Assert.Equal("exact", Tolerance.Exact.Describe(Measurement.Of(1)));
        Assert.Equal("±5e-5 (the 4 printed decimals)", Tolerance.PublishedDecimals(4).Describe(Measurement.Of(1)));
        Assert.Equal("this run ≥ 0.9 (nearly all)", Tolerance.AtLeast(0.9, "nearly all").Describe(Measurement.Of(1)));
        Assert.Equal("this run between 1 and 2", Tolerance.Between(1, 2).Describe(Measurement.Of(1)));
        Assert.Equal(
            "±5e-5 (the 4 printed decimals); within spread: ±2 × 0.1 (std of this run's 3 repetitions)",
            s_mae.Tolerance.Describe(Measurement.OfRepetitions([2.2, 2.3, 2.4])));
    }

    [Fact]
    public void BadTolerancesAndValuesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tolerance.Absolute(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tolerance.WithinSpread(0));
        Assert.Throws<ArgumentException>(() => Tolerance.Between(2, 1));
        Assert.Throws<ArgumentException>(() => Tolerance.WithinSpread(2, matches: Tolerance.WithinSpread(1)));
        Assert.Throws<ArgumentException>(() => { PublishedValue v = double.NaN; });
        Assert.Throws<ArgumentException>(() => { PublishedValue v = " "; });
        Assert.Throws<ArgumentException>(() => Measurement.NotMeasured(""));
        Assert.Throws<ArgumentException>(() => Measurement.OfRepetitions([]));
        Assert.Throws<ArgumentException>(() => new PublishedFigure("", 1.0, "source", Tolerance.Exact));
    }

    [Fact]
    public void RunWritesTheSectionAndExactlyTheListedFields()
    {
        var (root, html) = Run(new FakeLab(compareAll: true));
        var published = root["published"]!.AsArray();
        Assert.Equal(4, published.Count);
        foreach (var row in published.Select(r => r!.AsObject()))
        {
            Assert.Equal(["quantity", "source", "published", "measured", "measured_std", "tolerance", "verdict"], row.Select(kv => kv.Key));
        }

        Assert.Equal("best validation MAE, mean ± std over 3 seeds", published[0]!["quantity"]!.GetValue<string>());
        Assert.Equal("course 000, Q1 log", published[0]!["source"]!.GetValue<string>());
        Assert.Equal(2.199, published[0]!["published"]!.GetValue<double>());
        Assert.Equal(2.3, published[0]!["measured"]!.GetValue<double>(), 12);
        Assert.Equal(0.1, published[0]!["measured_std"]!.GetValue<double>(), 12);
        Assert.Equal("within spread", published[0]!["verdict"]!.GetValue<string>());

        // Words stay words; a single value has no std; a diverged value is null and differs.
        Assert.Equal("most outputs saturated", published[1]!["published"]!.GetValue<string>());
        Assert.Null(published[1]!["measured_std"]);
        Assert.Equal("matches", published[1]!["verdict"]!.GetValue<string>());
        Assert.Null(published[2]!["measured"]);
        Assert.Equal("differs", published[2]!["verdict"]!.GetValue<string>());
        Assert.Null(published[3]!["measured"]);
        Assert.Equal("not measured", published[3]!["verdict"]!.GetValue<string>());

        Assert.Contains("Against the published results", html);
        Assert.Contains("the course printed no seed", html);
        Assert.Contains("Of the 4 comparisons with published figures, 1 matches, 1 is within the spread of this run&#39;s repetitions, 1 differs (final loss) and 1 cannot be measured by this run.", html);
    }

    [Fact]
    public void RunnerRefusesALabThatLeavesADeclaredFigureOut()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Run(new FakeLab(compareAll: false)));
        Assert.Contains("unseeded entries", error.Message);
        var undeclared = Assert.Throws<InvalidOperationException>(() => Run(new FakeLab(compareAll: true, extra: true)));
        Assert.Contains("does not declare", undeclared.Message);
        var none = Assert.Throws<InvalidOperationException>(() => Run(new SilentLab()));
        Assert.Contains("declares no published figure", none.Message);
    }

    private sealed class SilentLab : ILab
    {
        public string Name => "silent";

        public string Summary => "A lab that compares nothing.";

        public IReadOnlyList<PublishedFigure> Published => [];

        public void Run(LabContext context) => context.Paragraph("Nothing to compare.");
    }

    private static (JsonObject Root, string Html) Run(ILab lab)
    {
        string folder = Path.Combine(Path.GetTempPath(), "backprop-published-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = LabRunner.Run(lab, new LabRunOptions(Quick: true, OutputDirectory: folder), new PlainLabConsole(TextWriter.Null));
            return (ResultsFile.Read(result.ResultsPath)!.AsObject(), File.ReadAllText(result.ReportPath));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private sealed class FakeLab(bool compareAll, bool extra = false) : ILab
    {
        private static readonly PublishedFigure s_claim = new("saturated share", "most outputs saturated", "course 000, Q2", Tolerance.AtLeast(0.5));
        private static readonly PublishedFigure s_loss = new("final loss", 0.25, "course X", Tolerance.Relative(0.1));
        private static readonly PublishedFigure s_entries = new("unseeded entries", -0.03997655, "course 000, Q3", Tolerance.PublishedDecimals(8));

        public string Name => "fake";

        public string Summary => "A lab for the tests.";

        public IReadOnlyList<PublishedFigure> Published => [s_mae, s_claim, s_loss, s_entries];

        public void Run(LabContext context)
        {
            context.Compare(s_mae, Measurement.OfRepetitions([2.2, 2.3, 2.4]), "mean ± std over 3 seeds");
            context.Compare(s_claim, 0.92);
            context.Compare(s_loss, double.NaN, note: "diverged run");
            if (compareAll)
            {
                context.NotMeasured(s_entries, "the course printed no seed");
            }

            if (extra)
            {
                context.Compare(new PublishedFigure("other", 1.0, "nowhere", Tolerance.Exact), 1.0);
            }
        }
    }
}
