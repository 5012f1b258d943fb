using System.Globalization;

namespace Backprop.Training.Callbacks;

/// <summary>Writes the epoch logs to a CSV file, one row per epoch: "epoch" then the log keys in sorted order,
/// as Keras's <c>CSVLogger(filename, separator=",", append=False)</c>. With append, rows go after the existing
/// content and the header is written only when the file is empty.</summary>
public sealed class CsvLogger : Callback
{
    private StreamWriter? _writer;
    private string[]? _keys;
    private bool _headerNeeded;

    /// <summary>Logs every epoch to the CSV file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; created (with its folder) when training starts.</param>
    /// <param name="separator">The field separator (Keras default ",").</param>
    /// <param name="append">Add to an existing file instead of replacing it.</param>
    public CsvLogger(string path, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        Path = path;
        Separator = separator;
        Append = append;
    }

    /// <summary>The CSV file written.</summary>
    public string Path { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>True when rows are added to an existing file rather than replacing it.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _headerNeeded = !Append || !File.Exists(Path) || new FileInfo(Path).Length == 0;
        _writer = new StreamWriter(Path, Append) { AutoFlush = true };
        _keys = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("CsvLogger: OnEpochEnd before OnTrainBegin.");
        }

        _keys ??= logs.Keys.Order(StringComparer.Ordinal).ToArray();
        if (_headerNeeded)
        {
            _writer.WriteLine(string.Join(Separator, new[] { "epoch" }.Concat(_keys)));
            _headerNeeded = false;
        }

        var cells = new List<string> { epoch.ToString(CultureInfo.InvariantCulture) };
        foreach (string key in _keys)
        {
            cells.Add(logs.TryGetValue(key, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        }

        _writer.WriteLine(string.Join(Separator, cells));
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
