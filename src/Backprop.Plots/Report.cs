using System.Globalization;
using System.Net;
using System.Text;

namespace Backprop.Plots;

/// <summary>
/// Builds one self-contained HTML page for a lab: sections with a table of contents, paragraphs, highlighted
/// findings, tables, embedded images (base64 PNG data URIs), preformatted code and key–value lists, with inline
/// CSS and no external resource, so the single file can be mailed or archived. All text is HTML-escaped. Calls
/// chain: <c>new Report("Lab 3").Section("Setup").Paragraph("…").Save("runs/lab3/report.html")</c>.
/// </summary>
public sealed class Report
{
    private readonly List<Block> _blocks = [];
    private readonly List<string> _notices = [];
    private readonly List<KeyValuePair<string, string>> _footer = [];
    private int _sectionCount;

    /// <summary>Starts a report with the page title (also the top heading).</summary>
    public Report(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    /// <summary>The page title.</summary>
    public string Title { get; }

    /// <summary>Generation time printed in the footer; when null, <see cref="Save"/> and <see cref="ToHtml"/> print none.</summary>
    public DateTimeOffset? GeneratedAt { get; set; }

    /// <summary>Starts a new section (an &lt;h2&gt; listed in the table of contents).</summary>
    public Report Section(string heading)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(heading);
        _sectionCount++;
        _blocks.Add(new SectionBlock(heading, $"section-{_sectionCount}"));
        return this;
    }

    /// <summary>A paragraph of plain text; blank lines split it into several paragraphs.</summary>
    public Report Paragraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add(new ParagraphBlock(text));
        return this;
    }

    /// <summary>A highlighted box stating one result, e.g. "He init keeps the layer-5 activation std at 0.71; Glorot lets it fall to 0.04".</summary>
    public Report Finding(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add(new FindingBlock(text));
        return this;
    }

    /// <summary>A highlighted box at the top of the page, above the contents, whenever it is added: for what a reader
    /// must see before any number (e.g. "this run used the shipped subset, not the course's data").</summary>
    public Report Notice(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        _notices.Add(text);
        return this;
    }

    /// <summary>
    /// A table; cells are formatted with <see cref="NumberFormat.FormatObject"/> and numeric cells are right-aligned.
    /// </summary>
    /// <exception cref="ArgumentException">A row has a different number of cells than there are headers.</exception>
    public Report Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var materialised = rows.ToList();
        for (int i = 0; i < materialised.Count; i++)
        {
            if (materialised[i].Count != headers.Count)
            {
                throw new ArgumentException(
                    $"Table row {i} has {materialised[i].Count} cells but there are {headers.Count} headers.", nameof(rows));
            }
        }

        _blocks.Add(new TableBlock(headers.ToArray(), materialised, caption));
        return this;
    }

    /// <summary>Embeds a chart as a PNG at its default size (or the given one).</summary>
    public Report Image(Chart chart, string? caption = null, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return Image(chart.ToPngBytes(width, height), caption);
    }

    /// <summary>Embeds PNG bytes (e.g. read from a saved figure).</summary>
    /// <exception cref="ArgumentException">The bytes do not start with the PNG signature.</exception>
    public Report Image(byte[] png, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (!PngInfo.HasSignature(png))
        {
            throw new ArgumentException("Report.Image expects PNG bytes (they must start with the PNG signature).", nameof(png));
        }

        _blocks.Add(new ImageBlock(png, caption));
        return this;
    }

    /// <summary>Preformatted monospace text, e.g. a model summary or a command line.</summary>
    public Report Code(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add(new CodeBlock(text));
        return this;
    }

    /// <summary>A two-column list of settings or results (values formatted like table cells).</summary>
    public Report KeyValues(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        _blocks.Add(new KeyValueBlock(pairs.ToList()));
        return this;
    }

    /// <summary>A two-column list from tuples: <c>.KeyValues(("seed", 42), ("epochs", 20))</c>.</summary>
    public Report KeyValues(params (string Key, object? Value)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return KeyValues(pairs.Select(pair => new KeyValuePair<string, object?>(pair.Key, pair.Value)));
    }

    /// <summary>Adds an item to the footer, e.g. ("Backprop", "0.1.0") or (".NET", "10.0.0").</summary>
    public Report FooterItem(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _footer.Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    /// <summary>Adds several footer items, e.g. the library versions a lab run records.</summary>
    public Report FooterItems(IEnumerable<KeyValuePair<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach ((string key, string value) in items)
        {
            FooterItem(key, value);
        }

        return this;
    }

    /// <summary>Writes the HTML (UTF-8) to <paramref name="path"/>, creating the folder if needed.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, ToHtml(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>The complete HTML document.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Escape(Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(Escape(Title)).Append("</h1>\n");
        foreach (string notice in _notices)
        {
            html.Append("<div class=\"notice\" role=\"note\"><span class=\"notice-label\">Note</span>").Append(Escape(notice)).Append("</div>\n");
        }

        var sections = _blocks.OfType<SectionBlock>().ToList();
        if (sections.Count > 0)
        {
            html.Append("<nav class=\"toc\"><h2>Contents</h2>\n<ol>\n");
            foreach (SectionBlock section in sections)
            {
                html.Append("<li><a href=\"#").Append(section.Id).Append("\">").Append(Escape(section.Heading)).Append("</a></li>\n");
            }

            html.Append("</ol>\n</nav>\n");
        }

        int figure = 0;
        foreach (Block block in _blocks)
        {
            switch (block)
            {
                case SectionBlock section:
                    html.Append("<h2 id=\"").Append(section.Id).Append("\">").Append(Escape(section.Heading)).Append("</h2>\n");
                    break;
                case ParagraphBlock paragraph:
                    foreach (string part in SplitParagraphs(paragraph.Text))
                    {
                        html.Append("<p>").Append(Escape(part)).Append("</p>\n");
                    }

                    break;
                case FindingBlock finding:
                    html.Append("<div class=\"finding\"><span class=\"finding-label\">Finding</span>")
                        .Append(Escape(finding.Text)).Append("</div>\n");
                    break;
                case TableBlock table:
                    AppendTable(html, table);
                    break;
                case ImageBlock image:
                    figure++;
                    html.Append("<figure><img alt=\"").Append(Escape(image.Caption ?? $"Figure {figure}"))
                        .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(image.Png)).Append("\">");
                    if (image.Caption is not null)
                    {
                        html.Append("<figcaption><b>Figure ").Append(figure.ToString(CultureInfo.InvariantCulture)).Append(".</b> ")
                            .Append(Escape(image.Caption)).Append("</figcaption>");
                    }

                    html.Append("</figure>\n");
                    break;
                case CodeBlock code:
                    html.Append("<pre><code>").Append(Escape(code.Text)).Append("</code></pre>\n");
                    break;
                case KeyValueBlock keyValues:
                    html.Append("<dl class=\"kv\">\n");
                    foreach ((string key, object? value) in keyValues.Pairs)
                    {
                        html.Append("<dt>").Append(Escape(key)).Append("</dt><dd>").Append(Escape(NumberFormat.FormatObject(value))).Append("</dd>\n");
                    }

                    html.Append("</dl>\n");
                    break;
            }
        }

        html.Append("</main>\n<footer>");
        var footer = new List<string>();
        if (GeneratedAt is { } generated)
        {
            footer.Add("Generated " + Escape(generated.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)));
        }

        footer.AddRange(_footer.Select(item => Escape(item.Key) + " " + Escape(item.Value)));
        html.Append(string.Join(" · ", footer)).Append("</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>HTML-escapes text for element content and attribute values (&amp; &lt; &gt; &quot; &#39;).</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static void AppendTable(StringBuilder html, TableBlock table)
    {
        html.Append("<div class=\"table-wrap\"><table>\n");
        if (table.Caption is not null)
        {
            html.Append("<caption>").Append(Escape(table.Caption)).Append("</caption>\n");
        }

        // A column is numeric when every non-empty cell in it is, so its header aligns with the numbers.
        var numericColumns = new bool[table.Headers.Length];
        for (int column = 0; column < table.Headers.Length; column++)
        {
            numericColumns[column] = table.Rows.Any(row => row[column] is not null)
                && table.Rows.All(row => row[column] is null || NumberFormat.IsNumeric(row[column])
                    || (row[column] is string text && (NumberFormat.IsPlaceholder(text) || NumberFormat.LooksNumeric(text))))
                && table.Rows.Any(row => row[column] is not string text || !NumberFormat.IsPlaceholder(text));
        }

        html.Append("<thead><tr>");
        for (int column = 0; column < table.Headers.Length; column++)
        {
            html.Append(numericColumns[column] ? "<th class=\"num\">" : "<th>").Append(Escape(table.Headers[column])).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (IReadOnlyList<object?> row in table.Rows)
        {
            html.Append("<tr>");
            for (int column = 0; column < row.Count; column++)
            {
                bool numeric = numericColumns[column] || NumberFormat.IsNumeric(row[column]);
                html.Append(numeric ? "<td class=\"num\">" : "<td>");
                if (row[column] is ReportLink link)
                {
                    html.Append("<a href=\"").Append(Escape(link.Href)).Append("\">").Append(Escape(link.Text)).Append("</a>");
                }
                else
                {
                    html.Append(Escape(NumberFormat.FormatObject(row[column])));
                }

                html.Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");
    }

    private static IEnumerable<string> SplitParagraphs(string text)
    {
        string normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return normalised.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private const string Css = """
        :root { --ink: #1d2330; --muted: #5b6475; --rule: #dde1e8; --accent: #1f77b4; --note: #fff8e1; --note-edge: #f0b429; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f6f7f9; color: var(--ink);
               font: 16px/1.6 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; }
        main { max-width: 1080px; margin: 0 auto; padding: 32px 40px 24px; background: #fff; min-height: 100vh; }
        h1 { font-size: 30px; margin: 0 0 16px; line-height: 1.25; }
        h2 { font-size: 22px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
        p { margin: 0 0 12px; }
        nav.toc { background: #f3f6fa; border: 1px solid var(--rule); border-radius: 6px; padding: 8px 20px; margin: 0 0 24px; }
        nav.toc h2 { font-size: 16px; border: 0; margin: 4px 0; padding: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
        nav.toc ol { margin: 4px 0 8px; padding-left: 22px; }
        nav.toc a { color: var(--accent); text-decoration: none; }
        nav.toc a:hover { text-decoration: underline; }
        .notice { background: #fdecea; border: 2px solid #d93025; border-radius: 6px; padding: 12px 18px; margin: 0 0 20px; font-weight: 500; }
        .notice-label { display: block; font-size: 12px; font-weight: bold; text-transform: uppercase; letter-spacing: .06em; color: #b3261e; }
        a { color: var(--accent); }
        td a { white-space: nowrap; }
        .finding { background: var(--note); border-left: 5px solid var(--note-edge); border-radius: 4px; padding: 10px 16px; margin: 12px 0 16px; }
        .finding-label { display: block; font-size: 12px; font-weight: bold; text-transform: uppercase; letter-spacing: .06em; color: #8a6100; }
        .table-wrap { overflow-x: auto; margin: 8px 0 18px; }
        table { border-collapse: collapse; font-size: 15px; }
        caption { caption-side: top; text-align: left; color: var(--muted); padding-bottom: 6px; }
        th, td { padding: 6px 14px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
        th { background: #f3f6fa; font-weight: 600; border-bottom: 2px solid #c8ced8; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        figure { margin: 16px 0 24px; }
        figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); border-radius: 4px; }
        figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
        pre { background: #f5f5f7; border: 1px solid var(--rule); border-radius: 4px; padding: 12px 14px; overflow-x: auto;
              font: 13px "DejaVu Sans Mono", Consolas, Menlo, monospace; line-height: normal; }
        dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 20px; margin: 8px 0 18px; }
        dl.kv dt { font-weight: 600; color: var(--muted); }
        dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; }
        footer { max-width: 1080px; margin: 0 auto; padding: 12px 40px 28px; color: var(--muted); font-size: 13px; background: #fff; border-top: 1px solid var(--rule); }

        """;

    private abstract record Block;

    private sealed record SectionBlock(string Heading, string Id) : Block;

    private sealed record ParagraphBlock(string Text) : Block;

    private sealed record FindingBlock(string Text) : Block;

    private sealed record TableBlock(string[] Headers, IReadOnlyList<IReadOnlyList<object?>> Rows, string? Caption) : Block;

    private sealed record ImageBlock(byte[] Png, string? Caption) : Block;

    private sealed record CodeBlock(string Text) : Block;

    private sealed record KeyValueBlock(IReadOnlyList<KeyValuePair<string, object?>> Pairs) : Block;
}
