using Backprop.Labs;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>Lab output on a terminal: rules for headings, Spectre tables, and a live progress bar with ETA and
/// the running metrics (like Keras's epoch bar).</summary>
internal sealed class SpectreLabConsole(IAnsiConsole console) : ILabConsole
{
    public void WriteLine(string text = "") => console.WriteLine(text);

    public void Heading(string text) => console.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());

    public void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        for (int i = 0; i < headers.Count; i++)
        {
            var column = new TableColumn(Markup.Escape(headers[i]));
            table.AddColumn(i == 0 ? column : column.RightAligned());
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(c => Markup.Escape(c)).ToArray());
        }

        console.Write(table);
    }

    public ILabProgress StartProgress(string description, int total) => new BarProgress(console, description, total);

    /// <summary>A bar redrawn in place: [description] ━━━━━━━━━━ 12/300 ETA 0:03 loss: …</summary>
    private sealed class BarProgress : ILabProgress
    {
        private readonly IAnsiConsole _console;
        private readonly string _description;
        private readonly int _total;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private long _lastDrawMs = -1000;

        public BarProgress(IAnsiConsole console, string description, int total)
        {
            _console = console;
            _description = description;
            _total = Math.Max(total, 1);
        }

        public void Report(int completed, string? status = null)
        {
            long now = _clock.ElapsedMilliseconds;
            if (completed < _total && now - _lastDrawMs < 100)
            {
                return;
            }

            _lastDrawMs = now;
            const int width = 30;
            int filled = (int)Math.Round(width * Math.Clamp(completed, 0, _total) / (double)_total);
            double eta = completed == 0 ? 0 : _clock.Elapsed.TotalSeconds / completed * (_total - completed);
            string line = $"\r{_description} {new string('━', filled)}{new string('─', width - filled)} {completed}/{_total} ETA {TimeSpan.FromSeconds(eta):m\\:ss} {status}";
            _console.Profile.Out.Writer.Write(line.PadRight(Math.Min(_console.Profile.Width, 200)));
            if (completed >= _total)
            {
                _console.Profile.Out.Writer.WriteLine();
            }
        }

        public void Dispose()
        {
        }
    }
}
