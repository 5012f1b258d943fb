using System.Text;

namespace Backprop.Labs;

/// <summary>Lays out a lab's tables as text. <see cref="Plain"/> writes one line per row for logs;
/// <see cref="Fit"/> draws a boxed table no wider than a terminal, wrapping text cells at spaces and never inside a
/// word or number. When even one word per line does not fit, it switches to a vertical layout: one block per row,
/// one "header: value" line per cell.</summary>
public static class TextTable
{
    /// <summary>The table as a log shows it: columns two spaces apart, numbers right-aligned, no width limit.</summary>
    public static IReadOnlyList<string> Plain(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
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

        var numeric = NumericColumns(headers.Count, rows);
        var lines = new List<string>
        {
            title,
            string.Join("  ", headers.Select((h, i) => numeric[i] ? h.PadLeft(widths[i]) : h.PadRight(widths[i]))).TrimEnd(),
            string.Join("  ", widths.Select(w => new string('-', w))),
        };
        foreach (var row in rows)
        {
            lines.Add(string.Join("  ", row.Select((c, i) => i < widths.Length && numeric[i] ? c.PadLeft(widths[i]) : i < widths.Length ? c.PadRight(widths[i]) : c)).TrimEnd());
        }

        return lines;
    }

    /// <summary>The table in at most <paramref name="width"/> columns: boxed when every column can be as wide as its
    /// longest word, else one block per row.</summary>
    public static IReadOnlyList<string> Fit(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int width)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 20);
        int columns = headers.Count;
        var cells = rows.Select(r => Enumerable.Range(0, columns).Select(i => i < r.Count ? Clean(r[i]) : "").ToArray()).ToList();
        var heads = headers.Select(Clean).ToArray();
        // Widths count characters, so a glued "±" cell is as long as it will print.
        var natural = new int[columns];
        var minimum = new int[columns];
        for (int c = 0; c < columns; c++)
        {
            natural[c] = Math.Max(heads[c].Length, cells.Select(r => r[c].Length).DefaultIfEmpty(0).Max());
            minimum[c] = Math.Max(LongestWord(heads[c]), cells.Select(r => LongestWord(r[c])).DefaultIfEmpty(0).Max());
            minimum[c] = Math.Max(minimum[c], 1);
            natural[c] = Math.Max(natural[c], 1);
        }

        // "│ a │ b │": one border per column plus one, and a space either side of each cell.
        int overhead = (3 * columns) + 1;
        if (minimum.Sum() + overhead > width)
        {
            return Vertical(title, heads, cells, width);
        }

        var widths = Distribute(natural, minimum, width - overhead);
        var numeric = NumericColumns(columns, rows);
        var lines = new List<string>();
        lines.AddRange(Wrap(title, width, ""));
        lines.Add(Border('┌', '┬', '┐', widths));
        lines.AddRange(Row(heads, widths, numeric));
        lines.Add(Border('├', '┼', '┤', widths));
        foreach (var row in cells)
        {
            lines.AddRange(Row(row, widths, numeric));
        }

        lines.Add(Border('└', '┴', '┘', widths));
        return lines;
    }

    /// <summary>True for a cell that reads as a number or a measurement ("2.221", "−1.5e-4", "2.22 ± 0.12", "12 %",
    /// "0.7 s"): such columns are right-aligned.</summary>
    public static bool LooksNumeric(string cell) => Backprop.Plots.NumberFormat.LooksNumeric(cell);

    private static bool[] NumericColumns(int columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var numeric = new bool[columns];
        for (int c = 0; c < columns; c++)
        {
            var values = rows.Where(r => c < r.Count && !Backprop.Plots.NumberFormat.IsPlaceholder(r[c])).Select(r => r[c]).ToList();
            numeric[c] = values.Count > 0 && values.All(LooksNumeric);
        }

        return numeric;
    }

    private static int[] Distribute(int[] natural, int[] minimum, int available)
    {
        var widths = natural.ToArray();
        if (natural.Sum() <= available)
        {
            return widths;
        }

        // Start every column at its longest word and share what is left in proportion to what each still lacks.
        widths = minimum.ToArray();
        int spare = available - widths.Sum();
        long lacking = natural.Zip(minimum, (n, m) => (long)(n - m)).Sum();
        if (lacking > 0 && spare > 0)
        {
            for (int c = 0; c < widths.Length; c++)
            {
                widths[c] += (int)(spare * (long)(natural[c] - minimum[c]) / lacking);
            }

            // Rounding leaves a few columns over: give them to the columns that lack most.
            int left = available - widths.Sum();
            foreach (int c in Enumerable.Range(0, widths.Length).OrderByDescending(c => natural[c] - widths[c]))
            {
                if (left == 0)
                {
                    break;
                }

                if (widths[c] < natural[c])
                {
                    widths[c]++;
                    left--;
                }
            }
        }

        return widths;
    }

    private static IEnumerable<string> Row(string[] cells, int[] widths, bool[] numeric)
    {
        var wrapped = cells.Select((cell, c) => WrapWords(cell, widths[c])).ToArray();
        int height = wrapped.Max(w => w.Count);
        for (int line = 0; line < height; line++)
        {
            var sb = new StringBuilder("│");
            for (int c = 0; c < cells.Length; c++)
            {
                string text = line < wrapped[c].Count ? wrapped[c][line] : "";
                sb.Append(' ').Append(numeric[c] ? text.PadLeft(widths[c]) : text.PadRight(widths[c])).Append(" │");
            }

            yield return sb.ToString();
        }
    }

    private static string Border(char left, char middle, char right, int[] widths) =>
        left + string.Join(middle, widths.Select(w => new string('─', w + 2))) + right;

    private static IReadOnlyList<string> Vertical(string title, string[] headers, List<string[]> rows, int width)
    {
        var lines = new List<string>();
        lines.AddRange(Wrap(title, width, ""));
        int keyWidth = Math.Min(headers.Max(h => h.Length), width / 3);
        string rule = new('─', Math.Min(width, 40));
        foreach (var row in rows)
        {
            lines.Add(rule);
            for (int c = 0; c < headers.Length; c++)
            {
                if (headers[c].Length <= keyWidth)
                {
                    // "header    value…", continuation lines under the value.
                    string indent = new(' ', keyWidth + 2);
                    var body = WrapWords(row[c], width - indent.Length);
                    lines.Add((headers[c].PadRight(keyWidth + 2) + body[0]).TrimEnd());
                    lines.AddRange(body.Skip(1).Select(b => indent + b));
                }
                else
                {
                    // A header too long to share its line: the value follows, indented.
                    lines.AddRange(WrapWords(headers[c], width));
                    lines.AddRange(WrapWords(row[c], width - 4).Select(b => "    " + b));
                }
            }
        }

        if (rows.Count > 0)
        {
            lines.Add(rule);
        }

        return lines;
    }

    private static IEnumerable<string> Wrap(string text, int width, string indent) =>
        WrapWords(text, width - indent.Length).Select(line => indent + line);

    /// <summary>Lines of at most <paramref name="width"/> characters broken at spaces; only a word longer than the
    /// width itself is cut.</summary>
    public static List<string> WrapWords(string text, int width)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (string word in Clean(text).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string rest = word;
            if (current.Length > 0 && current.Length + 1 + rest.Length <= width)
            {
                current.Append(' ').Append(rest);
                continue;
            }

            if (current.Length > 0)
            {
                lines.Add(current.ToString());
                current.Clear();
            }

            while (rest.Length > width)
            {
                lines.Add(rest[..width]);
                rest = rest[width..];
            }

            current.Append(rest);
        }

        if (current.Length > 0 || lines.Count == 0)
        {
            lines.Add(current.ToString());
        }

        return lines.Select(line => line.Replace('\u00A0', ' ')).ToList();
    }

    private static int LongestWord(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Length).DefaultIfEmpty(0).Max();

    // Line breaks become spaces, and "2.22 ± 0.12" becomes one unbreakable word (no-break spaces, restored on output).
    private static string Clean(string text) =>
        text.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ').Replace(" ± ", "\u00A0±\u00A0", StringComparison.Ordinal);
}
