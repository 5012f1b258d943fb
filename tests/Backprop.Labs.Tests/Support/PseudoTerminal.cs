using System.Diagnostics;
using System.Text;

namespace Backprop.Labs.Tests.Support;

/// <summary>Runs the <c>backprop</c> command on a pseudo-terminal of a given width (util-linux <c>script</c>, with
/// <c>stty cols</c>), and renders what it wrote the way a terminal shows it: carriage returns go back to the start of
/// the line, <c>ESC[K</c> erases to its end, colours are ignored, and a character written past the last column wraps
/// to the next line — which is recorded, since the CLI must never let that happen.</summary>
internal static class PseudoTerminal
{
    /// <summary>What the terminal shows after the command ended.</summary>
    /// <param name="Lines">The screen and scrollback, top to bottom, trailing spaces removed.</param>
    /// <param name="Wrapped">Indices of lines the terminal had to wrap (the line was wider than the terminal).</param>
    /// <param name="ExitCode">The command's exit code.</param>
    /// <param name="Raw">Everything written to the terminal.</param>
    public sealed record Screen(IReadOnlyList<string> Lines, IReadOnlyList<int> Wrapped, int ExitCode, string Raw);

    public static bool Available => File.Exists("/usr/bin/script") || File.Exists("/bin/script");

    /// <summary>Runs <c>backprop args…</c> on a terminal <paramref name="columns"/> wide.</summary>
    public static Screen Run(int columns, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        string command = $"stty cols {columns} rows 40; exec dotnet {Quote(CliProcess.Dll)} {string.Join(' ', args.Select(Quote))}";
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string arg in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        CliProcess.Configure(start, environment);
        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the command on the pseudo-terminal did not finish in 5 minutes.");
        }

        string raw = output.Result;
        var (lines, wrapped) = Render(raw, columns);
        return new Screen(lines, wrapped, process.ExitCode, raw + error.Result);
    }

    /// <summary>Plays <paramref name="raw"/> onto a terminal <paramref name="columns"/> wide.</summary>
    public static (IReadOnlyList<string> Lines, IReadOnlyList<int> Wrapped) Render(string raw, int columns)
    {
        var lines = new List<char[]> { NewLine(columns) };
        var wrapped = new List<int>();
        int row = 0, column = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            switch (c)
            {
                case '\r':
                    column = 0;
                    continue;
                case '\n':
                    // A terminal's line discipline turns "\n" into "\r\n" (onlcr).
                    row++;
                    column = 0;
                    if (row == lines.Count)
                    {
                        lines.Add(NewLine(columns));
                    }

                    continue;
                case '\b':
                    column = Math.Max(0, column - 1);
                    continue;
                case '\u001b':
                    i = Escape(raw, i, lines[row], column);
                    continue;
                case '\a':
                    continue;
            }

            if (char.IsLowSurrogate(c) || c < ' ')
            {
                continue;
            }

            if (column == columns)
            {
                // The terminal wraps: the line was wider than the window.
                wrapped.Add(row);
                row++;
                column = 0;
                if (row == lines.Count)
                {
                    lines.Add(NewLine(columns));
                }
            }

            lines[row][column++] = c;
        }

        return (lines.Select(l => new string(l).TrimEnd()).ToList(), wrapped);
    }

    private static char[] NewLine(int columns) => Enumerable.Repeat(' ', columns).ToArray();

    /// <summary>Handles one escape sequence starting at <paramref name="start"/>; returns the index of its last character.</summary>
    private static int Escape(string raw, int start, char[] line, int column)
    {
        if (start + 1 >= raw.Length)
        {
            return start;
        }

        if (raw[start + 1] == ']')
        {
            // OSC … BEL or ST: ignored.
            int end = start + 2;
            while (end < raw.Length && raw[end] != '\a' && !(raw[end] == '\u001b' && end + 1 < raw.Length && raw[end + 1] == '\\'))
            {
                end++;
            }

            return raw[Math.Min(end, raw.Length - 1)] == '\u001b' ? end + 1 : end;
        }

        if (raw[start + 1] != '[')
        {
            return start + 1;
        }

        int i = start + 2;
        while (i < raw.Length && (raw[i] is >= '0' and <= '9' or ';' or '?'))
        {
            i++;
        }

        if (i < raw.Length && raw[i] == 'K')
        {
            string parameter = raw[(start + 2)..i];
            if (parameter is "" or "0")
            {
                for (int k = column; k < line.Length; k++)
                {
                    line[k] = ' ';
                }
            }
            else if (parameter == "2")
            {
                Array.Fill(line, ' ');
            }
        }

        // Colours (m), cursor visibility (?25l/h) and anything else: no effect on the text.
        return Math.Min(i, raw.Length - 1);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
