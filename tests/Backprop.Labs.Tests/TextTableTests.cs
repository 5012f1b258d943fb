namespace Backprop.Labs.Tests;

/// <summary>Tables on a terminal: never wider than the window, never a word or number cut, a vertical layout when
/// the columns cannot fit.</summary>
public sealed class TextTableTests
{
    private static readonly string[] s_headers = ["seed", "(b) MAE", "(b) epochs", "(c) MAE", "(c) epochs", "(d) MAE", "(d) epochs"];

    private static readonly IReadOnlyList<string>[] s_rows =
    [
        ["42", "2.118", "37", "diverged", "31", "1.934", "63"],
        ["mean ± std", "2.22 ± 0.12", "38.8", "diverged in 5 of 5", "31", "1.97 ± 0.046", "91"],
        ["step", "-2.318e-4", "1,000,000", "NaN", "∞", "0.000123", "12 %"],
    ];

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    [InlineData(79)]
    [InlineData(119)]
    public void FitsTheWidthAndKeepsEveryWordWhole(int width)
    {
        var lines = TextTable.Fit("Best validation MAE per seed", s_headers, s_rows, width);
        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        string text = string.Join("\n", lines);
        foreach (string word in s_rows.SelectMany(r => r).Concat(s_headers).SelectMany(c => c.Replace(" ± ", "±", StringComparison.Ordinal).Split(' ')))
        {
            // A measurement "2.22 ± 0.12" stays on one line too.
            Assert.True(lines.Any(l => l.Replace(" ± ", "±", StringComparison.Ordinal).Contains(word, StringComparison.Ordinal)), $"'{word}' was cut at width {width}:\n{text}");
        }
    }

    [Fact]
    public void NumbersAreRightAlignedAndTextLeftAligned()
    {
        var lines = TextTable.Fit("t", ["name", "value"], [["a", "1.5"], ["longer name", "-2.318e-4"]], 80);
        Assert.Equal("│ a           │       1.5 │", lines[4]);
        Assert.Equal("│ longer name │ -2.318e-4 │", lines[5]);
    }

    [Fact]
    public void ColumnsThatCannotFitSwitchToOneBlockPerRow()
    {
        var lines = TextTable.Fit("Published figures", ["quantity", "published", "this run", "tolerance"],
            [["(b) best validation MAE, seed 42", "2.199", "2.11767", "±5e-5 (the 4 printed decimals); within spread: ±2 × 0.1226"]], 30);
        Assert.All(lines, line => Assert.True(line.Length <= 30, line));
        Assert.Contains("published  2.199", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith('│'));
    }

    [Fact]
    public void PlainLayoutRightAlignsNumbersForLogs()
    {
        var lines = TextTable.Plain("t", ["name", "value"], [["a", "1.5"], ["b", "12.25"]]);
        Assert.Equal(["t", "name  value", "----  -----", "a       1.5", "b     12.25"], lines);
    }
}
