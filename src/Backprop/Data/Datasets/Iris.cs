namespace Backprop.Data.Datasets;

/// <summary>Fisher's iris flowers (150 × 4, three classes of 50), as scikit-learn's <c>load_iris()</c>.</summary>
public static class Iris
{
    /// <summary>Data (150, 4) float64 and target 0, 1, 2 in file order.</summary>
    public static TabularDataset Load() => EmbeddedData.ReadSklearnCsv(
        "iris.csv", ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]);
}
