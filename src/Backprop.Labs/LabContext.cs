using Backprop.Plots;
using Backprop.Training;

namespace Backprop.Labs;

/// <summary>What a running lab writes to: each call goes to the console and into <c>report.html</c>, and
/// <see cref="Record"/> puts figures into <c>results.json</c>. Everything a report says is computed by the lab
/// from its own run.</summary>
public sealed partial class LabContext
{
    private readonly SortedDictionary<string, object?> _results = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, object?> _config = new(StringComparer.Ordinal);
    private readonly List<PublishedComparison> _comparisons = [];
    private readonly List<KeyValuePair<string, object?>> _headlines = [];
    private readonly List<TrackedProgress> _open = [];
    private int _figureCount;

    /// <summary>A context for one run of <paramref name="labName"/> writing into <paramref name="outputDirectory"/>;
    /// data comes from <paramref name="dataDirectory"/> (resolved as <see cref="DataFolder.Resolve"/> does).</summary>
    public LabContext(string labName, string outputDirectory, int seed, bool quick, string? dataDirectory, ILabConsole console)
        : this(labName, outputDirectory, seed, quick, DataFolder.Resolve(dataDirectory), subset: false, console)
    {
    }

    /// <summary>A context for one run of <paramref name="labName"/>: its folder, seed, mode, data folder and console.</summary>
    /// <param name="labName">The lab's name (the report's title).</param>
    /// <param name="outputDirectory">Where figures are written while the lab runs.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="quick">The reduced smoke-test version (<c>--quick</c>).</param>
    /// <param name="data">The data folder.</param>
    /// <param name="subset">Use the data sets' shipped subsets (<c>--subset</c>).</param>
    /// <param name="console">Where live output goes.</param>
    public LabContext(string labName, string outputDirectory, int seed, bool quick, DataFolder data, bool subset, ILabConsole console)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(console);
        LabName = labName;
        OutputDirectory = outputDirectory;
        Seed = seed;
        Quick = quick;
        Data = data;
        Subset = subset;
        Console = console;
        Report = new Report(labName);
    }

    /// <summary>The lab's name.</summary>
    public string LabName { get; }

    /// <summary>The run folder: report.html, results.json and the figures land here.</summary>
    public string OutputDirectory { get; }

    /// <summary>The run's seed; labs derive every random choice from it.</summary>
    public int Seed { get; }

    /// <summary>True for the reduced smoke-test version (<c>--quick</c>).</summary>
    public bool Quick { get; }

    /// <summary>True when the run asked for the shipped subsets of the data sets (<c>--subset</c>).</summary>
    public bool Subset { get; }

    /// <summary>The folder the lab reads data sets from and where that choice came from.</summary>
    public DataFolder Data { get; }

    /// <summary>The data folder's path (<see cref="Data"/>), for <c>new DataCache(context.DataDirectory)</c>.</summary>
    public string DataDirectory => Data.Path;

    /// <summary>Where live output goes (terminal, log or test).</summary>
    public ILabConsole Console { get; }

    /// <summary>The report being built; the runner saves it as report.html.</summary>
    public Report Report { get; }

    /// <summary>The figures the lab names as its headline, in order, for the index of a multi-lab run.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Headlines => _headlines;

    /// <summary>Every recorded figure, for results.json.</summary>
    /// <remarks>A copy in key order; asking it for a key it lacks names the keys it has.</remarks>
    public IReadOnlyDictionary<string, object?> Results => new ResultDictionary<object?>("the lab's results", _results);

    /// <summary>The lab's settings, for results.json.</summary>
    /// <remarks>A copy in key order; asking it for a key it lacks names the keys it has.</remarks>
    public IReadOnlyDictionary<string, object?> Config => new ResultDictionary<object?>("the lab's settings", _config);

    /// <summary>Starts a part of the lab.</summary>
    public void Section(string heading)
    {
        Console.Heading(heading);
        Report.Section(heading);
    }

    /// <summary>A paragraph of text.</summary>
    public void Paragraph(string text)
    {
        Console.WriteLine(text);
        Report.Paragraph(text);
    }

    /// <summary>A conclusion drawn from this run's numbers (never canned text).</summary>
    public void Finding(string text)
    {
        Console.WriteLine("Finding: " + text);
        Report.Finding(text);
    }

    /// <summary>Preformatted text such as a model summary or an element spec.</summary>
    public void Code(string text)
    {
        Console.WriteLine(text);
        Report.Code(text);
    }

    /// <summary>A table; numbers are formatted with <see cref="Format(double, int)"/>.</summary>
    public void Table(string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var materialised = rows.ToList();
        Console.Table(title, headers, materialised.Select(r => (IReadOnlyList<string>)r.Select(FormatCell).ToList()).ToList());
        Report.Table(headers, materialised, title);
    }

    /// <summary>Saves a chart as PNG (and SVG) in the run folder and puts it in the report.</summary>
    public string Figure(Chart chart, string name, string caption)
    {
        ArgumentNullException.ThrowIfNull(chart);
        _figureCount++;
        string path = ResultsFile.SaveFigure(chart, OutputDirectory, $"{_figureCount:00}-{name}");
        Report.Image(chart, caption);
        Console.WriteLine($"Figure: {Path.GetFileName(path)} — {caption}");
        return path;
    }

    /// <summary>Records a figure for results.json under a dotted key ("b.best_val_mae").</summary>
    public void Record(string key, object? value) => _results[key] = value;

    /// <summary>Records a setting for results.json's "config".</summary>
    public void Setting(string key, object? value) => _config[key] = value;

    /// <summary>Every comparison with a published figure so far, in the order the lab made them.</summary>
    public IReadOnlyList<PublishedComparison> Comparisons => _comparisons;

    /// <summary>Compares a published figure with what this run measured. The runner puts every comparison into the
    /// report's "Against the published results" table and results.json's <c>published</c> array; the verdict is
    /// computed by the tolerance. Returns the row, so the lab can build findings on its verdict.</summary>
    /// <param name="figure">One of the lab's <see cref="ILab.Published"/> figures.</param>
    /// <param name="measured">This run's value, or mean ± std over repetitions.</param>
    /// <param name="qualifier">Appended to the quantity when the figure is compared several times ("seed 43").</param>
    /// <param name="tolerance">Replaces the figure's tolerance for this row.</param>
    /// <param name="note">Why the two differ, or what the row means (shown under the table).</param>
    public PublishedComparison Compare(PublishedFigure figure, Measurement measured, string? qualifier = null, Tolerance? tolerance = null, string? note = null)
    {
        var comparison = PublishedComparison.Evaluate(figure, measured, qualifier, tolerance, note);
        _comparisons.Add(comparison);
        return comparison;
    }

    /// <summary>Compares a published figure with one measured value.</summary>
    public PublishedComparison Compare(PublishedFigure figure, double measured, string? qualifier = null, Tolerance? tolerance = null, string? note = null) =>
        Compare(figure, Measurement.Of(measured), qualifier, tolerance, note);

    /// <summary>Records that this run cannot measure a published figure, and why.</summary>
    public PublishedComparison NotMeasured(PublishedFigure figure, string reason, string? qualifier = null) =>
        Compare(figure, Measurement.NotMeasured(reason), qualifier);

    /// <summary>Something the reader must not miss, such as data other than the course used: a highlighted box at
    /// the top of the report and on the console.</summary>
    public void Notice(string text)
    {
        Console.Notice(text);
        Report.Notice(text);
    }

    /// <summary>Names one of the run's key figures for the index of <c>lab run all</c> ("best validation MAE",
    /// 2.22); also recorded in results.json under "headlines".</summary>
    public void Headline(string label, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        _headlines.Add(new(label, value));
    }

    /// <summary>Live progress of a long task. The runner ends every task still open when the lab fails, so a bar
    /// never stays half drawn.</summary>
    public ILabProgress Progress(string description, int total)
    {
        var progress = new TrackedProgress(this, Console.StartProgress(description, total));
        lock (_open)
        {
            _open.Add(progress);
        }

        return progress;
    }

    /// <summary>Ends every progress still open with <paramref name="reason"/> (the runner calls it when the lab fails).</summary>
    internal void StopOpenProgress(string reason)
    {
        TrackedProgress[] open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var progress in open.Reverse())
        {
            progress.Stop(reason);
            progress.Dispose();
        }
    }

    /// <summary>A number as the report's tables show it (<see cref="NumberFormat.Format(double, int)"/>): up to
    /// <paramref name="digits"/> significant digits, invariant culture; the console shows the same text.</summary>
    public static string Format(double value, int digits = 4) => NumberFormat.Format(value, digits);

    private static string FormatCell(object? cell) => NumberFormat.FormatObject(cell);

    /// <summary>A progress the context knows is open until it is disposed.</summary>
    private sealed class TrackedProgress(LabContext context, ILabProgress inner) : ILabProgress
    {
        private bool _disposed;

        public void Report(int completed, string? status = null) => inner.Report(completed, status);

        public void Stop(string reason) => inner.Stop(reason);

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            lock (context._open)
            {
                context._open.Remove(this);
            }

            inner.Dispose();
        }
    }
}
