namespace Backprop.Data.Datasets;

/// <summary>The Wisconsin diagnostic breast cancer data (569 × 30; 212 malignant = 0, 357 benign = 1), as
/// scikit-learn's <c>load_breast_cancer()</c>.</summary>
public static class BreastCancer
{
    private static readonly string[] s_measures =
        ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave points", "symmetry", "fractal dimension"];

    /// <summary>Data (569, 30) float64 and target 0 (malignant) or 1 (benign) in file order.</summary>
    public static TabularDataset Load() => EmbeddedData.ReadSklearnCsv(
        "breast_cancer.csv",
        [.. s_measures.Select(m => "mean " + m), .. s_measures.Select(m => m + " error"), .. s_measures.Select(m => "worst " + m)]);
}
