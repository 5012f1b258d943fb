using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Labs.Eckerle4Regression;

/// <summary>One training run, its errors on the course's scale ([0, 1] over all 35 rows) and its predictions.</summary>
/// <param name="TrainMse">The last epoch's training loss (Keras's <c>history['loss'][-1]</c>: the mean of the epoch's
/// batch losses, with dropout active), the course's training error.</param>
/// <param name="TestMse">Evaluate on the 14 test rows (the course's <c>model.evaluate(X_test, y_test)[0]</c>).</param>
/// <param name="SpreadRatio">std of the predictions over all 35 inputs ÷ std of the 35 targets: near 0 when the
/// network predicts nearly the same value for every input.</param>
/// <param name="Loss">Training loss per epoch (course scale).</param>
/// <param name="GridPredictions">Predictions on <see cref="Eckerle4Training.Grid"/>, in transmittance units.</param>
internal sealed record Eckerle4Run(double TrainMse, double TestMse, double SpreadRatio, double[] Loss, double[] GridPredictions)
{
    /// <summary>The course's "did not work", as a rule: the predictions over the 35 inputs spread less than a tenth
    /// as much as the targets (fixed before the lab first ran).</summary>
    public const double CollapseRatio = 0.1;

    public bool Collapsed => !(SpreadRatio >= CollapseRatio);
}

internal static class Eckerle4Training
{
    public const int BatchSize = 2;
    public const int FullEpochs = 256;
    public const int QuickEpochs = 64;

    /// <summary>200 wavelengths over NIST's range (400–500 nm), for the fit plots.</summary>
    public static double[] Grid { get; } = Enumerable.Range(0, 201).Select(i => 400 + (i * 0.5)).ToArray();

    /// <summary>1 → Dense(h, relu)… → Dense(1), Keras's glorot_uniform seeded per layer, with Dropout(rate) after the
    /// first hidden layer when asked.</summary>
    public static Sequential Build(int[] hidden, double dropout, Optimizer optimizer, int seed)
    {
        var model = new Sequential(new Input([1]));
        for (int i = 0; i < hidden.Length; i++)
        {
            model.Add(new Dense(hidden[i], activation: "relu", kernelInitializer: new GlorotUniform(unchecked((seed * 8) + i))));
            if (i == 0 && dropout > 0)
            {
                model.Add(new Dropout(dropout, seed: unchecked((ulong)((seed * 8) + 7))));
            }
        }

        model.Add(new Dense(1, kernelInitializer: new GlorotUniform(unchecked((seed * 8) + hidden.Length))));
        model.Compile(optimizer, "mse");
        return model;
    }

    public static Eckerle4Run Train(Eckerle4Data data, int[] hidden, double dropout, Optimizer optimizer, int seed, int epochs, int batchSize = BatchSize, Callback? progress = null)
    {
        var model = Build(hidden, dropout, optimizer, seed);
        var history = model.Fit(data.XTrain, data.YTrain, epochs: epochs, batchSize: batchSize, verbose: 0, seed: unchecked((ulong)seed),
            callbacks: progress is null ? null : [progress]);
        // Errors on the course's scale: a variant scaled on the training rows has a different y range.
        double factor = Math.Pow(data.AllScaler.Scale![0] / data.YScaler.Scale![0], 2);
        double test = model.Evaluate(data.XTest, data.YTest)["loss"] * factor;
        var loss = history["loss"].Select(v => v * factor).ToArray();
        double[] all = data.UnscaleY(model.Predict(data.XAll, batchSize: 64));
        double ratio = Std(all) / Std(data.RawY);
        return new Eckerle4Run(loss[^1], test, ratio, loss, data.UnscaleY(model.Predict(data.ScaleX(Grid), batchSize: 256)));
    }

    private static double Std(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }
}
