using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Bench.Workloads;

/// <summary>One training epoch of the eggholder-capacity lab's networks, in seconds (lower is better), side by side
/// with bench/peers/workloads_eggholder.py (PyTorch): 80,000 rows of (x₁, x₂) ~ U(−512, 512) with the noisy
/// Eggholder target, batches of 1,000 reshuffled, MSE, SGD with momentum 0.9 (dampening 0), nn.Linear's
/// initialisation. "train eggholder [128,256,128] epoch": Linear → BatchNorm1d → ReLU three times, then Linear(1),
/// lr 1e-4; "train eggholder [512] epoch": Linear(2, 512) → ReLU → Linear(1), no batch normalisation, lr 1e-7.
/// Best of three epochs after a warm-up epoch (the quick run: 8,000 rows, scaled to 80,000). "… epoch cpu": the
/// [128,256,128] epoch in processor seconds of the whole process (all threads) instead of wall seconds.</summary>
public sealed class EggholderWorkloads : IWorkloadGroup
{
    public IEnumerable<Workload> Workloads(bool quick)
    {
        int rows = quick ? 8_000 : 80_000;
        yield return new Workload("train eggholder [128,256,128] epoch", _ => Epoch([128, 256, 128], batchNorm: true, 1e-4, rows, cpu: false));
        yield return new Workload("train eggholder [512] epoch", _ => Epoch([512], batchNorm: false, 1e-7, rows, cpu: false));
        yield return new Workload("train eggholder [128,256,128] epoch cpu", _ => Epoch([128, 256, 128], batchNorm: true, 1e-4, rows, cpu: true));
    }

    private static Measurement Epoch(int[] hidden, bool batchNorm, double learningRate, int rows, bool cpu)
    {
        var (x, y) = Data(rows);
        var model = new Sequential(new Input([2]));
        foreach (int h in hidden)
        {
            if (batchNorm)
            {
                model.Add(Linear(h));
                model.Add(new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true));
                model.Add(new Activation("relu"));
            }
            else
            {
                model.Add(Linear(h, "relu"));
            }
        }

        model.Add(Linear(1));
        model.Compile(new SGD(learningRate, momentum: 0.9), "mse");
        model.Fit(x, y, epochs: 1, batchSize: 1000, verbose: 0, seed: 1);
        double best = double.MaxValue;
        for (int repetition = 0; repetition < 3; repetition++)
        {
            // Wall clock, or the process's processor time (all threads), which other jobs on a shared machine disturb less.
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var processor = process.TotalProcessorTime;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Fit(x, y, epochs: 1, batchSize: 1000, verbose: 0, seed: (ulong)(2 + repetition));
            process.Refresh();
            double seconds = cpu ? (process.TotalProcessorTime - processor).TotalSeconds : System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            best = Math.Min(best, seconds);
        }

        return new Measurement(best * 80_000 / rows, "s", false);
    }

    private static Dense Linear(int units, string activation = "linear") =>
        new(units, activation: activation, kernelInitializer: new FanInUniform(), biasInitializer: new FanInUniform());

    private static (Tensor<float> X, Tensor<float> Y) Data(int rows)
    {
        var random = new System.Random(7);
        var x = new float[rows * 2];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            double x1 = (random.NextDouble() * 1024) - 512, x2 = (random.NextDouble() * 1024) - 512;
            x[2 * i] = (float)x1;
            x[(2 * i) + 1] = (float)x2;
            y[i] = (float)((-(x2 + 47) * Math.Sin(Math.Sqrt(Math.Abs(x2 + (x1 / 2) + 47)))) - (x1 * Math.Sin(Math.Sqrt(Math.Abs(x1 - (x2 + 47))))));
        }

        return (Tensor.From(x, rows, 2), Tensor.From(y, rows, 1));
    }
}
