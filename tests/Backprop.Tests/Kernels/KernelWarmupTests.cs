using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Tests.Kernels;

/// <summary>The background kernel warm-up (<see cref="KernelWarmup"/>) compiles kernels by running them on private
/// arrays: it must be able to run beside training without changing a single bit of it.</summary>
public class KernelWarmupTests
{
    /// <summary>A seeded Fit (shuffling, dropout, SGD with momentum, then Adam) trained while the warm-up runs over and
    /// over on another thread ends with exactly the weights of the same Fit trained alone.</summary>
    [Fact]
    public void Running_beside_a_fit_changes_no_weight()
    {
        var alone = Train(null);
        using var stop = new CancellationTokenSource();
        var beside = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                KernelWarmup.Warm();
            }
        });
        beside.Start();
        float[][] together;
        try
        {
            together = Train(beside);
        }
        finally
        {
            stop.Cancel();
            beside.Join();
        }

        Assert.Equal(alone.Length, together.Length);
        for (int i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i].Select(BitConverter.SingleToInt32Bits), together[i].Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>The warm-up's own calls are valid (no argument the kernels reject) on this machine's paths.</summary>
    [Fact]
    public void Warm_runs_every_kernel_without_error() => KernelWarmup.Warm();

    private static float[][] Train(Thread? beside)
    {
        var random = new System.Random(5);
        var x = Tensor.From(Enumerable.Range(0, 200 * 13).Select(_ => (float)random.NextDouble()).ToArray(), 200, 13);
        var y = Tensor.From(Enumerable.Range(0, 200).Select(_ => (float)random.NextDouble()).ToArray(), 200, 1);
        var model = new Sequential(
            new Dense(32, activation: "swish", inputShape: [13], name: beside is null ? "alone_1" : "beside_1"),
            new Dropout(0.2, seed: 7, name: beside is null ? "alone_2" : "beside_2"),
            new Dense(16, activation: "relu", name: beside is null ? "alone_3" : "beside_3"),
            new Dense(1, name: beside is null ? "alone_4" : "beside_4"));
        model.SetWeights(Weights(model, 11));
        model.Compile(new SGD(learningRate: 1e-2, momentum: 0.9, nesterov: true), "mse");
        model.Fit(x, y, epochs: 5, batchSize: 32, verbose: 0, seed: 3);
        model.Compile(new Adam(1e-3), "mse");
        model.Fit(x, y, epochs: 5, batchSize: 16, verbose: 0, seed: 4);
        return model.GetWeights().Select(w => ((Tensor<float>)w).AsSpan().ToArray()).ToArray();
    }

    /// <summary>Starting weights from a local generator, the same for both runs.</summary>
    private static Tensor[] Weights(Sequential model, int seed)
    {
        var random = new System.Random(seed);
        return model.GetWeights()
            .Select(w => (Tensor)Tensor.From(Enumerable.Range(0, w.Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), w.Shape.ToArray()))
            .ToArray();
    }
}
