using System.Text.RegularExpressions;

namespace Backprop.Plots.Tests;

public sealed partial class ReportTests
{
    [Fact]
    public void Html_IsSelfContained_WithEmbeddedPngs()
    {
        Report report = SampleReport();

        string html = report.ToHtml();

        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        MatchCollection images = EmbeddedPng().Matches(html);
        Assert.Equal(2, images.Count);
        byte[] first = Convert.FromBase64String(images[0].Groups[1].Value);
        Assert.Equal((640, 400), PngInfo.Size(first));
        Assert.Contains("<style>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_EscapesUserText()
    {
        string html = new Report("T <b>bold</b>")
            .Section("S & <i>")
            .Paragraph("<script>alert('x')</script>")
            .Finding("a < b > c")
            .Code("if (a < b && c > d) { }")
            .Table(["<th>"], [["<td>"]])
            .KeyValues(("<key>", "\"quoted\""))
            .FooterItem("<v>", "1 & 2")
            .ToHtml();

        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("T &lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("S &amp; &lt;i&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a &lt; b &gt; c", html, StringComparison.Ordinal);
        Assert.Contains("a &lt; b &amp;&amp; c &gt; d", html, StringComparison.Ordinal);
        Assert.Contains("&lt;th&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;td&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;quoted&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_AppearInOrder_InContentsAndBody()
    {
        string html = SampleReport().ToHtml();

        int toc = html.IndexOf("<nav class=\"toc\">", StringComparison.Ordinal);
        int tocEnd = html.IndexOf("</nav>", StringComparison.Ordinal);
        Assert.True(toc >= 0 && tocEnd > toc);
        string contents = html[toc..tocEnd];
        string body = html[tocEnd..];
        string[] headings = ["Setup", "Learning curves", "Results"];
        int lastInContents = -1, lastInBody = -1;
        for (int i = 0; i < headings.Length; i++)
        {
            int inContents = contents.IndexOf($"<a href=\"#section-{i + 1}\">{headings[i]}</a>", StringComparison.Ordinal);
            int inBody = body.IndexOf($"<h2 id=\"section-{i + 1}\">{headings[i]}</h2>", StringComparison.Ordinal);
            Assert.True(inContents > lastInContents, $"'{headings[i]}' out of order in the contents");
            Assert.True(inBody > lastInBody, $"'{headings[i]}' out of order in the body");
            lastInContents = inContents;
            lastInBody = inBody;
        }

        Assert.True(
            body.IndexOf("Validation loss bottoms out", StringComparison.Ordinal)
                > body.IndexOf("<h2 id=\"section-2\">", StringComparison.Ordinal),
            "the finding belongs to the second section");
    }

    [Fact]
    public void Table_RightAlignsAndFormatsNumbers()
    {
        string html = new Report("T")
            .Table(["name", "accuracy", "params"], [["a", 0.912345, 79510], ["b", double.NaN, 12]])
            .ToHtml();

        Assert.Contains("<th>name</th><th class=\"num\">accuracy</th><th class=\"num\">params</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>a</td><td class=\"num\">0.9123</td><td class=\"num\">79,510</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">NaN</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Footer_ShowsGenerationTimeAndVersions()
    {
        var report = new Report("T") { GeneratedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero) };
        report.FooterItem("Backprop", "1.2.3").FooterItems([new("ScottPlot", "5.1.59"), new(".NET", "10.0.0")]);

        string html = report.ToHtml();

        Assert.Contains("Generated 2025-03-04 05:06:07 +00:00", html, StringComparison.Ordinal);
        Assert.Contains("Backprop 1.2.3", html, StringComparison.Ordinal);
        Assert.Contains("Backprop 1.2.3 · ScottPlot 5.1.59 · .NET 10.0.0", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_InputsThrowClearErrors()
    {
        var report = new Report("T");

        var rowError = Assert.Throws<ArgumentException>(() => report.Table(["a", "b"], [["only one"]]));
        Assert.Contains("row 0 has 1 cells but there are 2 headers", rowError.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => report.Image([1, 2, 3], "not a png"));
        Assert.Throws<ArgumentException>(() => new Report(" "));
    }

    [Fact]
    public void Save_WritesUtf8FileWithoutBom()
    {
        string folder = Directory.CreateTempSubdirectory("report-test").FullName;
        try
        {
            string path = Path.Combine(folder, "out", "report.html");
            new Report("Ωμ report").Paragraph("naïve").Save(path);

            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal((byte)'<', bytes[0]);
            Assert.Contains("Ωμ report", File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(42.0, "42")]
    [InlineData(60000.0, "60,000")]
    [InlineData(0.912345, "0.9123")]
    [InlineData(12.3456, "12.35")]
    [InlineData(1234.567, "1234.6")]
    [InlineData(0.00012345, "1.235e-4")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(2.5e7 + 0.5, "2.5e+7")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "−∞")]
    public void NumberFormat_IsReadable(double value, string expected)
    {
        Assert.Equal(expected, NumberFormat.Format(value));
    }

    [Fact]
    public void NumberFormat_FormatsCellTypes()
    {
        Assert.Equal("", NumberFormat.FormatObject(null));
        Assert.Equal("yes", NumberFormat.FormatObject(true));
        Assert.Equal("12.5 s", NumberFormat.FormatObject(TimeSpan.FromSeconds(12.5)));
        Assert.Equal("2:05", NumberFormat.FormatObject(TimeSpan.FromSeconds(125)));
        Assert.Equal("0.1", NumberFormat.FormatObject(0.1f));
    }

    internal static Report SampleReport()
    {
        Chart curves = SampleCharts.Create("learning-curves");
        return new Report("Lab 1: a sample")
            .Section("Setup")
            .Paragraph("A 2-layer MLP.\n\nTrained with SGD.")
            .KeyValues(("seed", 42), ("epochs", 12))
            .Code("Dense(10) → Dense(1)")
            .Section("Learning curves")
            .Image(curves, "Loss per epoch", 640, 400)
            .Finding("Validation loss bottoms out at epoch 7.")
            .Section("Results")
            .Table(["model", "MAE"], [["small", 0.123], ["large", 0.0456]], "Test MAE")
            .Image(SampleCharts.Create("bars").ToPngBytes(), "Accuracy");
    }

    [GeneratedRegex("(?:src|href)\\s*=\\s*[\"']?(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();
}
