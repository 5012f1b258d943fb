using Backprop.Data;
using Backprop.Data.Datasets;

namespace Backprop.Labs.LogisticRegression;

/// <summary>One data set of the logistic-regression lab, split and scaled: scikit-learn's
/// <c>train_test_split(test_size=0.25, random_state=42)</c> on the rows, then Digits' pixels divided by 16 (to
/// [0, 1]) or Iris standardised with the training rows' mean and standard deviation. The peers script
/// <c>bench/peers/logistic_regression_reference.py</c> prepares the same arrays for scikit-learn.</summary>
internal sealed record ClassificationData(
    string Name, Tensor<double> XTrain, int[] YTrain, Tensor<double> XTest, int[] YTest, int Classes, int[] TestRows, string Preparation)
{
    public const double TestSize = 0.25;
    public const int RandomState = 42;

    public int Features => XTrain.Shape[1];

    public static ClassificationData Digits()
    {
        var data = Backprop.Data.Datasets.Digits.Load();
        var (train, test) = TrainTestSplit.Indices(data.Target.Shape[0], TestSize, RandomState);
        var x = Ops.Multiply(data.Data, 1.0 / 16);
        return new ClassificationData("digits", TrainTestSplit.Take(x, train), Labels(data, train), TrainTestSplit.Take(x, test), Labels(data, test), 10, test,
            "scikit-learn's load_digits (1,797 images of 8×8 pixels, values 0–16), pixels divided by 16");
    }

    public static ClassificationData Iris()
    {
        var data = Backprop.Data.Datasets.Iris.Load();
        var (train, test) = TrainTestSplit.Indices(data.Target.Shape[0], TestSize, RandomState);
        var xTrain = TrainTestSplit.Take(data.Data, train);
        var scaler = new StandardScaler().Fit(xTrain);
        return new ClassificationData("iris", scaler.Transform(xTrain), Labels(data, train), scaler.Transform(TrainTestSplit.Take(data.Data, test)), Labels(data, test), 3, test,
            "scikit-learn's load_iris (150 flowers, 4 measurements, 3 species), standardised with the training rows' mean and standard deviation");
    }

    /// <summary>One-hot targets (n, C) for the cross-entropy.</summary>
    public Tensor<double> OneHotTrain() => OneHot.ToCategorical<double, double>(Tensor.From(YTrain.Select(v => (double)v).ToArray(), YTrain.Length), Classes);

    private static int[] Labels(TabularDataset data, int[] rows) => rows.Select(r => (int)data.Target[r]).ToArray();
}
