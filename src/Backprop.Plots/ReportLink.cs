namespace Backprop.Plots;

/// <summary>A table cell that links somewhere, e.g. from a run's index to each lab's report:
/// <c>new ReportLink("boston-housing", "boston-housing/report.html")</c>. The text and address are HTML-escaped.</summary>
/// <param name="Text">What the cell shows.</param>
/// <param name="Href">Where it points (a relative path inside the run folder, usually).</param>
public sealed record ReportLink(string Text, string Href)
{
    /// <summary>The text.</summary>
    public override string ToString() => Text;
}
