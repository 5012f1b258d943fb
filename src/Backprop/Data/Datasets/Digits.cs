namespace Backprop.Data.Datasets;

/// <summary>scikit-learn's optical handwritten digits (1,797 images of 8×8 pixels with values 0–16, about 180
/// per class), as <c>load_digits()</c>.</summary>
public static class Digits
{
    /// <summary>Data (1797, 64) float64 (pixels row by row) and target 0–9 in file order; reshape the data to
    /// (1797, 8, 8) for sklearn's <c>images</c>.</summary>
    public static TabularDataset Load()
    {
        var table = EmbeddedData.ReadCsv("digits.csv.gz", new Formats.CsvOptions { HasHeader = false });
        string[] names = [.. Enumerable.Range(0, 64).Select(i => $"pixel_{i / 8}_{i % 8}")];
        return EmbeddedData.SplitTarget(table.Values, names, [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], "embedded:digits.csv.gz");
    }
}
