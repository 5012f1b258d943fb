namespace Backprop.Kernels;

/// <summary>How many threads Backprop's kernels use (default: all cores). Results are bit-identical for any
/// thread count: work is split into fixed partitions and every reduction runs in a fixed order.</summary>
public static class Parallelism
{
    private static int s_threadCount = Environment.ProcessorCount;

    /// <summary>Threads used by GEMM and other parallel kernels, 1 to 256. PyTorch: <c>torch.set_num_threads</c>.</summary>
    public static int ThreadCount
    {
        get => s_threadCount;
        set
        {
            if (value is < 1 or > 256)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Thread count must be between 1 and 256.");
            }

            s_threadCount = value;
        }
    }
}
