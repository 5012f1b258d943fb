using System.Diagnostics;
using System.Globalization;
using Backprop.Labs;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>Lab output on a terminal: rules for headings, boxed tables that fit the window, a highlighted box for
/// notices, and a live progress bar with ETA and the running metrics (like Keras's epoch bar). Nothing it writes is
/// wider than the terminal, so the terminal never wraps a line, and a bar always ends its line before anything else
/// is written, whatever stopped its task.</summary>
internal sealed class SpectreLabConsole : ILabConsole
{
    private readonly IAnsiConsole _console;
    private readonly Lock _lock = new();
    private BarProgress? _openBar;

    public SpectreLabConsole(IAnsiConsole console)
    {
        _console = console;
    }

    /// <summary>The columns a line may use: one less than the terminal, so the cursor never reaches the last column.</summary>
    internal int Width => Math.Max(_console.Profile.Width - 1, 20);

    public void WriteLine(string text = "")
    {
        lock (_lock)
        {
            EndOpenBar();
            _console.WriteLine(text);
        }
    }

    public void Heading(string text)
    {
        lock (_lock)
        {
            EndOpenBar();
            _console.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());
        }
    }

    public void Notice(string text)
    {
        lock (_lock)
        {
            EndOpenBar();
            _console.Write(new Panel(new Text(text))
            {
                Header = new PanelHeader("[bold black on yellow] NOTE [/]"),
                Border = BoxBorder.Heavy,
                BorderStyle = new Style(Color.Yellow),
                Expand = true,
            });
        }
    }

    public void Table(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        lock (_lock)
        {
            EndOpenBar();
            var writer = _console.Profile.Out.Writer;
            foreach (string line in TextTable.Fit(title, headers, rows, Width))
            {
                writer.WriteLine(line);
            }

            writer.Flush();
        }
    }

    public ILabProgress StartProgress(string description, int total)
    {
        lock (_lock)
        {
            EndOpenBar();
            return new BarProgress(this, description, total);
        }
    }

    /// <summary>Finishes a bar's line before other output, so nothing is glued onto it.</summary>
    private void EndOpenBar()
    {
        if (_openBar is not null)
        {
            // The bar's next frame starts on a fresh line.
            _console.Profile.Out.Writer.WriteLine();
            _openBar = null;
        }
    }

    /// <summary>A bar redrawn in place: "(b) training ━━━━━━━━━━────── 12/300 ETA 0:03 loss: … - val_mae: …",
    /// cut to the terminal's width (metrics dropped from the end first, then the bar shortened, then the
    /// description).</summary>
    private sealed class BarProgress : ILabProgress
    {
        private const int FullBar = 30;
        private const int ShortestBar = 10;
        private readonly SpectreLabConsole _owner;
        private readonly string _description;
        private readonly int _total;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastDrawMs = -1000;
        private int _completed;
        private string? _status;
        private bool _ended;

        public BarProgress(SpectreLabConsole owner, string description, int total)
        {
            _owner = owner;
            _description = description;
            _total = Math.Max(total, 1);
        }

        public void Report(int completed, string? status = null)
        {
            lock (_owner._lock)
            {
                if (_ended)
                {
                    return;
                }

                _completed = Math.Clamp(completed, 0, _total);
                _status = status;
                long now = _clock.ElapsedMilliseconds;
                if (_completed < _total && now - _lastDrawMs < 100)
                {
                    return;
                }

                _lastDrawMs = now;
                Draw(final: _completed >= _total);
                if (_completed >= _total)
                {
                    Finish();
                }
            }
        }

        public void Stop(string reason)
        {
            lock (_owner._lock)
            {
                if (_ended)
                {
                    return;
                }

                Draw(final: true);
                Finish();
                var writer = _owner._console.Profile.Out.Writer;
                foreach (string line in TextTable.WrapWords($"stopped at {_completed}/{_total}: {reason}", _owner.Width - 2))
                {
                    writer.WriteLine("  " + line);
                }

                writer.Flush();
            }
        }

        public void Dispose()
        {
            lock (_owner._lock)
            {
                if (_ended)
                {
                    return;
                }

                Draw(final: true);
                Finish();
            }
        }

        private void Finish()
        {
            _ended = true;
            if (ReferenceEquals(_owner._openBar, this))
            {
                _owner._openBar = null;
            }

            var writer = _owner._console.Profile.Out.Writer;
            writer.WriteLine();
            writer.Flush();
        }

        private void Draw(bool final)
        {
            if (_owner._openBar is { } other && !ReferenceEquals(other, this))
            {
                _owner.EndOpenBar();
            }

            string line = Compose(final, _owner.Width);
            var writer = _owner._console.Profile.Out.Writer;
            // Back to the start of the line, the new frame, then erase whatever the old frame left to the right.
            writer.Write("\r" + line + "\u001b[K");
            writer.Flush();
            _owner._openBar = this;
        }

        private string Compose(bool final, int width)
        {
            string count = $"{_completed}/{_total}";
            double seconds = _clock.Elapsed.TotalSeconds;
            string time = final
                ? Clock(seconds)
                : "ETA " + Clock(_completed == 0 ? 0 : seconds / _completed * (_total - _completed));
            var metrics = string.IsNullOrEmpty(_status) ? [] : _status.Split(" - ").ToList();
            var compact = metrics.Select(Compact).ToList();

            // Widest first: the full status with a shorter and shorter bar, then the status in short form
            // ("loss 6.356 · val_mae 2.634"), then metrics dropped from the end.
            foreach (int bar in new[] { FullBar, 20, ShortestBar })
            {
                string candidate = Join(_description, Bar(bar), count, time, string.Join(" - ", metrics));
                if (candidate.Length <= width)
                {
                    return candidate;
                }
            }

            for (int kept = compact.Count; kept >= 0; kept--)
            {
                string status = string.Join(" · ", compact.Take(kept)) + (kept < compact.Count ? " …" : "");
                string candidate = Join(_description, Bar(ShortestBar), count, time, kept == 0 ? "" : status);
                if (candidate.Length <= width)
                {
                    return candidate;
                }
            }

            // Still too wide: no bar, and the description cut.
            string tail = $" {count} {time}";
            int room = width - tail.Length;
            string description = room <= 1 ? "" : _description.Length <= room ? _description : _description[..(room - 1)] + "…";
            return (description + tail).TrimStart()[..Math.Min(width, (description + tail).TrimStart().Length)];
        }

        /// <summary>"val_loss: 15.2249" → "val_loss 15.22".</summary>
        private static string Compact(string metric)
        {
            int colon = metric.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 || !double.TryParse(metric[(colon + 2)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                return metric;
            }

            return metric[..colon] + " " + value.ToString("G4", CultureInfo.InvariantCulture);
        }

        private string Bar(int width)
        {
            int filled = (int)Math.Round(width * _completed / (double)_total);
            return new string('━', filled) + new string('─', width - filled);
        }

        private static string Join(params string[] parts) => string.Join(' ', parts.Where(p => p.Length > 0));

        private static string Clock(double seconds) =>
            TimeSpan.FromSeconds(Math.Min(seconds, 359_999)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
    }
}
