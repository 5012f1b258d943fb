using System.Globalization;

namespace Backprop.Training.Callbacks;

/// <summary>Writes the epoch logs to a CSV file, one row per epoch: "epoch" then the log keys in sorted order,
/// as Keras's <c>CSVLogger(filename, separator=",", append=False)</c>. With append, rows go after the existing
/// content and the header is written only when the file is empty. A Fit resumed from a checkpoint
/// (BackupAndRestore) cuts the file back to where it was at the checkpoint and goes on from there, so the file holds
/// each epoch once.</summary>
public sealed class CsvLogger : Callback
{
    private StreamWriter? _writer;
    private string[]? _keys;
    private long? _resumeLength;
    private long _startLength;

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
        _writer = null;
        _keys = null;
        _resumeLength = null;
        // The file is opened at the first row, so that a resumed Fit can first say where to continue.
        _startLength = Append && File.Exists(Path) ? new FileInfo(Path).Length : 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var writer = _writer ??= Open();
        _keys ??= logs.Keys.Order(StringComparer.Ordinal).ToArray();
        if (writer.BaseStream.Length == 0)
        {
            writer.WriteLine(string.Join(Separator, new[] { "epoch" }.Concat(_keys)));
        }

        var cells = new List<string> { epoch.ToString(CultureInfo.InvariantCulture) };
        foreach (string key in _keys)
        {
            cells.Add(logs.TryGetValue(key, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        }

        writer.WriteLine(string.Join(Separator, cells));
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>The file's length so far ("length"), to cut it back to on resume.</summary>
    public override StateDict? GetState()
    {
        var state = new StateDict();
        state.SetInt64("length", _writer?.BaseStream.Length ?? _resumeLength ?? _startLength);
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long length = state.GetInt64("length");
        if (length < 0)
        {
            throw new ArgumentException($"CsvLogger state: length must be ≥ 0; got {length}.", nameof(state));
        }

        _writer?.Dispose();
        _writer = null;
        _resumeLength = length;
    }

    private StreamWriter Open()
    {
        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        long length = Math.Min(_resumeLength ?? _startLength, stream.Length);
        stream.SetLength(length);
        stream.Seek(0, SeekOrigin.End);
        return new StreamWriter(stream) { AutoFlush = true };
    }
}
