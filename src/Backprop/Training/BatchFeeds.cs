using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Data;

namespace Backprop.Training;

/// <summary>Where the fit and evaluation loops get their batches from: tensors cut into (optionally shuffled)
/// batches, or a <see cref="Dataset{T}"/> enumerated once per epoch. Batches are views valid until the next
/// <see cref="Next"/>.</summary>
internal interface IBatchFeed<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Batches per epoch, or null when the source cannot tell in advance.</summary>
    int? Steps { get; }

    /// <summary>Starts epoch <paramref name="epoch"/> (draws the shuffle order, opens the dataset enumerator).</summary>
    void BeginEpoch(int epoch);

    /// <summary>The next batch of the epoch; false at its end. <paramref name="y"/> is null for a features-only
    /// dataset.</summary>
    bool Next(out Tensor<T> x, out Tensor<T>? y);

    /// <summary>Ends the epoch (releases the dataset enumerator, stopping any prefetch thread).</summary>
    void EndEpoch();

    /// <summary>What decides the batch order from the start of the epoch in progress (or the next one between
    /// epochs): the shuffling seed, or the dataset's iteration state.</summary>
    long[] GetState();

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="what"/> when a state from
    /// <see cref="GetState"/> cannot be this feed's.</summary>
    void CheckState(IReadOnlyList<long> state, string what);

    /// <summary>Puts back a state from <see cref="GetState"/> (between epochs).</summary>
    void SetState(IReadOnlyList<long> state);
}

/// <summary>(x, y) tensors in batches of a fixed size, reshuffled every epoch from (seed, epoch) when asked.</summary>
internal sealed class TensorBatches<T>(Tensor<T> x, Tensor<T> y, int batchSize, bool shuffle, ulong seed, BatchSource<T>.Buffers? kept = null) : IBatchFeed<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private ulong _seed = seed;
    private readonly BatchSource<T> _source = new(x, y, batchSize, shuffle, kept);
    private readonly int _steps = x.Shape[0] == 0 ? 0 : (x.Shape[0] - 1) / batchSize + 1;   // no overflow near int.MaxValue
    private int _step;

    public int? Steps => _steps;

    /// <summary>The whole (x, y) and the batch size when the batches come in row order (evaluation), for passes
    /// that group several of them (<see cref="Trainer.EvaluateInto{T}"/>); null when shuffled.</summary>
    internal (Tensor<T> X, Tensor<T> Y, int BatchSize)? InOrder => _source.InOrder;

    /// <summary>Rows per forward pass an evaluation of this feed uses, once decided (Trainer.EvaluationPassRows).</summary>
    internal int? PassRows { get; set; }

    public void BeginEpoch(int epoch)
    {
        _source.BeginEpoch(_seed, epoch);
        _step = 0;
    }

    public bool Next(out Tensor<T> x, out Tensor<T>? y)
    {
        if (_step >= _steps)
        {
            (x, y) = (null!, null);
            return false;
        }

        (x, y) = _source.Batch(_step++);
        return true;
    }

    public void EndEpoch()
    {
    }

    public long[] GetState() => [unchecked((long)_seed)];

    public void CheckState(IReadOnlyList<long> state, string what)
    {
        if (state.Count != 1)
        {
            throw new ArgumentException($"The saved {what} state has {state.Count} values; tensors in batches have one (the shuffling seed). The data differ from the run that wrote it.");
        }
    }

    public void SetState(IReadOnlyList<long> state)
    {
        CheckState(state, "data");
        _seed = unchecked((ulong)state[0]);
    }
}

/// <summary>A batched dataset, one enumeration per epoch (its own Shuffle stage reorders it each time).</summary>
internal sealed class DatasetBatches<T>(Dataset<T> data) : IBatchFeed<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private Dataset<T>.Enumerator _epoch;
    private bool _open;
    private long[] _epochStart = [];

    public int? Steps => data.Cardinality >= 0 ? (int)Math.Min(data.Cardinality, int.MaxValue) : null;

    public void BeginEpoch(int epoch)
    {
        EndEpoch();
        _epochStart = data.CaptureIterationState();
        _epoch = data.GetEnumerator();
        _open = true;
    }

    public bool Next(out Tensor<T> x, out Tensor<T>? y)
    {
        if (!_open || !_epoch.MoveNext())
        {
            (x, y) = (null!, null);
            return false;
        }

        var batch = _epoch.Current;
        (x, y) = (batch.X, batch.Y);
        return true;
    }

    public void EndEpoch()
    {
        if (_open)
        {
            _open = false;
            _epoch.Dispose();
        }
    }

    public long[] GetState() => _open ? (long[])_epochStart.Clone() : data.CaptureIterationState();

    public void CheckState(IReadOnlyList<long> state, string what)
    {
        int expected = data.CaptureIterationState().Length;
        if (state.Count != expected)
        {
            throw new ArgumentException($"The saved {what} state has {state.Count} values but this dataset's pipeline has {expected} shuffle and cache stages. The data differ from the run that wrote it.");
        }
    }

    public void SetState(IReadOnlyList<long> state) => data.RestoreIterationState(state);
}
