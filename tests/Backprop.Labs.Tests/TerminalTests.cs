using System.Text.RegularExpressions;
using Backprop.Labs.Tests.Support;

namespace Backprop.Labs.Tests;

/// <summary>The CLI on a real pseudo-terminal at 80 and 120 columns: a full boston-housing run, where early stopping
/// ends every training before its 300 epochs. The screen must show each finished bar on its own line followed by why
/// it stopped, no line the terminal had to wrap, nothing glued onto a bar, and no number split across lines.</summary>
public sealed partial class TerminalTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void EarlyStoppedBostonRunFitsTheTerminalAndEndsEveryBar(int columns)
    {
        Assert.True(PseudoTerminal.Available, "these tests need util-linux 'script' to make a pseudo-terminal");
        string folder = CliProcess.TempFolder("terminal");
        try
        {
            var screen = PseudoTerminal.Run(columns, null, "lab", "run", "boston-housing", "--out", folder);
            var lines = screen.Lines;
            string text = string.Join('\n', lines);
            Assert.True(screen.ExitCode == 0, text);
            Assert.Contains(lines, l => l.StartsWith("boston-housing: report written to", StringComparison.Ordinal));

            // Nothing was wider than the terminal.
            Assert.True(screen.Wrapped.Count == 0, $"the terminal wrapped lines {string.Join(", ", screen.Wrapped.Select(i => i + 1))}:\n" +
                string.Join('\n', screen.Wrapped.Select(i => lines[i])));

            // Each training's bar is finished on its own line, followed by where and why it stopped.
            foreach (string variant in new[] { "(b)", "(c)", "(d)" })
            {
                int bar = lines.ToList().FindLastIndex(l => l.StartsWith($"{variant} training ", StringComparison.Ordinal));
                Assert.True(bar >= 0, $"no {variant} training bar:\n{text}");
                var count = BarCount().Match(lines[bar]);
                Assert.True(count.Success, $"the {variant} bar shows no count: '{lines[bar]}'");
                int epochs = int.Parse(count.Groups["done"].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(epochs < 300, $"{variant} trained all 300 epochs; this test needs early stopping:\n{lines[bar]}");
                Assert.StartsWith($"  stopped at {epochs}/300: early stopping: val_mae has not improved for 30 epochs", lines[bar + 1]);
                Assert.DoesNotContain("Model:", lines[bar]);
            }

            // Output that follows a bar starts its own line: every model summary begins a line.
            Assert.All(lines.Where(l => l.Contains("Model: \"", StringComparison.Ordinal)), l => Assert.StartsWith("Model: \"", l));

            // No number is split between two lines of a table.
            Assert.Empty(SplitNumbers(lines));
            Assert.Contains(lines, l => l.StartsWith("┌", StringComparison.Ordinal));
        }
        finally
        {
            CliProcess.Delete(folder);
        }
    }

    [Fact]
    public void TheEmulatorSeesWrappingCarriageReturnsAndErasing()
    {
        // A check of the check: a line one character too wide wraps; "\r" + "ESC[K" redraws in place.
        var (lines, wrapped) = PseudoTerminal.Render("12345\r\nabc\r\u001b[Kxy\r\n", 4);
        Assert.Equal(["1234", "5", "xy", ""], lines);
        Assert.Equal([0], wrapped);
        Assert.Equal(["│ 1.5 │ -2.318e- │", "│     │ 4        │"], SplitNumbers(["│ 1.5 │ -2.318e- │", "│     │ 4        │"]));
    }

    /// <summary>Table lines that continue the line above with a cell that finishes a number the line above began.</summary>
    private static List<string> SplitNumbers(IReadOnlyList<string> lines)
    {
        var split = new List<string>();
        for (int i = 1; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith('│') || !lines[i - 1].StartsWith('│'))
            {
                continue;
            }

            string[] above = lines[i - 1].Split('│');
            string[] cells = lines[i].Split('│');
            if (above.Length != cells.Length || cells[1].Trim().Length > 0)
            {
                continue; // Not a continuation of the row above.
            }

            for (int c = 2; c < cells.Length - 1; c++)
            {
                if (NumberTail().IsMatch(cells[c].Trim()) && NumberHead().IsMatch(above[c].Trim()))
                {
                    split.Add(lines[i - 1]);
                    split.Add(lines[i]);
                }
            }
        }

        return split;
    }

    [GeneratedRegex(@" (?<done>\d+)/300 ")]
    private static partial Regex BarCount();

    [GeneratedRegex(@"^[0-9.eE+\-]+$")]
    private static partial Regex NumberTail();

    [GeneratedRegex(@"(^|\s)[\-+]?\d[\d.]*([eE][\-+]?)?$")]
    private static partial Regex NumberHead();
}
