using System.Numerics;
using System.Runtime.CompilerServices;
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
    private readonly int _rows;
    private readonly int[] _order;
    private readonly Tensor<T>? _xStorage;
    private readonly Tensor<T>? _yStorage;
    private readonly Tensor<T> _xView;
    private readonly Tensor<T> _yView;

    /// <summary>(x, y) and the batch size when batches are row-order views of them; null when shuffled.</summary>
    internal (Tensor<T> X, Tensor<T> Y, int BatchSize)? InOrder => _shuffle ? null : (_x, _y, _batchSize);

    /// <summary>Batches of (<paramref name="x"/>, <paramref name="y"/>). A shuffled source takes its order and batch
    /// storage from <paramref name="kept"/> when they fit, and leaves its own there for the next source.</summary>
    public BatchSource(Tensor<T> x, Tensor<T> y, int batchSize, bool shuffle, Buffers? kept = null)
    {
        _x = x;
        _y = y;
        _batchSize = batchSize;
        _shuffle = shuffle;
        int n = x.Shape[0];
        _rows = n;
        if (shuffle)
        {
            int rows = Math.Min(batchSize, n);
            var xShape = BatchBuffer.WithBatch(rows, BatchBuffer.SampleOf(x.Shape));
            var yShape = BatchBuffer.WithBatch(rows, BatchBuffer.SampleOf(y.Shape));
            _order = kept?.Order is { } order && order.Length == n ? order : new int[n];
            _xStorage = kept?.X is { } xKept && xKept.Shape == xShape ? xKept : Tensor<T>.LongLived(xShape);
            _yStorage = kept?.Y is { } yKept && yKept.Shape == yShape ? yKept : Tensor<T>.LongLived(yShape);
            if (kept is not null)
            {
                (kept.Order, kept.X, kept.Y) = (_order, _xStorage, _yStorage);
            }

            for (int i = 0; i < n; i++)
            {
                _order[i] = i;
            }

            _xView = _xStorage.SliceRows(0, rows);
            _yView = _yStorage.SliceRows(0, rows);
        }
        else
        {
            _order = [];
            _xView = x.SliceRows(0, 0);
            _yView = y.SliceRows(0, 0);
        }
    }

    /// <summary>A shuffled source's order and batch storage, kept by the trainer from one <c>Fit</c> to the next: for
    /// 60,000 rows of 784 at batch 128 they are 640 KB, which a new array takes from fresh memory pages that fault in
    /// one by one (≈ 160 faults, ≈ 2 ms per call on the VM measured; a loop of <c>Fit(epochs: 1)</c> paid it every
    /// epoch).</summary>
    internal sealed class Buffers
    {
        public int[]? Order;
        public Tensor<T>? X;
        public Tensor<T>? Y;
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
        int count = Math.Min(_batchSize, _rows - start);
        if (!_shuffle)
        {
            _xView.RebindRows(_x, start, count);
            _yView.RebindRows(_y, start, count);
            return (_xView, _yView);
        }

        _xView.RebindRows(_xStorage!, 0, count);
        _yView.RebindRows(_yStorage!, 0, count);
        RowGather.Copy<T>(_x.AsSpan(), _x.RowStride, _xView.AsSpan(), _order.AsSpan(start, count));
        RowGather.Copy<T>(_y.AsSpan(), _y.RowStride, _yView.AsSpan(), _order.AsSpan(start, count));
        return (_xView, _yView);
    }
}
