using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Copies chosen rows of a row-major array one after another into a batch buffer: Fit's shuffled batches
/// (<c>BatchSource</c>) and the data pipeline's shuffled or indexed batches (<c>BatchStage</c>). One-value rows move
/// by a load and a store, rows of up to 64 bytes as vectors, wider ones with a memmove each while the rows ahead are prefetched, and a large batch is
/// split over the kernel threads. The reference is the plain loop
/// <c>source.Slice(rows[r] * stride, stride).CopyTo(destination.Slice(r * stride, stride))</c>.</summary>
internal static class RowGather
{
    /// <summary>How many rows ahead of its copy a wide row is prefetched (1–8 measured alike; 2 chosen).</summary>
    private const int PrefetchRows = 2;

    /// <summary>Rows narrower than this are not prefetched (a few lines, already fetched whole by the copy).</summary>
    private const int PrefetchedRowBytes = 256;

    /// <summary>Asks for every cache line of <paramref name="row"/> (a hint: it never faults and changes no value).</summary>
    private static unsafe void Prefetch<T>(ReadOnlySpan<T> row)
        where T : unmanaged
    {
        fixed (T* start = row)
        {
            byte* bytes = (byte*)start;
            int length = row.Length * sizeof(T);
            for (int offset = 0; offset < length; offset += 64)
            {
                Sse.Prefetch0(bytes + offset);
            }
        }
    }

    /// <summary>Bytes of gathered rows per thread from which a batch's copy is split over the kernel threads
    /// (<see cref="Parallelism.ThreadCount"/>, which Fit may have limited to one). A copy of shuffled rows waits on
    /// memory, and one core keeps only so many of its misses in flight: 128 random 784-float rows out of 60,000 took
    /// 54–62 µs on one thread and 32–38 µs split over two (Zen 5, probe with compute between batches); 32 rows
    /// (100 KB, not split) 15.1–15.3 against 12.6–13.7 µs.</summary>
    internal const int ParallelBytes = 64 << 10;

    /// <summary>Copies rows <paramref name="rows"/> of <paramref name="source"/> (each <paramref name="stride"/>
    /// values) one after another into <paramref name="destination"/>.</summary>
    /// <remarks>Optimised from its first call, as the kernels are: it runs once per batch, so a short Fit in a fresh
    /// process would otherwise copy at tier 0 (about a tenth of its second Boston Fit).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Copy<T>(ReadOnlySpan<T> source, int stride, Span<T> destination, ReadOnlySpan<int> rows)
        where T : unmanaged
    {
        if (stride == 1)
        {
            // Scalar rows (labels, one-column targets): a plain load and store per row.
            for (int r = 0; r < rows.Length; r++)
            {
                destination[r] = source[rows[r]];
            }

            return;
        }

        int bytes = stride * Unsafe.SizeOf<T>();
        if (bytes > 64 || !Vector256.IsHardwareAccelerated)
        {
            int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, rows.Length), (long)rows.Length * bytes / ParallelBytes);
            if (parts <= 1)
            {
                CopyWide(source, stride, destination, rows);
                return;
            }

            fixed (T* from = source, to = destination)
            fixed (int* order = rows)
            {
                var job = CopyWork<T>.ForThisThread;
                job.Set(from, source.Length, stride, to, order, rows.Length);
                WorkerPool.Run(job, parts);
            }

            return;
        }

        // Narrow rows (tabular data, one-column targets): a memmove call per row of a few values costs several
        // times the copy itself, so a row of 16 to 64 bytes moves as two possibly overlapping vectors (its first
        // and its last bytes) and a shorter one value by value.
        for (int r = 0; r < rows.Length; r++)
        {
            var from = source.Slice(rows[r] * stride, stride);
            var to = destination.Slice(r * stride, stride);
            ref byte f = ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(from));
            ref byte t = ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(to));
            if (bytes >= 32)
            {
                var head = Vector256.LoadUnsafe(ref f);
                var tail = Vector256.LoadUnsafe(ref f, (nuint)(bytes - 32));
                head.StoreUnsafe(ref t);
                tail.StoreUnsafe(ref t, (nuint)(bytes - 32));
            }
            else if (bytes >= 16)
            {
                var head = Vector128.LoadUnsafe(ref f);
                var tail = Vector128.LoadUnsafe(ref f, (nuint)(bytes - 16));
                head.StoreUnsafe(ref t);
                tail.StoreUnsafe(ref t, (nuint)(bytes - 16));
            }
            else
            {
                for (int j = 0; j < from.Length; j++)
                {
                    to[j] = from[j];
                }
            }
        }
    }

    /// <summary><see cref="Copy{T}"/> for rows wider than a few vectors, on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyWide<T>(ReadOnlySpan<T> source, int stride, Span<T> destination, ReadOnlySpan<int> rows)
        where T : unmanaged
    {
        // A shuffled row lies anywhere in a large array, so its copy waits on memory line after line. Asking for the
        // row two ahead while copying this one keeps several rows' misses in flight: 128 random rows of 784 floats
        // out of 60,000 gather in 30 µs instead of 45 (Zen 5); rows of a few KB gain little, as the hardware
        // prefetcher catches up within the row.
        int bytes = stride * Unsafe.SizeOf<T>();
        bool prefetch = Sse.IsSupported && bytes >= PrefetchedRowBytes;
        for (int r = 0; prefetch && r < Math.Min(PrefetchRows, rows.Length); r++)
        {
            Prefetch(source.Slice(rows[r] * stride, stride));
        }

        for (int r = 0; r < rows.Length; r++)
        {
            if (prefetch && r + PrefetchRows < rows.Length)
            {
                Prefetch(source.Slice(rows[r + PrefetchRows] * stride, stride));
            }

            source.Slice(rows[r] * stride, stride).CopyTo(destination.Slice(r * stride, stride));
        }
    }

    /// <summary>One batch's wide-row copy split by whole rows, one contiguous run of the batch per part.</summary>
    private sealed unsafe class CopyWork<T> : IParallelWork
        where T : unmanaged
    {
        [ThreadStatic]
        private static CopyWork<T>? s_forThisThread;

        private T* _source;
        private int _sourceLength;
        private int _stride;
        private T* _destination;
        private int* _rows;
        private int _count;

        public static CopyWork<T> ForThisThread => s_forThisThread ??= new CopyWork<T>();

        public void Set(T* source, int sourceLength, int stride, T* destination, int* rows, int count)
        {
            _source = source;
            _sourceLength = sourceLength;
            _stride = stride;
            _destination = destination;
            _rows = rows;
            _count = count;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(_count, part, parts);
            CopyWide(
                new ReadOnlySpan<T>(_source, _sourceLength),
                _stride,
                new Span<T>(_destination + (long)first * _stride, (last - first) * _stride),
                new ReadOnlySpan<int>(_rows + first, last - first));
        }
    }
}
