using Backprop.Cli;
using Backprop.Labs.Tests.Support;
using Spectre.Console;

namespace Backprop.Labs.Tests;

/// <summary>The terminal console without a terminal: its ANSI output played onto an emulated screen of a given width.
/// A bar always ends its line before anything else is written, never wraps, and says where and why it stopped.</summary>
public sealed class SpectreConsoleTests
{
    [Fact]
    public void ABarThatStopsEarlyEndsItsLineAndSaysWhy()
    {
        var (console, screen) = Terminal(60);
        var bar = console.StartProgress("(b) training", 300);
        for (int epoch = 1; epoch <= 37; epoch++)
        {
            bar.Report(epoch, $"loss: {1000.0 / epoch:F4} - mae: 2.3456 - val_loss: 15.2249 - val_mae: 2.6336");
        }

        bar.Stop("early stopping: val_mae has not improved for 30 epochs (best 2.1177 at epoch 7)");
        bar.Dispose();
        console.WriteLine("Model: \"sequential\"");

        var (lines, wrapped) = screen();
        Assert.Empty(wrapped);
        int at = lines.ToList().FindIndex(l => l.StartsWith("(b) training ", StringComparison.Ordinal));
        Assert.Contains(" 37/300 ", lines[at]);
        Assert.StartsWith("  stopped at 37/300: early stopping:", lines[at + 1]);
        Assert.Equal("stopped at 37/300: early stopping: val_mae has not improved for 30 epochs (best 2.1177 at epoch 7)",
            string.Join(' ', lines.Skip(at + 1).Take(2).Select(l => l.Trim())));
        Assert.Equal("Model: \"sequential\"", lines[at + 3]);
        Assert.All(lines, l => Assert.True(l.Length < 60, l));
    }

    [Fact]
    public void OutputDuringABarStartsOnItsOwnLine()
    {
        var (console, screen) = Terminal(80);
        var bar = console.StartProgress("seeds", 12);
        bar.Report(5, "(c) seed 44: val_mae 2.04");
        using (var writer = new LabConsoleWriter(console))
        {
            // What Fit or Evaluate print with verbose ≥ 1 while a bar is open.
            writer.Write("4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 23us/step - loss: 23.8996 - mae: 3.2133\n");
        }

        bar.Report(12, "(d) seed 46: val_mae 1.948");
        bar.Dispose();
        console.Table("Sizes", ["part", "rows"], [["training", "303"]]);

        var (lines, wrapped) = screen();
        Assert.Empty(wrapped);
        Assert.StartsWith("seeds ", lines[0]);
        Assert.Contains(" 5/12 ", lines[0]);
        Assert.Equal("4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 23us/step - loss: 23.8996 - mae: 3.2133", lines[1]);
        Assert.Contains(" 12/12 ", lines[2]);
        Assert.Equal("Sizes", lines[3]);
    }

    [Fact]
    public void ABarLeftOpenIsEndedByDisposeAndNeverWiderThanTheTerminal()
    {
        var (console, screen) = Terminal(40);
        using (var bar = console.StartProgress("a rather long description of the task", 1000))
        {
            bar.Report(999, "loss: 123.4567 - mae: 12.3456 - val_loss: 234.5678 - val_mae: 13.5791");
        }

        console.WriteLine("next");
        var (lines, wrapped) = screen();
        Assert.Empty(wrapped);
        Assert.Contains("999/1000", lines[0]);
        Assert.Equal("next", lines[1]);
    }

    [Theory]
    [InlineData(120, @"^\(b\) training ━{1,3}─+ 37/300 \d:\d\d loss: 6\.3556 - mae: 1\.8713 - val_loss: 15\.2249 - val_mae: 2\.6336$")]
    [InlineData(100, @"^\(b\) training ━─{9} 37/300 \d:\d\d loss 6\.356 · mae 1\.871 · val_loss 15\.22 · val_mae 2\.634$")]
    [InlineData(80, @"^\(b\) training ━─{9} 37/300 \d:\d\d loss 6\.356 · mae 1\.871 · val_loss 15\.22 …$")]
    [InlineData(50, @"^\(b\) training ━─{9} 37/300 \d:\d\d loss 6\.356 …$")]
    public void MetricsAreShortenedBeforeTheyAreDropped(int width, string expected)
    {
        var (console, screen) = Terminal(width);
        using (var bar = console.StartProgress("(b) training", 300))
        {
            bar.Report(37, "loss: 6.3556 - mae: 1.8713 - val_loss: 15.2249 - val_mae: 2.6336");
        }

        var (lines, wrapped) = screen();
        Assert.Empty(wrapped);
        Assert.Matches(expected, lines[0]);
    }

    private static (SpectreLabConsole Console, Func<(IReadOnlyList<string> Lines, IReadOnlyList<int> Wrapped)> Screen) Terminal(int width)
    {
        var writer = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        ansi.Profile.Width = width;
        return (new SpectreLabConsole(ansi), () => PseudoTerminal.Render(writer.ToString(), width));
    }
}
