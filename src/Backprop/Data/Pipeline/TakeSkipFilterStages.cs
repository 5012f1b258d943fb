using System.Numerics;

namespace Backprop.Data;

/// <summary>tf.data's <c>take(count)</c>: the first count elements (all of them when count is negative).</summary>
internal sealed class TakeStage<T>(Stage<T> upstream, long count) : Stage<T>
    where T : unmanaged, INumber<T>
{
    public override IPipelineNode? Previous => upstream;

    public override ElementLayout Layout => upstream.Layout;

    public override long Cardinality => count < 0 ? upstream.Cardinality
        : upstream.Cardinality == Dataset.UnknownCardinality ? Dataset.UnknownCardinality
        : upstream.Cardinality == Dataset.InfiniteCardinality ? count
        : Math.Min(count, upstream.Cardinality);

    public override Cursor<T> OpenCursor() => new TakeCursor(count, upstream.OpenCursor());

    public override bool TryGetRowSource(out RowSource<T> source)
    {
        bool random = upstream.TryGetRowSource(out source);
        source = random ? source.Take(count) : default;
        return random;
    }

    private sealed class TakeCursor(long count, Cursor<T> upstream) : Cursor<T>
    {
        private long _taken;

        public override bool Stable => upstream.Stable;

        public override void Restart()
        {
            upstream.Restart();
            _taken = 0;
        }

        public override bool MoveNext(out ElementRef<T> element)
        {
            if (count >= 0 && _taken >= count)
            {
                element = default;
                return false;
            }

            _taken++;
            return upstream.MoveNext(out element);
        }

        public override void Stop() => upstream.Stop();
    }
}

/// <summary>tf.data's <c>skip(count)</c>: all but the first count elements (none when count is negative).</summary>
internal sealed class SkipStage<T>(Stage<T> upstream, long count) : Stage<T>
    where T : unmanaged, INumber<T>
{
    public override IPipelineNode? Previous => upstream;

    public override ElementLayout Layout => upstream.Layout;

    public override long Cardinality => upstream.Cardinality < 0 ? upstream.Cardinality
        : count < 0 ? 0
        : Math.Max(0, upstream.Cardinality - count);

    public override Cursor<T> OpenCursor() => new SkipCursor(count, upstream.OpenCursor());

    public override bool TryGetRowSource(out RowSource<T> source)
    {
        bool random = upstream.TryGetRowSource(out source);
        source = random ? source.Skip(count) : default;
        return random;
    }

    private sealed class SkipCursor(long count, Cursor<T> upstream) : Cursor<T>
    {
        private bool _skipped;

        public override bool Stable => upstream.Stable;

        public override void Restart()
        {
            upstream.Restart();
            _skipped = false;
        }

        public override bool MoveNext(out ElementRef<T> element)
        {
            if (!_skipped)
            {
                _skipped = true;
                for (long i = 0; count < 0 || i < count; i++)
                {
                    if (!upstream.MoveNext(out _))
                    {
                        element = default;
                        return false;
                    }
                }
            }

            return upstream.MoveNext(out element);
        }

        public override void Stop() => upstream.Stop();
    }
}

/// <summary>tf.data's <c>filter(predicate)</c>: the elements for which the predicate holds; the cardinality
/// becomes unknown.</summary>
internal sealed class FilterStage<T>(Stage<T> upstream, Func<Batch<T>, bool> predicate) : Stage<T>
    where T : unmanaged, INumber<T>
{
    public override IPipelineNode? Previous => upstream;

    private readonly Func<Batch<T>, bool> _predicate = predicate;

    public override ElementLayout Layout => upstream.Layout;

    public override long Cardinality => upstream.Cardinality == 0 ? 0 : Dataset.UnknownCardinality;

    public override Cursor<T> OpenCursor() => new FilterCursor(this, upstream.OpenCursor());

    private sealed class FilterCursor(FilterStage<T> stage, Cursor<T> upstream) : Cursor<T>
    {
        private readonly Batch<T> _view = new();

        public override bool Stable => upstream.Stable;

        public override void Restart() => upstream.Restart();

        public override bool MoveNext(out ElementRef<T> element)
        {
            while (upstream.MoveNext(out element))
            {
                ViewBinding.Bind(_view, element, stage.Layout);
                if (stage._predicate(_view))
                {
                    return true;
                }
            }

            return false;
        }

        public override void Stop() => upstream.Stop();
    }
}
