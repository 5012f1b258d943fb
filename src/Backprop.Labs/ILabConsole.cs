namespace Backprop.Labs;

/// <summary>Where a lab's live output goes: the CLI renders it with Spectre.Console on a terminal and as plain
/// text in logs; tests capture it.</summary>
public interface ILabConsole
{
    /// <summary>A line of text.</summary>
    void WriteLine(string text = "");

    /// <summary>A heading for a part of the lab.</summary>
    void Heading(string text);

    /// <summary>A table of results, its cells already formatted.</summary>
    void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows);

    /// <summary>Live progress of a long task (training epochs, repetitions, a download): <paramref name="total"/> steps.</summary>
    ILabProgress StartProgress(string description, int total);

    /// <summary>Something the reader must not miss, such as a run on other data than the course used: a highlighted
    /// box on a terminal, a marked line in a log.</summary>
    void Notice(string text) => WriteLine("NOTE: " + text);
}

/// <summary>Progress of one task. <see cref="IDisposable.Dispose"/> ends it: its line is finished, whatever
/// stopped the task, so the next output starts on a line of its own.</summary>
public interface ILabProgress : IDisposable
{
    /// <summary>Marks <paramref name="completed"/> steps done, with a status such as "loss: 12.3 - val_mae: 2.4".</summary>
    void Report(int completed, string? status = null);

    /// <summary>Ends the task before its total with the reason ("early stopping: val_mae has not improved for 30
    /// epochs", "failed: …"); the console shows where it stopped and why. Dispose still follows.</summary>
    void Stop(string reason)
    {
    }
}

/// <summary>Plain text output, one line per event: for logs, CI and tests.</summary>
public sealed class PlainLabConsole : ILabConsole
{
    private readonly TextWriter _writer;

    /// <summary>Writes every event as plain lines to <paramref name="writer"/>.</summary>
    public PlainLabConsole(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <inheritdoc/>
    public void WriteLine(string text = "") => _writer.WriteLine(text);

    /// <inheritdoc/>
    public void Heading(string text)
    {
        _writer.WriteLine();
        _writer.WriteLine($"== {text} ==");
    }

    /// <inheritdoc/>
    public void Notice(string text)
    {
        string rule = new('!', 72);
        _writer.WriteLine(rule);
        _writer.WriteLine("NOTE: " + text);
        _writer.WriteLine(rule);
    }

    /// <inheritdoc/>
    public void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (string line in TextTable.Plain(title, headers, rows))
        {
            _writer.WriteLine(line);
        }
    }

    /// <inheritdoc/>
    public ILabProgress StartProgress(string description, int total) => new PlainProgress(_writer, description, total);

    /// <summary>At most about ten lines per task, the last step always; a task that stops early says where and why.</summary>
    private sealed class PlainProgress(TextWriter writer, string description, int total) : ILabProgress
    {
        private int _lastPrinted = -1;
        private int _completed;
        private string? _status;
        private bool _ended;

        public void Report(int completed, string? status = null)
        {
            _completed = completed;
            _status = status;
            int step = Math.Max(1, total / 10);
            if (completed == total || completed / step != _lastPrinted / step)
            {
                Print();
            }
        }

        public void Stop(string reason)
        {
            if (_ended)
            {
                return;
            }

            if (_lastPrinted != _completed)
            {
                Print();
            }

            writer.WriteLine($"{description}: stopped at {_completed}/{total}: {reason}");
            _ended = true;
        }

        public void Dispose()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            if (_lastPrinted != _completed)
            {
                Print();
            }
        }

        private void Print()
        {
            _lastPrinted = _completed;
            writer.WriteLine($"{description}: {_completed}/{total}{(_status is null ? "" : " - " + _status)}");
        }
    }
}
