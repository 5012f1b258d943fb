namespace Backprop.Data.Datasets;

/// <summary>The UCI wine recognition data (178 × 13, three cultivars of 59, 71, 48), as scikit-learn's
/// <c>load_wine()</c>.</summary>
public static class Wine
{
    /// <summary>Data (178, 13) float64 and target 0, 1, 2 in file order.</summary>
    public static TabularDataset Load() => EmbeddedData.ReadSklearnCsv(
        "wine_data.csv",
        ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids", "nonflavanoid_phenols",
         "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"]);
}
