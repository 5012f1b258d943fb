using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using Backprop.Kernels;
using Backprop.Models;

namespace Backprop.Bench.Workloads;

/// <summary>GEMM/GEMV throughput against numpy/torch (bench/peers/workloads_gemm.py) and the machine's FMA
/// ceiling. GEMM names are "gemm MxKxN": C (M×N) = A (M×K) · B (K×N), all float32 row-major, α = 1, β = 0;
/// "gemm 256x784x1000" is an MNIST-sized layer at batch 256. GEMV is y = A·x on an 8192×8192 float32 matrix, in
/// GB/s of A read. Each GEMM is also printed as a percentage of "ceiling fma" at the same thread count.
/// The "… cputime" variants divide the work by CPU time instead of wall-clock time (the calling thread's on one
/// thread, the process's divided by the thread count on more), which preemption on a loaded machine does not
/// inflate; workloads_gemm.py measures numpy the same way.</summary>
public sealed partial class GemmWorkloads : IWorkloadGroup
{
    private readonly Dictionary<int, double> _ceiling = [];

    public IEnumerable<Workload> Workloads(bool quick)
    {
        yield return new Workload("ceiling fma", Ceiling);
        foreach (var (m, k, n) in new[] { (1024, 1024, 1024), (256, 784, 1000), (32, 13, 32), (32, 32, 16) })
        {
            string name = $"gemm {m}x{k}x{n}";
            double lastGflops = 0;
            yield return new Workload(name, threads =>
            {
                lastGflops = GemmGflops(m, k, n, quick);
                return new Measurement(lastGflops, "GFLOP/s", true);
            });
            if (m >= 256)
            {
                yield return new Workload($"{name} %ceiling", threads =>
                {
                    if (!_ceiling.TryGetValue(threads, out double ceiling))
                    {
                        ceiling = Ceiling(threads).Value;
                    }

                    return new Measurement(100 * lastGflops / ceiling, "%", true);
                });
            }
        }

        yield return new Workload("gemv 8192x8192", _ => Gemv(8192, quick));

        foreach (var (m, k, n) in new[] { (1024, 1024, 1024), (256, 784, 1000), (256, 768, 1024) })
        {
            yield return new Workload($"gemm {m}x{k}x{n} cputime", threads =>
            {
                float[] a = Random(m * k, 1), b = Random(k * n, 2), c = new float[m * n];
                double seconds = BestCpuSecondsPerCall(
                    () => Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n), threads, quick ? 10 : 30);
                return new Measurement(2.0 * m * n * k / seconds / 1e9, "GFLOP/s", true);
            });
        }

        yield return new Workload("gemv 8192x8192 cputime", threads =>
        {
            const int size = 8192;
            float[] a = Random(size * size, 3), x = Random(size, 4), y = new float[size];
            double seconds = BestCpuSecondsPerCall(
                () => Kernels.Gemv.Multiply(false, size, size, 1f, a, size, x, 0f, y), threads, quick ? 10 : 30);
            return new Measurement(4.0 * size * size / seconds / 1e9, "GB/s", true);
        });
    }

    /// <summary>Best CPU seconds per call (thread CPU time on one thread, process CPU time / threads on more)
    /// over batches of at least 50 ms of CPU time, after a warm-up.</summary>
    private static double BestCpuSecondsPerCall(Action action, int threads, int batches)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 0.3)
        {
            action();
        }

        int clock = threads == 1 ? ThreadCpuClock : ProcessCpuClock;
        double best = double.MaxValue;
        for (int batch = 0; batch < batches; batch++)
        {
            double start = CpuSeconds(clock), elapsed;
            int calls = 0;
            do
            {
                action();
                calls++;
                elapsed = CpuSeconds(clock) - start;
            }
            while (elapsed < 0.05 * threads);
            best = Math.Min(best, elapsed / threads / calls);
        }

        return best;
    }

    private const int ProcessCpuClock = 2;
    private const int ThreadCpuClock = 3;

    private static double CpuSeconds(int clock)
    {
        if (ClockGetTime(clock, out TimeSpec time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime({clock}) failed.");
        }

        return time.Seconds + time.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private static double GemmGflops(int m, int k, int n, bool quick)
    {
        float[] a = Random(m * k, 1), b = Random(k * n, 2), c = new float[m * n];
        double seconds = Timing.BestSecondsPerCall(
            () => Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n), quick ? 20 : 15, quick ? 0.02 : 0.1);
        return 2.0 * m * n * k / seconds / 1e9;
    }

    private static Measurement Gemv(int size, bool quick)
    {
        float[] a = Random(size * size, 3), x = Random(size, 4), y = new float[size];
        double seconds = Timing.BestSecondsPerCall(
            () => Kernels.Gemv.Multiply(false, size, size, 1f, a, size, x, 0f, y), quick ? 20 : 15, quick ? 0.02 : 0.1);
        return new Measurement(4.0 * size * size / seconds / 1e9, "GB/s", true);
    }

    /// <summary>Register-only FMA throughput on all threads: the best of the 256- and 512-bit loops.</summary>
    private Measurement Ceiling(int threads)
    {
        var work = new FmaLoop();
        double best = 0;
        foreach (bool wide in Avx512F.IsSupported ? new[] { false, true } : [false])
        {
            work.Wide = wide;
            double seconds = Timing.BestSecondsPerCall(() => WorkerPool.Run(work, threads), 15, 0.05);
            best = Math.Max(best, threads * FmaLoop.FlopsPerPart(wide) / seconds / 1e9);
        }

        _ceiling[threads] = best;
        return new Measurement(best, "GFLOP/s", true);
    }

    private static float[] Random(int length, int seed)
    {
        var random = new System.Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    /// <summary>12 independent FMA chains (enough to cover 4-cycle latency on two FMA pipes), no memory traffic.</summary>
    private sealed class FmaLoop : IParallelWork
    {
        private const int Iterations = 200_000;

        public bool Wide;

        public float Sink;

        public static double FlopsPerPart(bool wide) => 2.0 * 12 * (wide ? 16 : 8) * Iterations;

        public void Execute(int part, int parts)
        {
            Sink = Wide ? Run512() : Run256();
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float Run256()
        {
            Vector256<float> x = Vector256.Create(0.999f), y = Vector256.Create(1e-7f);
            Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
            for (int i = 0; i < Iterations; i++)
            {
                a0 = Fma.MultiplyAdd(a0, x, y); a1 = Fma.MultiplyAdd(a1, x, y); a2 = Fma.MultiplyAdd(a2, x, y);
                a3 = Fma.MultiplyAdd(a3, x, y); a4 = Fma.MultiplyAdd(a4, x, y); a5 = Fma.MultiplyAdd(a5, x, y);
                a6 = Fma.MultiplyAdd(a6, x, y); a7 = Fma.MultiplyAdd(a7, x, y); a8 = Fma.MultiplyAdd(a8, x, y);
                a9 = Fma.MultiplyAdd(a9, x, y); a10 = Fma.MultiplyAdd(a10, x, y); a11 = Fma.MultiplyAdd(a11, x, y);
            }

            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float Run512()
        {
            Vector512<float> x = Vector512.Create(0.999f), y = Vector512.Create(1e-7f);
            Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
            for (int i = 0; i < Iterations; i++)
            {
                a0 = Avx512F.FusedMultiplyAdd(a0, x, y); a1 = Avx512F.FusedMultiplyAdd(a1, x, y); a2 = Avx512F.FusedMultiplyAdd(a2, x, y);
                a3 = Avx512F.FusedMultiplyAdd(a3, x, y); a4 = Avx512F.FusedMultiplyAdd(a4, x, y); a5 = Avx512F.FusedMultiplyAdd(a5, x, y);
                a6 = Avx512F.FusedMultiplyAdd(a6, x, y); a7 = Avx512F.FusedMultiplyAdd(a7, x, y); a8 = Avx512F.FusedMultiplyAdd(a8, x, y);
                a9 = Avx512F.FusedMultiplyAdd(a9, x, y); a10 = Avx512F.FusedMultiplyAdd(a10, x, y); a11 = Avx512F.FusedMultiplyAdd(a11, x, y);
            }

            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }
    }
}
