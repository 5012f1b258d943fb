namespace Backprop.Data.Datasets;

/// <summary>NIST StRD nonlinear regression set Eckerle4 (35 observations of transmittance y against wavelength x;
/// certified model y = (b1/b2)·exp(−½((x − b3)/b2)²)), shipped inside the assembly.</summary>
public static class Eckerle4
{
    /// <summary>x and y as rank-1 float64 tensors of 35 values, in the order NIST lists them.</summary>
    public static (Tensor<double> X, Tensor<double> Y) Load()
    {
        var table = EmbeddedData.ReadCsv("eckerle4.csv", new Formats.CsvOptions { ColumnNames = ["x", "y"] });
        return (table.Column(0), table.Column(1));
    }
}
