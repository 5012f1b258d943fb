using System.Reflection;
using Backprop.Data.Formats;

namespace Backprop.Data.Datasets;

/// <summary>The small data sets shipped inside the Backprop assembly (Data/Resources).</summary>
internal static class EmbeddedData
{
    public static Stream Open(string fileName)
    {
        string resource = "Backprop.Data.Resources." + fileName;
        return Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new FileNotFoundException($"The embedded data file '{fileName}' is missing from the Backprop assembly.", resource);
    }

    public static CsvTable ReadCsv(string fileName, CsvOptions options)
    {
        using var stream = Open(fileName);
        return CsvFile.Read(stream, "embedded:" + fileName, options);
    }

    public static DataArray ReadIdx(string fileName)
    {
        using var stream = Open(fileName);
        return IdxFile.Read(stream, "embedded:" + fileName);
    }

    /// <summary>scikit-learn's bundled CSV layout: a first line "n_samples,n_features,class names…", then rows of
    /// features with the target last (sklearn's <c>load_csv_data</c>).</summary>
    public static TabularDataset ReadSklearnCsv(string fileName, IReadOnlyList<string> featureNames)
    {
        string[] first;
        using (var reader = new StreamReader(Open(fileName)))
        {
            first = (reader.ReadLine() ?? string.Empty).Split(',');
        }

        string[] classNames = first.Skip(2).ToArray();
        var table = ReadCsv(fileName, new CsvOptions { HasHeader = false, SkipLines = 1 });
        return SplitTarget(table.Values, featureNames, classNames, "embedded:" + fileName);
    }

    /// <summary>Features are every column but the last, the target is the last. The table must have a row and one
    /// column per feature plus the target, and with class names every target is a class index.</summary>
    public static TabularDataset SplitTarget(Tensor<double> table, IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames, string file)
    {
        int rows = table.Shape[0];
        int features = table.Shape[1] - 1;
        if (rows == 0 || features != featureNames.Count)
        {
            throw DataFormatException.AtCell(file, 1, null, $"at least one row of {featureNames.Count} features and a target", $"a table of shape {table.Shape}");
        }

        for (int r = 0; r < rows && classNames.Count > 0; r++)
        {
            double t = table[r, features];
            if (t != Math.Floor(t) || t < 0 || t >= classNames.Count)
            {
                throw DataFormatException.AtCell(file, r + 1, features + 1, $"a class index from 0 to {classNames.Count - 1}", t.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var data = new Tensor<double>(rows, features);
        var target = new Tensor<double>(rows);
        for (int r = 0; r < rows; r++)
        {
            table.RowSpan(r)[..features].CopyTo(data.RowSpan(r));
            target[r] = table[r, features];
        }

        return new TabularDataset(data, target, featureNames, classNames);
    }
}
