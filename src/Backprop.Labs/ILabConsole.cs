namespace Backprop.Labs;

/// <summary>Where a lab's live output goes: the CLI renders it with Spectre.Console on a terminal and as plain
/// text in logs; tests capture it.</summary>
public interface ILabConsole
{
    /// <summary>A line of text.</summary>
    void WriteLine(string text = "");

    /// <summary>A heading for a part of the lab.</summary>
    void Heading(string text);

    /// <summary>A table of results.</summary>
    void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows);

    /// <summary>Live progress of a long task (training epochs, repetitions): <paramref name="total"/> steps.</summary>
    ILabProgress StartProgress(string description, int total);
}

/// <summary>Progress of one task; <see cref="IDisposable.Dispose"/> ends it.</summary>
public interface ILabProgress : IDisposable
{
    /// <summary>Marks <paramref name="completed"/> steps done, with a status such as "loss: 12.3 - val_mae: 2.4".</summary>
    void Report(int completed, string? status = null);
}

/// <summary>Plain text output, one line per event: for logs, CI and tests.</summary>
public sealed class PlainLabConsole : ILabConsole
{
    private readonly TextWriter _writer;

    public PlainLabConsole(TextWriter writer)
    {
        _writer = writer;
    }

    public void WriteLine(string text = "") => _writer.WriteLine(text);

    public void Heading(string text)
    {
        _writer.WriteLine();
        _writer.WriteLine($"== {text} ==");
    }

    public void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (int i = 0; i < Math.Min(row.Count, widths.Length); i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        _writer.WriteLine(title);
        _writer.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        _writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            _writer.WriteLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(i < widths.Length ? widths[i] : c.Length))).TrimEnd());
        }
    }

    public ILabProgress StartProgress(string description, int total) => new PlainProgress(_writer, description, total);

    private sealed class PlainProgress(TextWriter writer, string description, int total) : ILabProgress
    {
        private int _lastPrinted = -1;

        public void Report(int completed, string? status = null)
        {
            // Logs get at most ~10 lines per task plus the last one.
            int step = Math.Max(1, total / 10);
            if (completed == total || completed / step != _lastPrinted / step)
            {
                _lastPrinted = completed;
                writer.WriteLine($"{description}: {completed}/{total}{(status is null ? "" : " - " + status)}");
            }
        }

        public void Dispose()
        {
        }
    }
}
