using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Training;

namespace Backprop.Bench.Workloads;

/// <summary>The initialise-and-forward step of the activation-statistics lab on its 1024→8192→8192→8192→4096→4096
/// tanh network (193M float32 weights, 772 MB): "acts init 193M" draws every kernel from N(0, 1) in place with
/// <see cref="RandomNormal"/> (peers: <c>torch.nn.init.normal_</c>, NumPy <c>standard_normal(dtype=float32, out=)</c>),
/// "acts forward 1024-8192x3-4096x2" is one forward pass of one input vector (<c>model.Predict</c>; peers:
/// <c>tanh(x @ W + b)</c> under <c>torch.no_grad</c>, <c>np.tanh(x @ W)</c>), both in seconds. --quick divides
/// the hidden widths by 8.</summary>
public sealed class ActivationStatisticsWorkloads : IWorkloadGroup
{
    private static readonly int[] s_widths = [1024, 8192, 8192, 8192, 4096, 4096];
    private static readonly int[] s_quickWidths = [1024, 1024, 1024, 1024, 512, 512];
    private static Sequential? s_model;

    public IEnumerable<Workload> Workloads(bool quick)
    {
        int[] widths = quick ? s_quickWidths : s_widths;
        string suffix = quick ? "quick" : "193M";
        string shape = quick ? "1024-1024x3-512x2" : "1024-8192x3-4096x2";
        yield return new Workload($"acts init {suffix}", _ => Initialize(widths));
        yield return new Workload($"acts forward {shape}", _ => Forward(widths));
    }

    // One network for both workloads and every thread count: 772 MB is allocated once.
    private static Sequential Model(int[] widths)
    {
        if (s_model is null || s_model.InputShape!.Value[0] != widths[0] || s_model.CountParams() != CountParams(widths))
        {
            s_model = null;
            var model = new Sequential();
            for (int i = 1; i < widths.Length; i++)
            {
                model.Add(new Dense(widths[i], activation: "tanh", kernelInitializer: new RandomNormal(0, 1, seed: i), inputShape: i == 1 ? [widths[0]] : null));
            }

            model.Build(new Shape(widths[0]));
            s_model = model;
        }

        return s_model;
    }

    private static long CountParams(int[] widths) => Enumerable.Range(1, widths.Length - 1).Sum(i => (long)widths[i - 1] * widths[i] + widths[i]);

    private static Measurement Initialize(int[] widths)
    {
        var kernels = Model(widths).Layers.OfType<Dense>().Select(d => d.Kernel.ValueAs<float>()).ToArray();
        var normal = new RandomNormal(0, 1);
        double seconds = Timing.BestSecondsPerCall(() =>
        {
            foreach (var kernel in kernels)
            {
                normal.Initialize(kernel);
            }
        }, repetitions: 3, minSeconds: 0.3);
        return new Measurement(seconds, "s", false);
    }

    private static Measurement Forward(int[] widths)
    {
        var model = Model(widths);
        // Glorot weights keep the activations away from ±1, as in the lab's interesting case (tanh's cost does
        // not depend on it, but finite, non-saturated values keep the comparison honest).
        var glorot = new GlorotUniform(seed: 1);
        foreach (var dense in model.Layers.OfType<Dense>())
        {
            glorot.Initialize(dense.Kernel.ValueAs<float>());
        }

        var x = new Tensor<float>(1, widths[0]);
        new Backprop.Random.RandomGenerator(3).FillNormal(x.AsSpan(), 0f, MathF.Sqrt(0.5f));
        double seconds = Timing.BestSecondsPerCall(() => model.Predict(x, batchSize: 1), repetitions: 5, minSeconds: 0.3);
        return new Measurement(seconds, "s", false);
    }
}
