using System.Numerics;
using Backprop;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Metrics;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Examples;

/// <summary>A train step of one's own (Keras: overriding <c>train_step</c>): clip each layer's gradient to an L2
/// norm of at most <c>maxNorm</c> before the update. Fit keeps its loop, callbacks, progress and History.</summary>
public sealed class LayerClippingTrainer(Optimizer optimizer, Loss loss, IReadOnlyList<Metric>? metrics = null, double maxNorm = 1.0)
    : Trainer(optimizer, loss, metrics)
{
    /// <summary>The largest per-layer gradient norm seen before clipping in the last step.</summary>
    public double LastLargestNorm { get; private set; }

    protected override double TrainStep<T>(Tensor<T> x, Tensor<T> y)
    {
        Tensor<T>? output = null;
        double loss = Optimizer.Step(() =>
        {
            double value = LossAndGradients(x, y, out output);   // zero, forward, loss, backward
            ClipEachLayer<T>();
            return value;
        }, TrainableParameters);
        UpdateMetrics(y, output!);
        return loss;
    }

    // g ← g · maxNorm / max(‖g‖, maxNorm), with ‖g‖ over all of one layer's trainable parameters
    private void ClipEachLayer<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        LastLargestNorm = 0;
        foreach (var layer in Model.Layers)
        {
            double sumOfSquares = 0;
            foreach (var p in layer.TrainableParameters)
            {
                foreach (T g in p.GradientAs<T>().AsSpan())
                {
                    sumOfSquares += double.CreateTruncating(g * g);
                }
            }

            double norm = Math.Sqrt(sumOfSquares);
            LastLargestNorm = Math.Max(LastLargestNorm, norm);
            T scale = T.CreateTruncating(maxNorm / Math.Max(norm, maxNorm));
            foreach (var p in layer.TrainableParameters)
            {
                foreach (ref T g in p.GradientAs<T>().AsSpan())
                {
                    g *= scale;
                }
            }
        }
    }
}

public static class CustomTrainStepExample
{
    public static (History History, LayerClippingTrainer Trainer) Run()
    {
        var iris = Iris.Load();
        var oneHot = OneHot.ToCategorical<double, double>(iris.Target, numClasses: 3);
        Backprop.Random.RandomSeed.Set(11);
        var model = new Sequential(DType.Float64, new Dense(16, activation: "relu", inputShape: [4]), new Dense(3, activation: "softmax"));
        var trainer = new LayerClippingTrainer(new SGD(learningRate: 0.5), "categorical_crossentropy", ["accuracy"], maxNorm: 0.5);
        model.Compile(trainer);
        var history = model.Fit(iris.Data, oneHot, epochs: 60, batchSize: 16, verbose: 0, seed: 5);
        Console.WriteLine($"accuracy {history["accuracy"][^1]:F3}, largest layer gradient norm in the last step {trainer.LastLargestNorm:F3}");
        return (history, trainer);
    }
}
