using Backprop.Labs.DyingRelu;

namespace Backprop.Bench.Workloads;

/// <summary>The dying-relu lab's unit of work, in seconds per run (lower is better), side by side with
/// bench/peers/workloads_dyingrelu.py (PyTorch): "dying-relu run" — one training run of course 003's network
/// (Dense(2) linear → 10 × Dense(2, relu) → Dense(1), Glorot-uniform kernels, zero biases) on 3,000 points of
/// y = |x|, x ~ U(−√7, √7): Adam (Keras defaults), MSE, batch 64, 20 epochs, shuffled, with the 100 test predictions
/// before and after. Backprop's figure is the wall time per run of a batch run as the lab runs it: separate models on
/// `threads` threads at once (<see cref="CollapseExperiment.RunMany"/>), the library's kernels on one thread each.
/// PyTorch trains one run at a time. --quick runs fewer runs per batch.</summary>
public sealed class DyingReluWorkloads : IWorkloadGroup
{
    public IEnumerable<Workload> Workloads(bool quick)
    {
        yield return new Workload("dying-relu run", threads => PerRun(threads, quick ? 16 : 64));
    }

    private static Measurement PerRun(int threads, int runs)
    {
        var setup = new CollapseSetup("relu", CollapseTarget.Abs, CollapseInit.GlorotUniform);
        CollapseJob[] Batch(int offset) => [.. Enumerable.Range(offset, runs).Select(r => new CollapseJob(setup, CollapseExperiment.Stream(1, r)))];

        // Warm up (JIT tiering) with whole runs, as the peers time after one full run.
        CollapseExperiment.RunMany(Batch(0)[..Math.Max(2 * threads, 4)], seed: 42, threads);
        double best = double.MaxValue;
        for (int repetition = 0; repetition < 3; repetition++)
        {
            var jobs = Batch(runs * (repetition + 1));
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            CollapseExperiment.RunMany(jobs, seed: 42, threads);
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds / runs);
        }

        return new Measurement(best, "s", false);
    }
}
