using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.PerceptronHinge;

/// <summary>The same training through the library: <c>Dense(1, useBias: false)</c> from zero weights, the
/// <see cref="Perceptron"/> or <see cref="Hinge"/> loss, <c>SGD(0.1)</c>, batches of one sample, no shuffling. With a
/// batch of one, SGD steps w −= η·x·∂L/∂ŷ = η·y·x exactly when the loss's sub-gradient is −y, i.e. when
/// y·ŷ ≤ 0 (perceptron) or y·ŷ &lt; 1 (hinge), which is the course's rule (the hinge differs only at a margin of
/// exactly 1, where the course steps and the hinge's sub-gradient 0 does not).</summary>
internal static class LibraryPath
{
    public static double[] Train(double[,] x, double[] y, Loss loss, double learningRate, int epochs)
    {
        var model = new Sequential(DType.Float64, new Dense(1, useBias: false, kernelInitializer: new Zeros(), inputShape: [2]));
        model.Compile(new SGD(learningRate), loss);
        model.Fit(Tensor.From(x), Tensor.From(y, y.Length, 1), epochs: epochs, batchSize: 1, shuffle: false, verbose: 0);
        return ((Dense)model.Layers[0]).Kernel.ValueAs<double>().ToArray();
    }
}
