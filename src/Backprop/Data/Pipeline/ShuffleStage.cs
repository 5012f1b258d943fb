using System.Numerics;

namespace Backprop.Data;

/// <summary>A shuffle stage seen without its element type: its enumeration count.</summary>
internal interface IShuffleNode
{
    long Epochs { get; set; }
}

/// <summary>tf.data's <c>shuffle(buffer_size, seed, reshuffle_each_iteration)</c>: keeps a buffer of up to
/// bufferSize elements; each output is a uniformly chosen slot, which is then refilled with the next input
/// element; once the input is exhausted the buffer drains in random order. When the input is a
/// <see cref="RowSource{T}"/> the buffer holds row indices rather than element references or row copies, and a
/// following batch gathers the rows straight from the source; the random draws and so the order are the
/// same either way.</summary>
internal sealed class ShuffleStage<T> : Stage<T>, IShuffleNode
    where T : unmanaged, INumber<T>
{
    private readonly Stage<T> _upstream;
    private readonly int _bufferSize;
    private readonly ulong _baseSeed;
    private readonly bool _reshuffleEachIteration;
    private readonly bool _gatherByIndex;
    private long _epochs;

    // gatherByIndex false forces the element-buffer path even over a row source, so tests can compare the two.
    public ShuffleStage(Stage<T> upstream, int bufferSize, ulong? seed, bool reshuffleEachIteration, bool gatherByIndex = true)
    {
        _gatherByIndex = gatherByIndex;
        _upstream = upstream;
        long cardinality = upstream.Cardinality;
        _bufferSize = cardinality >= 0 ? (int)Math.Max(1, Math.Min(bufferSize, cardinality)) : bufferSize;
        _baseSeed = seed ?? Backprop.Random.RandomSeed.NextSeed();
        _reshuffleEachIteration = reshuffleEachIteration;
    }

    public override ElementLayout Layout => _upstream.Layout;

    public override IPipelineNode? Previous => _upstream;

    /// <summary>Enumerations started so far: the next one shuffles with the seed derived from this count.</summary>
    public long Epochs
    {
        get => Interlocked.Read(ref _epochs);
        set => Interlocked.Exchange(ref _epochs, value);
    }

    /// <summary>True when the cursors buffer row indices of a row source rather than elements.</summary>
    public bool GathersByIndex => _gatherByIndex && _upstream.TryGetRowSource(out _);

    public override long Cardinality => _upstream.Cardinality;

    public override Cursor<T> OpenCursor() => _gatherByIndex && _upstream.TryGetRowSource(out RowSource<T> source)
        ? new IndexShuffleCursor(this, source)
        : new ShuffleCursor(this, _upstream.OpenCursor());

    /// <summary>The seed of the next enumeration: a fresh one per epoch when reshuffling, else always the same.</summary>
    private ulong NextEpochSeed()
    {
        long epoch = _reshuffleEachIteration ? Interlocked.Increment(ref _epochs) - 1 : 0;
        return ShuffleRandom.DeriveSeed(_baseSeed, epoch);
    }

    private sealed class ShuffleCursor : Cursor<T>
    {
        private readonly ShuffleStage<T> _stage;
        private readonly Cursor<T> _upstream;
        private readonly ElementRef<T>[] _slots;
        private readonly Tensor<T>? _xCopies;
        private readonly Tensor<T>? _yCopies;
        private ShuffleRandom _random;
        private int _count;
        private int _pendingSlot;
        private bool _filled;
        private bool _upstreamDone;

        public ShuffleCursor(ShuffleStage<T> stage, Cursor<T> upstream)
        {
            _stage = stage;
            _upstream = upstream;
            _slots = new ElementRef<T>[stage._bufferSize];
            if (!upstream.Stable)
            {
                // The upstream reuses its buffer, so every buffered element needs its own copy; slot s owns rows
                // [s·MaxRows, (s+1)·MaxRows) of these tensors.
                ElementLayout layout = stage.Layout;
                int rows = checked(stage._bufferSize * layout.MaxRows);
                _xCopies = ElementLayout.RowStorage<T>(rows, layout.XRow);
                _yCopies = layout.YRow is Shape yRow ? ElementLayout.RowStorage<T>(rows, yRow) : null;
            }
        }

        public override bool Stable => _upstream.Stable;

        public override void Restart()
        {
            _upstream.Restart();
            _random = new ShuffleRandom(_stage.NextEpochSeed());
            _count = 0;
            _pendingSlot = -1;
            _filled = false;
            _upstreamDone = false;
        }

        public override bool MoveNext(out ElementRef<T> element)
        {
            if (!_filled)
            {
                while (_count < _slots.Length && Pull(_count))
                {
                    _count++;
                }

                _filled = true;
            }
            else if (_pendingSlot >= 0)
            {
                // The slot handed out last time is refilled only now, because its copy had to stay valid
                // until this call.
                if (!Pull(_pendingSlot))
                {
                    _count--;
                    _slots[_pendingSlot] = _slots[_count];
                }

                _pendingSlot = -1;
            }

            if (_count == 0)
            {
                element = default;
                return false;
            }

            int slot = _random.NextInt(_count);
            element = _slots[slot];
            _pendingSlot = slot;
            return true;
        }

        public override void Stop() => _upstream.Stop();

        private bool Pull(int slot)
        {
            if (_upstreamDone || !_upstream.MoveNext(out ElementRef<T> next))
            {
                _upstreamDone = true;
                return false;
            }

            _slots[slot] = _xCopies is null ? next : next.CopyTo(_xCopies, _yCopies, slot * _stage.Layout.MaxRows, _stage.Layout);
            return true;
        }
    }

    /// <summary>The same buffer algorithm as <see cref="ShuffleCursor"/>, over row indices of a row source: the
    /// slots, the draws and the refill-then-swap-remove steps are identical, so the order is too.</summary>
    private sealed class IndexShuffleCursor(ShuffleStage<T> stage, RowSource<T> source) : RowIndexCursor<T>(source.X, source.Y)
    {
        private readonly int[] _slots = new int[stage._bufferSize];
        private ShuffleRandom _random;
        private int _count;
        private int _pendingSlot;
        private int _pulled;
        private bool _filled;

        public override bool Stable => true;

        public override void Restart()
        {
            _random = new ShuffleRandom(stage.NextEpochSeed());
            _count = 0;
            _pendingSlot = -1;
            _pulled = 0;
            _filled = false;
        }

        public override bool MoveNext(out ElementRef<T> element)
        {
            if (!TryNextRow(out int row))
            {
                element = default;
                return false;
            }

            element = new ElementRef<T> { XStore = XStore, XRow = row, YStore = YStore, YRow = row, Rows = 1 };
            return true;
        }

        public override int NextRows(Span<int> rows)
        {
            int written = 0;
            while (written < rows.Length && TryNextRow(out int row))
            {
                rows[written++] = row;
            }

            return written;
        }

        private bool TryNextRow(out int row)
        {
            int[] slots = _slots;
            if (!_filled)
            {
                while (_count < slots.Length && Pull(_count))
                {
                    _count++;
                }

                _filled = true;
            }
            else if (_pendingSlot >= 0)
            {
                if (!Pull(_pendingSlot))
                {
                    _count--;
                    slots[_pendingSlot] = slots[_count];
                }

                _pendingSlot = -1;
            }

            if (_count == 0)
            {
                row = 0;
                return false;
            }

            int slot = _random.NextInt(_count);
            row = slots[slot];
            _pendingSlot = slot;
            return true;
        }

        private bool Pull(int slot)
        {
            if (_pulled >= source.Count)
            {
                return false;
            }

            _slots[slot] = source.Start + _pulled++;
            return true;
        }
    }
}
