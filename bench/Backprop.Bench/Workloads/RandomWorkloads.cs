using Backprop.Random;

namespace Backprop.Bench.Workloads;

/// <summary>Filling 100M floats with normals ("randn 100M", torch.randn / NumPy standard_normal) and uniforms
/// ("rand 100M", torch.rand / NumPy random), in Gfloat/s.</summary>
public sealed class RandomWorkloads : IWorkloadGroup
{
    private static float[]? s_buffer;

    public IEnumerable<Workload> Workloads(bool quick)
    {
        int length = quick ? 10_000_000 : 100_000_000;
        string suffix = quick ? "10M" : "100M";
        yield return new Workload($"randn {suffix}", _ => Measure(length, (g, b) => g.FillNormal<float>(b)));
        yield return new Workload($"rand {suffix}", _ => Measure(length, (g, b) => g.FillUniform<float>(b)));
    }

    private static Measurement Measure(int length, Action<RandomGenerator, float[]> fill)
    {
        if (s_buffer is null || s_buffer.Length != length)
        {
            s_buffer = new float[length];
        }

        float[] buffer = s_buffer;
        var generator = new RandomGenerator(2024);
        double seconds = Timing.BestSecondsPerCall(() => fill(generator, buffer), repetitions: 3, minSeconds: 0.3);
        return new Measurement(length / seconds / 1e9, "Gfloat/s", true);
    }
}
