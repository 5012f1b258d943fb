using SkiaSharp;

namespace Backprop.Plots.Tests;

public sealed class ChartTests
{
    public static TheoryData<string> ChartNames() =>
        new(SampleCharts.Names);

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void EveryChart_RendersPngOfRequestedSize(string name)
    {
        Chart chart = SampleCharts.Create(name);

        byte[] png = chart.ToPngBytes(640, 400);

        Assert.True(PngInfo.HasSignature(png));
        Assert.Equal((640, 400), PngInfo.Size(png));
        Assert.True(png.Length > 5_000, $"{name} PNG is only {png.Length} bytes");
        Assert.True(CountDarkPixels(png, 0, 400) > 2_000, $"{name} drew almost nothing");
    }

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void EveryChart_RendersSvg(string name)
    {
        string svg = SampleCharts.Create(name).ToSvg();

        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("</svg>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleChart_DefaultsTo800By500_AndSavesFiles()
    {
        Chart chart = SampleCharts.Create("learning-curves");
        string folder = Directory.CreateTempSubdirectory("plots-test").FullName;
        try
        {
            string png = Path.Combine(folder, "nested", "curves.png");
            string svg = Path.Combine(folder, "nested", "curves.svg");

            chart.SavePng(png);
            chart.SaveSvg(svg);

            Assert.Equal((800, 500), PngInfo.Size(File.ReadAllBytes(png)));
            Assert.StartsWith("<?xml", File.ReadAllText(svg), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Text_IsRendered_TitleGlyphsAppearInTheTopBand()
    {
        // Without a usable font the title would be blank; with one, its glyphs darken the top band.
        var history = SampleCharts.History();
        byte[] withTitle = Charts.LearningCurves(history, "loss", "A title with glyphs WWWW").ToPngBytes();
        Chart untitled = Charts.LearningCurves(history, "loss", "x");
        untitled.Plot.Title(show: false);
        byte[] withoutTitle = untitled.ToPngBytes();

        int titled = CountDarkPixels(withTitle, 0, 40);
        int plain = CountDarkPixels(withoutTitle, 0, 40);

        Assert.True(titled > 300, $"title band has only {titled} dark pixels");
        Assert.True(titled > plain + 300, $"title band: {titled} dark pixels with a title, {plain} without");
    }

    [Fact]
    public void FontName_IsDejaVuSansWhenDebianFontIsInstalled()
    {
        if (File.Exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
        {
            Assert.Equal("DejaVu Sans", ChartStyle.FontName);
        }
    }

    [Fact]
    public void Grid_LaysOutCellsAndAddsTitleBand()
    {
        Chart grid = SampleCharts.Create("density-grid");

        Assert.Equal(4, grid.Plots.Count);
        Assert.Equal(2, grid.Columns);
        Assert.Equal(2, grid.Rows);
        Assert.Equal(960, grid.DefaultWidth);
        Assert.Equal(2 * 340 + 44, grid.DefaultHeight);
        Assert.Equal((960, 724), PngInfo.Size(grid.ToPngBytes()));
    }

    [Fact]
    public void LearningCurves_MissingMetric_NamesAvailableOnes()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Charts.LearningCurves(SampleCharts.History(), "mae"));

        Assert.Contains("mae", error.Message, StringComparison.Ordinal);
        Assert.Contains("val_loss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearningCurves_SurviveNaNAndLogScaleOfNonPositiveValues()
    {
        var history = new Dictionary<string, IReadOnlyList<double>>
        {
            ["loss"] = [1.0, 0.5, double.NaN, 0.0, 0.1],
            ["val_loss"] = [double.PositiveInfinity, double.NaN, double.NaN, double.NaN, double.NaN],
        };

        byte[] png = Charts.LearningCurves(history, logY: true, markBestEpoch: true).ToPngBytes();

        Assert.Equal((800, 500), PngInfo.Size(png));
    }

    [Theory]
    [InlineData(new[] { 3.0, 1.0, 2.0, 1.0 }, false, 2)]
    [InlineData(new[] { 0.5, 0.9, 0.95, 0.95 }, true, 3)]
    [InlineData(new[] { double.NaN, 2.0, double.NegativeInfinity, 1.5 }, false, 4)]
    [InlineData(new[] { double.NaN }, false, 0)]
    public void BestEpoch_IsOneBasedFirstBestFiniteValue(double[] values, bool higherIsBetter, int expected)
    {
        Assert.Equal(expected, Charts.BestEpoch(values, higherIsBetter));
    }

    [Theory]
    [InlineData("loss", false)]
    [InlineData("val_mae", false)]
    [InlineData("accuracy", true)]
    [InlineData("val_sparse_categorical_accuracy", true)]
    [InlineData("auc", true)]
    public void MetricDirection_IsInferredFromTheName(string metric, bool higher)
    {
        Assert.Equal(higher, Charts.IsHigherBetter(metric));
    }

    [Fact]
    public void WeightImageGrid_ValidatesShapes()
    {
        float[] weights = new float[12 * 5];

        Assert.Throws<ArgumentException>(() => Charts.WeightImageGrid(weights, 12, 4, 1, 1, 3, 4));
        Assert.Throws<ArgumentException>(() => Charts.WeightImageGrid(weights, 12, 5, 1, 1, 3, 3));
        Assert.Throws<ArgumentException>(() => Charts.WeightImageGrid(weights, 12, 5, 2, 3, 3, 4));
        Assert.Throws<ArgumentException>(() => Charts.WeightImageGrid(Tensor.Zeros<float>(12), 1, 1, 3, 4));
    }

    [Fact]
    public void WeightImageGrid_DrawsTileColumnsWithDivergingColours()
    {
        // 2 tiles of 1×2 pixels: unit 0 has weights (−1, +1), unit 1 has (0, 0).
        float[] weights = [-1, 0, 1, 0];
        byte[] png = Charts.WeightImageGrid(weights, 2, 2, 1, 2, 1, 2).ToPngBytes(400, 300);

        using SKBitmap bitmap = SKBitmap.Decode(png);
        bool hasBlue = false, hasRed = false;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                hasBlue |= c.Blue > 80 && c.Red < 40;
                hasRed |= c.Red > 80 && c.Blue < 60 && c.Green < 40;
            }
        }

        Assert.True(hasBlue && hasRed, "expected both negative (blue) and positive (red) cells");
    }

    [Fact]
    public void DecisionBoundary_PredictsOnceOnGridInsideRange()
    {
        double[,] seen = new double[0, 2];
        int calls = 0;
        int[] Predict(double[,] grid)
        {
            calls++;
            seen = grid;
            var classes = new int[grid.GetLength(0)];
            for (int i = 0; i < classes.Length; i++)
            {
                classes[i] = grid[i, 0] > 0 ? 1 : 0;
            }

            return classes;
        }

        double[,] points = { { -1, 0 }, { 1, 0 } };
        Charts.DecisionBoundary(Predict, points, [0, 1], new PlotRange(-2, 2, -1, 3), resolution: 17).ToPngBytes();

        Assert.Equal(1, calls);
        Assert.Equal(17 * 17, seen.GetLength(0));
        for (int i = 0; i < seen.GetLength(0); i++)
        {
            Assert.InRange(seen[i, 0], -2, 2);
            Assert.InRange(seen[i, 1], -1, 3);
        }
    }

    [Fact]
    public void DecisionBoundary_RejectsWrongShapesAndPredictions()
    {
        double[,] points = { { 0, 0 }, { 1, 1 } };
        Assert.Throws<ArgumentException>(() => Charts.DecisionBoundary(g => new int[g.GetLength(0)], points, [0]));
        Assert.Throws<ArgumentException>(() => Charts.DecisionBoundary(g => new int[3], points, [0, 1]));
        Assert.Throws<ArgumentException>(() => Charts.DecisionBoundary(g => new int[g.GetLength(0)], new double[2, 3], [0, 1]));
    }

    [Fact]
    public void BarChart_RejectsMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => Charts.BarChart(["a", "b"], [1.0]));
        Assert.Throws<ArgumentException>(() => Charts.BarChart(["a"], [1.0], [0.1, 0.2]));
    }

    [Fact]
    public void FunctionFit_RejectsMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => Charts.FunctionFit([1.0, 2.0], [1.0], "t"));
        Assert.Throws<ArgumentException>(() => Charts.FunctionFit([1.0], [1.0], "t", new FitLine("m", [1.0, 2.0], [1.0])));
    }

    [Fact]
    public void PngInfo_RejectsNonPng()
    {
        Assert.Throws<FormatException>(() => PngInfo.Size("GIF89a-not-a-png-at-all----"u8));
    }

    internal static int CountDarkPixels(byte[] png, int top, int bottom)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        int dark = 0;
        for (int y = top; y < Math.Min(bottom, bitmap.Height); y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 600)
                {
                    dark++;
                }
            }
        }

        return dark;
    }
}
