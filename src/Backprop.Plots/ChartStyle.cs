using ScottPlot;

namespace Backprop.Plots;

/// <summary>
/// The one look every chart shares: matplotlib's tab10 palette (so figures read like the course's Keras notebooks),
/// DejaVu Sans text, a light grid, and font sizes legible at the 800×500 default.
/// </summary>
public static class ChartStyle
{
    /// <summary>Default width in pixels of a single chart.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default height in pixels of a single chart.</summary>
    public const int DefaultHeight = 500;

    private static readonly Color[] s_palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    private static readonly Lazy<string> s_fontName = new(ResolveFontName);

    /// <summary>The tab10 colours, in order; series i uses <c>Palette[i % 10]</c>.</summary>
    public static IReadOnlyList<Color> Palette => s_palette;

    /// <summary>The font family used for all text: DejaVu Sans when installed (Debian <c>fonts-dejavu-core</c>), else ScottPlot's default.</summary>
    public static string FontName => s_fontName.Value;

    /// <summary>Colour of series <paramref name="index"/> in the shared palette.</summary>
    public static Color ColorAt(int index) => s_palette[((index % s_palette.Length) + s_palette.Length) % s_palette.Length];

    /// <summary>A new plot with the shared font, sizes and grid, and the given title and axis labels.</summary>
    public static Plot NewPlot(string? title, string? xLabel, string? yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Axes.Title.Label.FontSize = 20;
        plot.Axes.Title.Label.Bold = true;
        foreach (IAxis axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = 16;
            axis.Label.Bold = false;
            axis.TickLabelStyle.FontSize = 13;
        }

        plot.Grid.MajorLineColor = Color.FromHex("#e5e5e5");
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = 13;
        plot.Legend.OutlineColor = Color.FromHex("#cccccc");
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
        if (!string.IsNullOrEmpty(title))
        {
            plot.Title(title);
        }

        if (!string.IsNullOrEmpty(xLabel))
        {
            plot.XLabel(xLabel);
        }

        if (!string.IsNullOrEmpty(yLabel))
        {
            plot.YLabel(yLabel);
        }

        return plot;
    }

    /// <summary>Shows the legend to the right of the data area, where it can hide no data point, whatever the data.</summary>
    public static void ShowLegendOutside(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.ShowLegend(Edge.Right);
        plot.Legend.BackgroundColor = Colors.White;
    }

    private static string ResolveFontName()
    {
        const string preferred = "DejaVu Sans";
        const string debianPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        if (IsInstalled(preferred))
        {
            return preferred;
        }

        // A Skia build without fontconfig may not enumerate system fonts; register the file itself.
        if (File.Exists(debianPath))
        {
            Fonts.AddFontFile(preferred, debianPath, bold: false, italic: false);
            string boldPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
            if (File.Exists(boldPath))
            {
                Fonts.AddFontFile(preferred, boldPath, bold: true, italic: false);
            }

            return preferred;
        }

        return Fonts.Default;
    }

    private static bool IsInstalled(string family)
    {
        // Skia falls back to some other face for unknown families, so compare the name it actually found.
        using SkiaSharp.SKTypeface? typeface = SkiaSharp.SKTypeface.FromFamilyName(family);
        return typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase);
    }
}
