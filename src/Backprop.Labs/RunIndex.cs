using System.Globalization;
using Backprop.Plots;

namespace Backprop.Labs;

/// <summary>The <c>index.html</c> of a multi-lab run: one row per lab linking its report, with the verdicts of its
/// comparison with the course, its headline figures and its run time; failed labs with their reason.</summary>
internal sealed class RunIndex(LabRunOptions options, DataFolder data)
{
    private readonly List<IReadOnlyList<object?>> _rows = [];
    private readonly List<IReadOnlyList<object?>> _failures = [];
    private readonly DateTimeOffset _started = DateTimeOffset.Now;

    public void Add(ILab lab, LabContext context, TimeSpan elapsed)
    {
        string headlines = string.Join("; ", context.Headlines.Select(h => $"{h.Key}: {NumberFormat.FormatObject(h.Value)}"));
        _rows.Add([new ReportLink(lab.Name, $"{lab.Name}/report.html"), lab.Summary, Verdicts(context.Comparisons), headlines, elapsed]);
    }

    public void AddFailure(ILab lab, Exception error) =>
        _failures.Add([lab.Name, lab.Summary, error.Message]);

    public void Save(string path)
    {
        var report = new Report("Backprop labs");
        if (options.Quick)
        {
            report.Notice("This is a --quick run: every lab ran a reduced version for smoke tests. Its numbers are not the full labs'.");
        }

        if (options.Subset)
        {
            report.Notice("This run used the data sets' subsets shipped with Backprop (--subset), not the full data the course used.");
        }

        int total = _rows.Count + _failures.Count;
        report.Paragraph(
            $"{total} lab{(total == 1 ? "" : "s")} run with seed {options.Seed.ToString(CultureInfo.InvariantCulture)} on data from {data.Describe()}. " +
            "Each report sets what the run measured against what the course published; the verdict counts below sum up that comparison.");
        if (_rows.Count > 0)
        {
            report.Table(["lab", "what it reproduces", "against the course", "headline figures", "run time"], _rows, "Reports");
        }

        if (_failures.Count > 0)
        {
            report.Table(["lab", "what it reproduces", "why it failed"], _failures, "Labs that failed (no report)");
        }

        report.FooterItem("started", _started.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        report.FooterItems(ResultsFile.Versions());
        string temporary = path + ".tmp";
        report.Save(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>"12 match · 3 within spread · 1 differs".</summary>
    internal static string Verdicts(IReadOnlyList<PublishedComparison> comparisons)
    {
        var parts = new List<string>();
        void Add(Verdict verdict, string one, string many)
        {
            int n = comparisons.Count(c => c.Verdict == verdict);
            if (n > 0)
            {
                parts.Add($"{n} {(n == 1 ? one : many)}");
            }
        }

        Add(Verdict.Matches, "matches", "match");
        Add(Verdict.WithinSpread, "within spread", "within spread");
        Add(Verdict.Differs, "differs", "differ");
        Add(Verdict.NotMeasured, "not measured", "not measured");
        return string.Join(" · ", parts);
    }
}
