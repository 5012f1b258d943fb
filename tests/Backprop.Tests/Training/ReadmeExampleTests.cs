using Backprop.Data.Datasets;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training.Callbacks;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>The README's library example, verbatim but for the epoch count and verbosity: if this stops compiling or
/// learning, the README is wrong.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExampleCompilesAndLearns()
    {
        var (xTrain, yTrain, xTest, yTest) = BostonHousing.Load();
        var scaler = new StandardScaler();
        xTrain = scaler.FitTransform(xTrain);
        xTest = scaler.Transform(xTest);

        var model = new Sequential(DType.Float64,
            new Dense(32, activation: "swish", inputShape: [13]),
            new Dense(16, activation: "swish"),
            new Dense(1));
        model.Compile(optimizer: new SGD(learningRate: 1e-3, momentum: 0.9, nesterov: true), loss: "mse", metrics: ["mae"]);
        History history = model.Fit(xTrain, yTrain, epochs: 40, batchSize: 32, validationSplit: 0.25, verbose: 0, seed: 7,
                                    callbacks: [new EarlyStopping(monitor: "val_mae", patience: 30, restoreBestWeights: true)]);
        Assert.Contains("dense", model.Summary());
        double mae = model.Evaluate(xTest, yTest)["mae"];

        // Predicting the training mean gives a test MAE of about 6.5; 40 epochs of SGD must do clearly better.
        Assert.InRange(mae, 0.5, 5.0);
        Assert.Equal(history.Values["loss"].Count, history.Values["val_mae"].Count);
    }
}
