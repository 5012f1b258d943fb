namespace Backprop.Data.Datasets;

/// <summary>The Boston housing prices (506 rows, 13 features, median value in $1000s), shipped inside the
/// assembly. Note: the data set has a documented ethical problem (feature "B"); it is kept for reproducing course
/// material and Keras examples.</summary>
public static class BostonHousing
{
    /// <summary>The 13 feature names.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"];

    /// <summary>Exactly <c>keras.datasets.boston_housing.load_data(test_split, seed)</c>: the rows shuffled by
    /// <c>np.random.RandomState(seed).shuffle</c>, the first ⌊506·(1 − test_split)⌋ for training (404 by default,
    /// first targets 15.2, 42.3, 50.0, 21.1, 17.7) and the rest for testing. x is (n, 13) and y is (n,), float64.</summary>
    public static DataSplit<double, double> Load(double testSplit = 0.2, int seed = 113)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(testSplit, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testSplit, 1.0);
        var all = LoadAll();
        int n = all.Data.Shape[0];
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        new NumPyRandomState(seed).Shuffle<int>(order);
        int nTrain = (int)(n * (1 - testSplit));
        var x = TrainTestSplit.Take(all.Data, order);
        var y = TrainTestSplit.Take(all.Target, order);
        return new DataSplit<double, double>(
            x.SliceRows(0, nTrain).Clone(), y.SliceRows(0, nTrain).Clone(), x.SliceRows(nTrain, n - nTrain).Clone(), y.SliceRows(nTrain, n - nTrain).Clone());
    }

    /// <summary>All 506 rows in file order (scikit-learn's former <c>load_boston</c>); target MEDV.</summary>
    public static TabularDataset LoadAll()
    {
        var table = EmbeddedData.ReadCsv("boston_house_prices.csv", new Formats.CsvOptions { SkipLines = 1 });
        return EmbeddedData.SplitTarget(table.Values, FeatureNames, [], "embedded:boston_house_prices.csv");
    }
}
