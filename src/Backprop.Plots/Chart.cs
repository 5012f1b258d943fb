using ScottPlot;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// A finished figure: one or more ScottPlot plots laid out on a grid under an optional overall title. Save it as PNG
/// or SVG, or take the PNG bytes to embed in a <see cref="Report"/>. The plots stay reachable through
/// <see cref="Plots"/> for last-minute tweaks (axis limits, extra annotations).
/// </summary>
public sealed class Chart
{
    private const float TitleBandHeight = 44;

    internal Chart(IReadOnlyList<Plot> plots, int columns, string? title, int defaultWidth, int defaultHeight)
    {
        if (plots.Count == 0)
        {
            throw new ArgumentException("A chart needs at least one plot.", nameof(plots));
        }

        Plots = plots;
        Columns = Math.Clamp(columns, 1, plots.Count);
        Title = title;
        DefaultWidth = defaultWidth;
        DefaultHeight = defaultHeight;
    }

    internal Chart(Plot plot, int defaultWidth = ChartStyle.DefaultWidth, int defaultHeight = ChartStyle.DefaultHeight)
        : this([plot], 1, null, defaultWidth, defaultHeight)
    {
    }

    /// <summary>The plots, row by row.</summary>
    public IReadOnlyList<Plot> Plots { get; }

    /// <summary>The first (for single charts, the only) plot.</summary>
    public Plot Plot => Plots[0];

    /// <summary>Plots per row.</summary>
    public int Columns { get; }

    /// <summary>Number of rows of plots.</summary>
    public int Rows => (Plots.Count + Columns - 1) / Columns;

    /// <summary>Overall title drawn above a grid, or null.</summary>
    public string? Title { get; }

    /// <summary>Width in pixels used when none is given.</summary>
    public int DefaultWidth { get; }

    /// <summary>Height in pixels used when none is given.</summary>
    public int DefaultHeight { get; }

    /// <summary>
    /// Lays out the plots of several charts on one grid, <paramref name="columns"/> per row, e.g. one density
    /// histogram per initialisation scheme. The default size gives each cell 480×340 pixels.
    /// </summary>
    public static Chart Grid(IReadOnlyList<Chart> charts, int columns, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(charts);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var plots = charts.SelectMany(chart => chart.Plots).ToArray();
        if (plots.Length == 0)
        {
            throw new ArgumentException("Chart.Grid needs at least one chart.", nameof(charts));
        }

        int usedColumns = Math.Min(columns, plots.Length);
        int rows = (plots.Length + usedColumns - 1) / usedColumns;
        int titleBand = title is null ? 0 : (int)TitleBandHeight;
        return new Chart(plots, usedColumns, title, usedColumns * 480, rows * 340 + titleBand);
    }

    /// <summary>Encodes the chart as PNG (defaults to <see cref="DefaultWidth"/>×<see cref="DefaultHeight"/>).</summary>
    public byte[] ToPngBytes(int? width = null, int? height = null)
    {
        (int w, int h) = Size(width, height);
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {w}×{h} raster surface.");
        Draw(surface.Canvas, w, h);
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders the chart as an SVG document.</summary>
    public string ToSvg(int? width = null, int? height = null)
    {
        (int w, int h) = Size(width, height);
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        {
            using SKCanvas canvas = SKSvgCanvas.Create(SKRect.Create(w, h), managed);
            Draw(canvas, w, h);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the chart as a PNG file, creating the folder if needed.</summary>
    public void SavePng(string path, int? width = null, int? height = null)
    {
        CreateFolderFor(path);
        File.WriteAllBytes(path, ToPngBytes(width, height));
    }

    /// <summary>Writes the chart as an SVG file, creating the folder if needed.</summary>
    public void SaveSvg(string path, int? width = null, int? height = null)
    {
        CreateFolderFor(path);
        File.WriteAllText(path, ToSvg(width, height));
    }

    private (int Width, int Height) Size(int? width, int? height)
    {
        int w = width ?? DefaultWidth;
        int h = height ?? DefaultHeight;
        if (w < 16 || h < 16 || w > 20_000 || h > 20_000)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Chart size {w}×{h} must be within 16…20000 pixels per side.");
        }

        return (w, h);
    }

    private void Draw(SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.White);
        float top = 0;
        if (Title is not null)
        {
            DrawTitle(canvas, width);
            top = TitleBandHeight;
        }

        float cellWidth = (float)width / Columns;
        float cellHeight = (height - top) / Rows;
        for (int i = 0; i < Plots.Count; i++)
        {
            int row = i / Columns;
            int column = i % Columns;
            float left = column * cellWidth;
            float cellTop = top + row * cellHeight;
            var rect = new PixelRect(left, left + cellWidth, cellTop + cellHeight, cellTop);
            // Plot.Render clips to its own rectangle; save/restore keeps one cell's state out of the next.
            int saved = canvas.Save();
            canvas.ClipRect(rect.ToSKRect());
            Plots[i].Render(canvas, rect);
            canvas.RestoreToCount(saved);
        }
    }

    private void DrawTitle(SKCanvas canvas, int width)
    {
        SKTypeface typeface = Fonts.GetTypeface(ChartStyle.FontName, bold: true, italic: false);
        using var font = new SKFont(typeface, 22);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(Title, width / 2f, TitleBandHeight * 0.7f, SKTextAlign.Center, font, paint);
    }

    private static void CreateFolderFor(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
