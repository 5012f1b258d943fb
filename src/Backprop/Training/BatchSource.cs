using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Random;

namespace Backprop.Training;

/// <summary>Cuts (x, y) into batches for one epoch: zero-copy row views when not shuffling, otherwise the rows of
/// a seeded permutation gathered into buffers reused across batches and epochs (no allocation per batch).</summary>
internal sealed class BatchSource<T>
    where T : unmanaged, INumber<T>
{
    private readonly Tensor<T> _x;
    private readonly Tensor<T> _y;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly int[] _order;
    private readonly Tensor<T>? _xStorage;
    private readonly Tensor<T>? _yStorage;
    private readonly Tensor<T> _xView;
    private readonly Tensor<T> _yView;

    /// <summary>(x, y) and the batch size when batches are row-order views of them; null when shuffled.</summary>
    internal (Tensor<T> X, Tensor<T> Y, int BatchSize)? InOrder => _shuffle ? null : (_x, _y, _batchSize);

    public BatchSource(Tensor<T> x, Tensor<T> y, int batchSize, bool shuffle)
    {
        _x = x;
        _y = y;
        _batchSize = batchSize;
        _shuffle = shuffle;
        int n = x.Shape[0];
        _order = new int[n];
        for (int i = 0; i < n; i++)
        {
            _order[i] = i;
        }

        if (shuffle)
        {
            int rows = Math.Min(batchSize, n);
            _xStorage = new Tensor<T>(BatchBuffer.WithBatch(rows, BatchBuffer.SampleOf(x.Shape)));
            _yStorage = new Tensor<T>(BatchBuffer.WithBatch(rows, BatchBuffer.SampleOf(y.Shape)));
            _xView = _xStorage.SliceRows(0, rows);
            _yView = _yStorage.SliceRows(0, rows);
        }
        else
        {
            _xView = x.SliceRows(0, 0);
            _yView = y.SliceRows(0, 0);
        }
    }

    /// <summary>Draws this epoch's order: a uniform permutation from Philox stream <paramref name="epoch"/> of
    /// <paramref name="seed"/>, so it depends only on (seed, epoch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BeginEpoch(ulong seed, int epoch)
    {
        if (!_shuffle)
        {
            return;
        }

        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        new RandomGenerator(seed, stream: (ulong)epoch).Shuffle<int>(_order);
    }

    /// <summary>Batch <paramref name="step"/> of the epoch (views owned by this source, valid until the next call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (Tensor<T> X, Tensor<T> Y) Batch(int step)
    {
        int start = step * _batchSize;
        int count = Math.Min(_batchSize, _order.Length - start);
        if (!_shuffle)
        {
            _xView.RebindRows(_x, start, count);
            _yView.RebindRows(_y, start, count);
            return (_xView, _yView);
        }

        _xView.RebindRows(_xStorage!, 0, count);
        _yView.RebindRows(_yStorage!, 0, count);
        Gather(_x.AsSpan(), _x.RowStride, _xView.AsSpan(), _order.AsSpan(start, count));
        Gather(_y.AsSpan(), _y.RowStride, _yView.AsSpan(), _order.AsSpan(start, count));
        return (_xView, _yView);
    }

    /// <summary>How many rows ahead of its copy a wide row is prefetched (1–8 measured alike; 2 chosen).</summary>
    private const int PrefetchRows = 2;

    /// <summary>Rows narrower than this are not prefetched (a few lines, already fetched whole by the copy).</summary>
    private const int PrefetchedRowBytes = 256;

    /// <summary>Asks for every cache line of <paramref name="row"/> (a hint: it never faults and changes no value).</summary>
    private static unsafe void Prefetch(ReadOnlySpan<T> row)
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
    internal const int ParallelGatherBytes = 64 << 10;

    /// <summary>Copies rows <paramref name="rows"/> of <paramref name="source"/> (each <paramref name="stride"/>
    /// values) one after another into <paramref name="destination"/>.</summary>
    /// <remarks>Optimised from its first call, as the kernels are: it runs once per batch, so a short Fit in a fresh
    /// process would otherwise copy at tier 0 (about a tenth of its second Boston Fit).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Gather(ReadOnlySpan<T> source, int stride, Span<T> destination, ReadOnlySpan<int> rows)
    {
        int bytes = stride * Unsafe.SizeOf<T>();
        if (bytes > 64 || !Vector256.IsHardwareAccelerated)
        {
            int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, rows.Length), (long)rows.Length * bytes / ParallelGatherBytes);
            if (parts <= 1)
            {
                GatherWide(source, stride, destination, rows);
                return;
            }

            fixed (T* from = source, to = destination)
            fixed (int* order = rows)
            {
                var job = GatherWork.ForThisThread;
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

    /// <summary><see cref="Gather"/> for rows wider than a few vectors, on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherWide(ReadOnlySpan<T> source, int stride, Span<T> destination, ReadOnlySpan<int> rows)
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
    private sealed unsafe class GatherWork : IParallelWork
    {
        [ThreadStatic]
        private static GatherWork? s_forThisThread;

        private T* _source;
        private int _sourceLength;
        private int _stride;
        private T* _destination;
        private int* _rows;
        private int _count;

        public static GatherWork ForThisThread => s_forThisThread ??= new GatherWork();

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
            GatherWide(
                new ReadOnlySpan<T>(_source, _sourceLength),
                _stride,
                new Span<T>(_destination + (long)first * _stride, (last - first) * _stride),
                new ReadOnlySpan<int>(_rows + first, last - first));
        }
    }
}
