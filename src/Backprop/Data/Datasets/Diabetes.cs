namespace Backprop.Data.Datasets;

/// <summary>The diabetes regression data of Efron et al. (442 patients × 10 baseline variables; target a measure
/// of disease progression one year later), as scikit-learn's <c>load_diabetes()</c>.</summary>
public static class Diabetes
{
    /// <summary>Data (442, 10) and target (442,), float64. With <paramref name="scaled"/> (sklearn's default) each
    /// column is centred and divided by its standard deviation times √n_samples (so every column has sum of squares
    /// 1); without it the raw values (age in years, sex 1/2, …) as in sklearn's <c>scaled=False</c>.</summary>
    public static TabularDataset Load(bool scaled = true)
    {
        var options = new Formats.CsvOptions { HasHeader = false, Separator = ' ' };
        var data = EmbeddedData.ReadCsv("diabetes_data_raw.csv.gz", options).Values;
        var target = EmbeddedData.ReadCsv("diabetes_target.csv.gz", options).Values.Reshape(-1).Clone();
        if (scaled)
        {
            Scale(data);
        }

        return new TabularDataset(data, target, ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"], []);
    }

    private static void Scale(Tensor<double> data)
    {
        int rows = data.Shape[0];
        int columns = data.Shape[1];
        for (int c = 0; c < columns; c++)
        {
            double mean = 0;
            for (int r = 0; r < rows; r++)
            {
                mean += data[r, c];
            }

            mean /= rows;
            double squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = data[r, c] - mean;
                squares += d * d;
            }

            double std = Math.Sqrt(squares / rows);
            double root = Math.Sqrt(rows);
            for (int r = 0; r < rows; r++)
            {
                data[r, c] = (data[r, c] - mean) / std / root;
            }
        }
    }
}
