using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>How many threads Backprop's kernels use (default: all cores). Results are bit-identical for any
/// thread count: work is split into fixed partitions and every reduction runs in a fixed order.</summary>
public static class Parallelism
{
    private static int s_threadCount = Environment.ProcessorCount;

    // A lower limit for the calling thread only: Fit runs its steps under the thread count it measured to be faster
    // (see AdaptiveTraining) without changing what other threads use.
    [ThreadStatic]
    private static int t_limit;

    /// <summary>Threads used by GEMM and other parallel kernels, 1 to 256. PyTorch: <c>torch.set_num_threads</c>.
    /// Inside <c>Fit</c> with <see cref="AdaptiveTraining"/> on, the training thread may run with one thread
    /// instead (reading this property there gives the number in use).</summary>
    public static int ThreadCount
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            int limit = t_limit;
            return limit > 0 && limit < s_threadCount ? limit : s_threadCount;
        }

        set
        {
            if (value is < 1 or > 256)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Thread count must be between 1 and 256.");
            }

            WorkerPool.Reserve(value - 1);
            s_threadCount = value;
        }
    }

    /// <summary>Whether <c>Fit</c> checks, while it trains, that splitting a step over <see cref="ThreadCount"/>
    /// threads is faster than running it on one, and trains on one thread when it is not (default true). It times
    /// short blocks of steps each way, alternately, keeps the faster and measures again every 10 s of training.
    /// Whether splitting pays depends on the machine as much as on the model: on a 2-vCPU virtual machine a batch-8
    /// step of 784→1000→10 ran 1.46× slower on two threads than on one, and 1.55× faster minutes later in the same
    /// process, depending on where the host placed the two vCPUs (docs/performance.md, "Two threads that never
    /// lose"). Results are bit-identical either way; only the time
    /// changes. Set false to train on exactly <see cref="ThreadCount"/> threads (scaling measurements).
    /// PyTorch and Keras have no such option: they always use their configured thread count.</summary>
    public static bool AdaptiveTraining { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; set; } = true;

    /// <summary><see cref="ThreadCount"/> as configured, ignoring the calling thread's limit.</summary>
    internal static int ConfiguredThreadCount => s_threadCount;

    /// <summary>Limits the calling thread to <paramref name="threads"/> threads (0: no limit) and returns the
    /// previous limit, to restore afterwards.</summary>
    internal static int LimitThisThread(int threads)
    {
        int previous = t_limit;
        t_limit = threads;
        return previous;
    }
}
