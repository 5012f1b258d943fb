using Backprop.Data;
using BostonHousingDataset = Backprop.Data.Datasets.BostonHousing;

namespace Backprop.Labs.BostonHousing;

/// <summary>The data of the boston-housing lab, prepared as the exercise prescribes: Keras's split (404 training and
/// 102 test rows), the 404 split 75/25 into training and validation rows by scikit-learn's
/// <c>train_test_split(random_state=42)</c>, and a <see cref="StandardScaler"/> fitted on the training rows only.
/// Features and targets are float32, as a Keras model sees them; the scaler works in float64 first.</summary>
internal sealed class BostonHousingData
{
    /// <summary>The validation share of Keras's 404 training rows.</summary>
    public const double ValidationFraction = 0.25;

    /// <summary>The <c>random_state</c> of the training/validation split; fixed by the exercise, not the run's seed.</summary>
    public const int SplitRandomState = 42;

    private BostonHousingData(
        int[] trainRows, int[] validationRows, StandardScaler scaler,
        Tensor<float> xTrainRaw, Tensor<float> xValidationRaw, Tensor<float> xTestRaw,
        Tensor<float> xTrain, Tensor<float> xValidation, Tensor<float> xTest,
        Tensor<float> yTrain, Tensor<float> yValidation, Tensor<float> yTest)
    {
        TrainRows = trainRows;
        ValidationRows = validationRows;
        Scaler = scaler;
        XTrainRaw = xTrainRaw;
        XValidationRaw = xValidationRaw;
        XTestRaw = xTestRaw;
        XTrain = xTrain;
        XValidation = xValidation;
        XTest = xTest;
        YTrain = yTrain;
        YValidation = yValidation;
        YTest = yTest;
    }

    /// <summary>Indices into Keras's 404 training rows that form the training part (303), in scikit-learn's order.</summary>
    public int[] TrainRows { get; }

    /// <summary>Indices into Keras's 404 training rows that form the validation part (101).</summary>
    public int[] ValidationRows { get; }

    /// <summary>The scaler fitted on the 303 training rows.</summary>
    public StandardScaler Scaler { get; }

    public Tensor<float> XTrainRaw { get; }

    public Tensor<float> XValidationRaw { get; }

    public Tensor<float> XTestRaw { get; }

    /// <summary>Standardised training features (training statistics).</summary>
    public Tensor<float> XTrain { get; }

    /// <summary>Standardised validation features (training statistics).</summary>
    public Tensor<float> XValidation { get; }

    /// <summary>Standardised test features (training statistics).</summary>
    public Tensor<float> XTest { get; }

    /// <summary>Median home value in $1000s, shape (303,).</summary>
    public Tensor<float> YTrain { get; }

    public Tensor<float> YValidation { get; }

    public Tensor<float> YTest { get; }

    public static BostonHousingData Load()
    {
        // keras.datasets.boston_housing.load_data(): 404 training and 102 test rows.
        var (xKeras, yKeras, xTestKeras, yTestKeras) = BostonHousingDataset.Load();

        // train_test_split(x, y, test_size=0.25, random_state=42) on the 404 rows.
        var (trainRows, validationRows) = TrainTestSplit.Indices(xKeras.Shape[0], ValidationFraction, SplitRandomState);
        var xTrain = TrainTestSplit.Take(xKeras, trainRows);
        var xValidation = TrainTestSplit.Take(xKeras, validationRows);

        // Statistics from the training rows only, so nothing about the validation or test rows leaks into training.
        var scaler = new StandardScaler().Fit(xTrain);

        return new BostonHousingData(
            trainRows, validationRows, scaler,
            ToFloat(xTrain), ToFloat(xValidation), ToFloat(xTestKeras),
            ToFloat(scaler.Transform(xTrain)), ToFloat(scaler.Transform(xValidation)), ToFloat(scaler.Transform(xTestKeras)),
            ToFloat(TrainTestSplit.Take(yKeras, trainRows)), ToFloat(TrainTestSplit.Take(yKeras, validationRows)), ToFloat(yTestKeras));
    }

    private static Tensor<float> ToFloat(Tensor<double> values) => Tensor.Cast<double, float>(values);
}
