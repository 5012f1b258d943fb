using System.Collections;
using System.Numerics;

namespace Backprop.Data;

/// <summary>A tf.data-style input pipeline over elements of (x row, optional y row) of element type
/// <typeparamref name="T"/>; made by <see cref="Dataset.FromTensorSlices{T}(Tensor{T}, Tensor{T})"/> and
/// transformed by <see cref="Shuffle(int, ulong?, bool)"/>, <see cref="Batch"/>, <see cref="Map"/>, <see cref="Take"/>,
/// <see cref="Skip"/>, <see cref="Filter"/>, <see cref="Cache"/> and <see cref="Prefetch"/>, each returning a new
/// dataset. Enumerating it once is one epoch.
/// <para><b>Consuming it in a training loop.</b> A model's <c>Fit</c> takes a batched <c>Dataset&lt;float&gt;</c>
/// (or <c>Dataset&lt;double&gt;</c>) and runs, per epoch,
/// <code>
/// foreach (Batch&lt;float&gt; batch in dataset)   // batch.X: (Count, features), batch.Y: (Count, ...) or null
/// {
///     TrainStep(batch.X, batch.Y!);              // use the tensors now; they are overwritten by the next batch
/// }
/// </code>
/// with <see cref="IsBatched"/> to reject unbatched data, <see cref="HasTargets"/> to require y, and
/// <see cref="Cardinality"/> (≥ 0) as the number of steps per epoch.</para>
/// <para><b>Allocation.</b> Every stage reuses its buffers, and the dataset keeps its stage chain for the next
/// enumeration, so after the first epoch an epoch of a batched pipeline allocates nothing (the enumerator is a
/// struct). The batch handed out is valid until the next <c>MoveNext</c>. Unbatched elements are handed out as
/// fresh small view objects (a single row may be a scalar, which a reused row view cannot represent).</para>
/// <para>Enumerations of one dataset may run concurrently (each gets its own stage chain).</para></summary>
public sealed class Dataset<T> : IEnumerable<Batch<T>>
    where T : unmanaged, INumber<T>
{
    private readonly Stage<T> _stage;
    private DatasetIterator<T>? _idleIterator;

    internal Dataset(Stage<T> stage)
    {
        _stage = stage;
    }

    /// <summary>The shape and dtype of an element, as tf.data's <c>element_spec</c>; after <see cref="Batch"/>
    /// the leading dimension is <c>None</c> (or the batch size when the remainder is dropped).</summary>
    public ElementSpec ElementSpec
    {
        get
        {
            ElementLayout layout = _stage.Layout;
            DType dtype = DTypes.Of<T>();
            return new ElementSpec(Spec(layout.XRow, layout, dtype), layout.YRow is Shape y ? Spec(y, layout, dtype) : null);
        }
    }

    /// <summary>Number of elements (batches, once batched) in one epoch; <see cref="Dataset.UnknownCardinality"/>
    /// when it cannot be known in advance. As tf.data's <c>cardinality()</c>.</summary>
    public long Cardinality => _stage.Cardinality;

    /// <summary>True after <see cref="Batch"/>: elements are batches with a leading batch dimension.</summary>
    public bool IsBatched => _stage.Layout.Batched;

    /// <summary>True when elements carry targets y (the dataset was made from (x, y)).</summary>
    public bool HasTargets => _stage.Layout.YRow is not null;

    /// <summary>The shape of one row of x (without the batch dimension), e.g. (13,) or (28, 28).</summary>
    public Shape XRowShape => _stage.Layout.XRow;

    /// <summary>The shape of one row of y (without the batch dimension), e.g. () for labels, or null.</summary>
    public Shape? YRowShape => _stage.Layout.YRow;

    /// <summary>Randomly shuffles elements with tf.data's buffer algorithm: a buffer of
    /// <paramref name="bufferSize"/> elements is filled, each output is a uniformly random buffer slot which is
    /// then refilled with the next input element, and at the end the buffer drains in random order. A buffer at
    /// least as large as the dataset gives a uniform permutation; a buffer of 1 keeps the order.</summary>
    /// <param name="bufferSize">Elements held at once (≥ 1).</param>
    /// <param name="seed">Fixes the orders for reproducible runs; null draws a seed at random.</param>
    /// <param name="reshuffleEachIteration">True: every enumeration (epoch) uses a new order derived from the
    /// seed; false: every epoch repeats the same order.</param>
    public Dataset<T> Shuffle(int bufferSize, ulong? seed = null, bool reshuffleEachIteration = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        return new Dataset<T>(new ShuffleStage<T>(_stage, bufferSize, seed, reshuffleEachIteration));
    }

    /// <summary><see cref="Shuffle(int, ulong?, bool)"/> with the row-index path allowed or forbidden, so tests
    /// can check that both paths give the same elements.</summary>
    internal Dataset<T> Shuffle(int bufferSize, ulong? seed, bool reshuffleEachIteration, bool gatherByIndex)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        return new Dataset<T>(new ShuffleStage<T>(_stage, bufferSize, seed, reshuffleEachIteration, gatherByIndex));
    }

    /// <summary>True when enumerating this dataset runs a shuffle over row indices (for tests).</summary>
    internal bool UsesRowIndexShuffle => _stage is ShuffleStage<T> { GathersByIndex: true }
        || (_stage is BatchStage<T> batch && batch.Upstream is ShuffleStage<T> { GathersByIndex: true });

    /// <summary>Stacks consecutive elements into batches of <paramref name="batchSize"/> rows, as tf.data's
    /// <c>batch(batch_size, drop_remainder)</c>. The last batch has the remaining rows unless
    /// <paramref name="dropRemainder"/> drops it.</summary>
    public Dataset<T> Batch(int batchSize, bool dropRemainder = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (IsBatched)
        {
            throw new InvalidOperationException($"The dataset is already batched ({ElementSpec}); batching batches is not supported.");
        }

        return new Dataset<T>(new BatchStage<T>(_stage, batchSize, dropRemainder));
    }

    /// <summary>Transforms each element, as tf.data's <c>map</c>: <paramref name="map"/> reads the input element
    /// (first argument) and fills the output element (second argument), whose tensors are reused buffers with
    /// the same number of rows and, by default, the same row shapes. Allocation-free when the function is.
    /// Example, doubling x and keeping y:
    /// <c>ds.Map((input, output) => { Span&lt;float&gt; o = output.X.AsSpan(); ReadOnlySpan&lt;float&gt; i = input.X.AsSpan();
    /// for (int k = 0; k &lt; o.Length; k++) { o[k] = 2 * i[k]; } output.Y!.CopyFrom(input.Y!); })</c>.</summary>
    /// <param name="map">Writes every element of <c>output.X</c> (and <c>output.Y</c> when present).</param>
    /// <param name="xRowShape">The shape of one output row of x, if it differs from the input's.</param>
    /// <param name="yRowShape">The shape of one output row of y, if it differs from the input's.</param>
    public Dataset<T> Map(Action<Batch<T>, Batch<T>> map, Shape? xRowShape = null, Shape? yRowShape = null) => Map<T>(map, xRowShape, yRowShape);

    /// <summary>Transforms each element into another element type, e.g. byte pixels into float:
    /// <c>bytes.Map&lt;float&gt;((input, output) => ...)</c>. See <see cref="Map(Action{Batch{T}, Batch{T}}, Shape?, Shape?)"/>.</summary>
    public Dataset<TOut> Map<TOut>(Action<Batch<T>, Batch<TOut>> map, Shape? xRowShape = null, Shape? yRowShape = null)
        where TOut : unmanaged, INumber<TOut>
    {
        ArgumentNullException.ThrowIfNull(map);
        return new Dataset<TOut>(new MapStage<T, TOut>(_stage, map, xRowShape, yRowShape));
    }

    /// <summary>Keeps the elements for which <paramref name="predicate"/> is true, as tf.data's <c>filter</c>;
    /// the cardinality becomes unknown.</summary>
    public Dataset<T> Filter(Func<Batch<T>, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new Dataset<T>(new FilterStage<T>(_stage, predicate));
    }

    /// <summary>The first <paramref name="count"/> elements (all when negative), as tf.data's <c>take</c>.</summary>
    public Dataset<T> Take(long count) => new(new TakeStage<T>(_stage, count));

    /// <summary>All but the first <paramref name="count"/> elements (none when negative), as tf.data's <c>skip</c>.</summary>
    public Dataset<T> Skip(long count) => new(new SkipStage<T>(_stage, count));

    /// <summary>Remembers the elements of the first complete enumeration in memory and replays them afterwards,
    /// as tf.data's <c>cache()</c>: upstream work (maps, and a shuffle's order) happens once.</summary>
    public Dataset<T> Cache() => new(new CacheStage<T>(_stage));

    /// <summary>Produces up to <paramref name="bufferSize"/> elements ahead on a background thread while the
    /// consumer works, as tf.data's <c>prefetch</c> (<see cref="Dataset.Autotune"/> = 2). Exceptions thrown by the
    /// pipeline surface in the consumer's <c>MoveNext</c>; disposing the enumerator stops the producer. Backprop's
    /// kernels called on the producer thread (the batch copy, tensor operations in a map function) run on that
    /// thread alone (<see cref="Kernels.Parallelism.ThreadCount"/> reads 1 there), so they never take the kernel
    /// threads from the training steps running beside them.</summary>
    public Dataset<T> Prefetch(int bufferSize)
    {
        if (bufferSize == Dataset.Autotune)
        {
            bufferSize = 2;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        return new Dataset<T>(new PrefetchStage<T>(_stage, bufferSize));
    }

    /// <summary>Starts an epoch. The struct enumerator and the reused stage chain make <c>foreach</c>
    /// allocation-free after the first epoch; always dispose it (foreach does), or a prefetch producer keeps
    /// waiting.</summary>
    public Enumerator GetEnumerator()
    {
        DatasetIterator<T> iterator = Interlocked.Exchange(ref _idleIterator, null) ?? new DatasetIterator<T>(_stage);
        iterator.Start();
        return new Enumerator(this, iterator);
    }

    IEnumerator<Batch<T>> IEnumerable<Batch<T>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>tf.data's element_spec text.</summary>
    /// <summary>Where the pipeline is between epochs: each shuffle's enumeration count and whether each cache is
    /// complete, from the last stage to the source. With <see cref="RestoreIterationState"/> a resumed run
    /// enumerates the epochs the uninterrupted one would have (functions passed to Map and Filter must themselves be
    /// deterministic).</summary>
    internal long[] CaptureIterationState()
    {
        var state = new List<long>();
        for (IPipelineNode? node = _stage; node is not null; node = node.Previous)
        {
            switch (node)
            {
                case IShuffleNode shuffle: state.Add(shuffle.Epochs); break;
                case ICacheNode cache: state.Add(cache.IsComplete ? 1 : 0); break;
            }
        }

        return [.. state];
    }

    /// <summary>Puts back a state from <see cref="CaptureIterationState"/>. A cache that was complete then but is
    /// empty now (a new process) will be filled again by the next enumeration, so the shuffles below it go back
    /// to the enumeration that filled it.</summary>
    /// <exception cref="ArgumentException">The state does not fit this pipeline.</exception>
    internal void RestoreIterationState(IReadOnlyList<long> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var nodes = new List<IPipelineNode>();
        for (IPipelineNode? node = _stage; node is not null; node = node.Previous)
        {
            if (node is IShuffleNode or ICacheNode)
            {
                nodes.Add(node);
            }
        }

        if (nodes.Count != state.Count)
        {
            throw new ArgumentException($"The dataset's iteration state has {state.Count} values but this pipeline has {nodes.Count} shuffle and cache stages.");
        }

        bool refill = false;
        for (int i = 0; i < nodes.Count; i++)
        {
            switch (nodes[i])
            {
                case IShuffleNode shuffle:
                    if (state[i] < 0)
                    {
                        throw new ArgumentException($"A shuffle's enumeration count must be ≥ 0; got {state[i]}.");
                    }

                    shuffle.Epochs = refill && state[i] > 0 ? state[i] - 1 : state[i];
                    break;
                case ICacheNode cache:
                    refill |= state[i] == 1 && !cache.IsComplete;
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dataset<{typeof(T).Name}> element_spec={ElementSpec}, cardinality={Cardinality}";

    private void Return(DatasetIterator<T> iterator) => Interlocked.CompareExchange(ref _idleIterator, iterator, null);

    private static TensorSpec Spec(Shape row, ElementLayout layout, DType dtype)
    {
        var dims = new List<int?>(row.Rank + 1);
        if (layout.Batched)
        {
            dims.Add(layout.FixedRows ? layout.MaxRows : null);
        }

        for (int i = 0; i < row.Rank; i++)
        {
            dims.Add(row[i]);
        }

        return new TensorSpec(dims, dtype);
    }

    /// <summary>Enumerates one epoch; <see cref="Current"/> is valid until the next <see cref="MoveNext"/>.</summary>
    public struct Enumerator : IEnumerator<Batch<T>>
    {
        private readonly Dataset<T> _dataset;
        private DatasetIterator<T>? _iterator;

        internal Enumerator(Dataset<T> dataset, DatasetIterator<T> iterator)
        {
            _dataset = dataset;
            _iterator = iterator;
        }

        /// <summary>The current element (reused; see <see cref="Batch{T}"/>).</summary>
        public readonly Batch<T> Current => _iterator?.Current ?? throw new ObjectDisposedException(nameof(Enumerator));

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next element; false at the end of the epoch.</summary>
        public readonly bool MoveNext() => _iterator is null ? throw new ObjectDisposedException(nameof(Enumerator)) : _iterator.MoveNext();

        /// <summary>Not supported: start a new epoch with <see cref="GetEnumerator"/>.</summary>
        public readonly void Reset() => throw new NotSupportedException("Start a new epoch with Dataset.GetEnumerator().");

        /// <summary>Ends the epoch: stops background work and keeps the stage chain for the next epoch.</summary>
        public void Dispose()
        {
            if (_iterator is not null)
            {
                _iterator.Stop();
                _dataset.Return(_iterator);
                _iterator = null;
            }
        }
    }
}

/// <summary>One stage chain of a dataset plus the reused views it hands out.</summary>
internal sealed class DatasetIterator<T>(Stage<T> stage)
    where T : unmanaged, INumber<T>
{
    private readonly Cursor<T> _cursor = stage.OpenCursor();
    private readonly ElementLayout _layout = stage.Layout;

    public Batch<T> Current { get; } = new();

    public void Start() => _cursor.Restart();

    public bool MoveNext()
    {
        if (!_cursor.MoveNext(out ElementRef<T> element))
        {
            return false;
        }

        ViewBinding.Bind(Current, element, _layout);
        return true;
    }

    public void Stop() => _cursor.Stop();
}
