using System.Diagnostics;

namespace Backprop.Bench;

/// <summary>A measured figure: GFLOP/s, Gfloat/s, seconds….</summary>
public readonly record struct Measurement(double Value, string Unit, bool HigherIsBetter);

/// <summary>One benchmark; <see cref="Name"/> matches the peers script's workload name exactly.</summary>
public sealed record Workload(string Name, Func<int, Measurement> Run);

/// <summary>A family of workloads, one class per file in Workloads/; found by reflection.</summary>
public interface IWorkloadGroup
{
    IEnumerable<Workload> Workloads(bool quick);
}

/// <summary>Timing helpers shared by the workloads.</summary>
public static class Timing
{
    /// <summary>Runs <paramref name="action"/> until warm (JIT tiered up), then returns the best seconds per call
    /// over <paramref name="repetitions"/> batches of calls that each last at least <paramref name="minSeconds"/>.</summary>
    public static double BestSecondsPerCall(Action action, int repetitions = 5, double minSeconds = 0.2)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < 0.3)
        {
            action();
        }

        double best = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            int calls = 0;
            sw.Restart();
            do
            {
                action();
                calls++;
            }
            while (sw.Elapsed.TotalSeconds < minSeconds);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / calls);
        }

        return best;
    }
}
