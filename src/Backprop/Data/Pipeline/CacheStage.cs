using System.Numerics;

namespace Backprop.Data;

/// <summary>A cache stage seen without its element type.</summary>
internal interface ICacheNode
{
    bool IsComplete { get; }
}

/// <summary>tf.data's <c>cache()</c> in memory: the first complete enumeration records its elements (copying
/// them when the upstream reuses buffers); later enumerations replay the recording and never touch the
/// upstream. An enumeration abandoned part-way leaves no cache, as in tf.data.</summary>
internal sealed class CacheStage<T>(Stage<T> upstream) : Stage<T>, ICacheNode
    where T : unmanaged, INumber<T>
{
    public override IPipelineNode? Previous => upstream;

    private const int ChunkElements = 1024;

    private readonly Lock _publishLock = new();
    private ElementRef<T>[]? _recording;
    private int _recordedCount;

    public override ElementLayout Layout => upstream.Layout;

    /// <summary>True once a complete enumeration has been recorded.</summary>
    public bool IsComplete => Volatile.Read(ref _recording) is not null;

    public override long Cardinality => upstream.Cardinality;

    public override Cursor<T> OpenCursor() => new CacheCursor(this, upstream.OpenCursor());

    // Caching a row source would record references to the very same rows, so the cache is that source.
    public override bool TryGetRowSource(out RowSource<T> source) => upstream.TryGetRowSource(out source);

    private bool TryGetRecording(out ElementRef<T>[] elements, out int count)
    {
        elements = Volatile.Read(ref _recording)!;
        count = elements is null ? 0 : _recordedCount;
        return elements is not null;
    }

    private void Publish(ElementRef<T>[] elements, int count)
    {
        lock (_publishLock)
        {
            if (_recording is null)
            {
                _recordedCount = count;
                Volatile.Write(ref _recording, elements);
            }
        }
    }

    private sealed class CacheCursor(CacheStage<T> stage, Cursor<T> upstream) : Cursor<T>
    {
        private readonly List<(Tensor<T> X, Tensor<T>? Y)> _chunks = [];
        private ElementRef<T>[] _recorded = [];
        private ElementRef<T>[]? _replay;
        private int _count;
        private int _position;
        private bool _recording;

        // Replayed elements live in the cache and recorded ones in this cursor's chunks, which are never
        // overwritten while recorded elements point at them.
        public override bool Stable => true;

        public override void Restart()
        {
            _position = 0;
            if (stage.TryGetRecording(out ElementRef<T>[] elements, out int count))
            {
                _replay = elements;
                _count = count;
                _recording = false;
                return;
            }

            _replay = null;
            _recording = true;
            _count = 0;
            if (_recorded.Length == 0)
            {
                _recorded = new ElementRef<T>[stage.Cardinality > 0 ? (int)Math.Min(stage.Cardinality, int.MaxValue) : 16];
            }

            upstream.Restart();
        }

        public override bool MoveNext(out ElementRef<T> element)
        {
            if (_replay is not null)
            {
                if (_position < _count)
                {
                    element = _replay[_position++];
                    return true;
                }

                element = default;
                return false;
            }

            if (!_recording || !upstream.MoveNext(out ElementRef<T> next))
            {
                if (_recording)
                {
                    _recording = false;
                    stage.Publish(_recorded, _count);

                    // The published array and chunks now belong to the cache.
                    _recorded = [];
                    _chunks.Clear();
                }

                element = default;
                return false;
            }

            element = upstream.Stable ? next : Copy(next);
            if (_count == _recorded.Length)
            {
                Array.Resize(ref _recorded, _recorded.Length * 2);
            }

            _recorded[_count++] = element;
            return true;
        }

        public override void Stop()
        {
            if (_recording)
            {
                // Abandoned part-way: the partial recording is dropped and its storage reused next time.
                _recording = false;
                _count = 0;
            }

            upstream.Stop();
        }

        private ElementRef<T> Copy(in ElementRef<T> element)
        {
            ElementLayout layout = stage.Layout;
            int chunk = _count / ChunkElements;
            if (chunk == _chunks.Count)
            {
                int rows = ChunkElements * layout.MaxRows;
                _chunks.Add((ElementLayout.RowStorage<T>(rows, layout.XRow),
                    layout.YRow is Shape yRow ? ElementLayout.RowStorage<T>(rows, yRow) : null));
            }

            (Tensor<T> x, Tensor<T>? y) = _chunks[chunk];
            return element.CopyTo(x, y, (_count % ChunkElements) * layout.MaxRows, layout);
        }
    }
}
