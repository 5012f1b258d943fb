using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>Copies a contiguous span into another, split over the kernel threads when it is large: Predict's copy of
/// each pass into its freshly allocated result. A fresh large array's pages are mapped by the operating system on
/// first write, and those faults, not the copy, are most of the time (on the 2-vCPU VM measured, 1 MB allocated on
/// the large-object heap and filled took 370–480 µs, against 61 µs for memory the GC had kept mapped); two threads
/// take them twice as fast. The reference is <c>source.CopyTo(destination)</c>.</summary>
internal static class ParallelCopy
{
    /// <summary>Bytes per thread from which a copy is split (as <see cref="RowGather.ParallelBytes"/>).</summary>
    internal const int ParallelBytes = 64 << 10;

    /// <summary>Bytes each part covers a whole number of: a 4 KB page, so two threads fault on one page at most.</summary>
    private const int PageBytes = 4096;

    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Copy<T>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged
    {
        if (destination.Length < source.Length)
        {
            ThrowTooShort(source.Length, destination.Length);
        }

        int parts = (int)Math.Min(Parallelism.ThreadCount, (long)source.Length * sizeof(T) / ParallelBytes);
        if (parts <= 1)
        {
            source.CopyTo(destination);
            return;
        }

        fixed (T* from = source, to = destination)
        {
            var job = CopyWork<T>.ForThisThread;
            job.Set(from, to, source.Length);
            WorkerPool.Run(job, parts);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooShort(int sourceLength, int destinationLength) =>
        throw new ArgumentException($"Copy: the destination holds {destinationLength} values, fewer than the source's {sourceLength}.", "destination");

    /// <summary>One copy split into contiguous runs of whole pages, one per part.</summary>
    private sealed unsafe class CopyWork<T> : IParallelWork
        where T : unmanaged
    {
        [ThreadStatic]
        private static CopyWork<T>? s_forThisThread;

        private T* _source;
        private T* _destination;
        private int _length;

        public static CopyWork<T> ForThisThread => s_forThisThread ??= new CopyWork<T>();

        public void Set(T* source, T* destination, int length)
        {
            _source = source;
            _destination = destination;
            _length = length;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            long perPage = Math.Max(1, PageBytes / sizeof(T));
            int pages = (int)((_length + perPage - 1) / perPage);
            var (first, last) = WorkerPool.PartRange(pages, part, parts);
            long start = first * perPage, end = Math.Min(last * perPage, _length);
            if (end > start)
            {
                new ReadOnlySpan<T>(_source + start, (int)(end - start)).CopyTo(new Span<T>(_destination + start, (int)(end - start)));
            }
        }
    }
}
