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

    public CsvLogger(string path, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        Path = path;
        Separator = separator;
        Append = append;
    }

    public string Path { get; }

    public string Separator { get; }

    public bool Append { get; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _headerNeeded = !Append || !File.Exists(Path) || new FileInfo(Path).Length == 0;
        _writer = new StreamWriter(Path, Append) { AutoFlush = true };
        _keys = null;
    }

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

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
