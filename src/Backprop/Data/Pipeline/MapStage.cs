using System.Numerics;

namespace Backprop.Data;

/// <summary>tf.data's <c>map</c>: calls a function that fills an output element (views of a reused buffer with
/// the declared row shapes and the same number of rows) from an input element.</summary>
internal sealed class MapStage<TIn, TOut> : Stage<TOut>
    where TIn : unmanaged, INumber<TIn>
    where TOut : unmanaged, INumber<TOut>
{
    private readonly Stage<TIn> _upstream;
    private readonly Action<Batch<TIn>, Batch<TOut>> _map;

    public MapStage(Stage<TIn> upstream, Action<Batch<TIn>, Batch<TOut>> map, Shape? xRow, Shape? yRow)
    {
        _upstream = upstream;
        _map = map;
        ElementLayout input = upstream.Layout;
        if (yRow is not null && input.YRow is null)
        {
            throw new ArgumentException("Map: the dataset has no targets (y), so the map cannot declare a y shape.", nameof(yRow));
        }

        Layout = input with { XRow = xRow ?? input.XRow, YRow = input.YRow is null ? null : yRow ?? input.YRow };
    }

    public override IPipelineNode? Previous => _upstream;

    public override ElementLayout Layout { get; }

    public override long Cardinality => _upstream.Cardinality;

    public override Cursor<TOut> OpenCursor() => new MapCursor(this, _upstream.OpenCursor());

    private sealed class MapCursor(MapStage<TIn, TOut> stage, Cursor<TIn> upstream) : Cursor<TOut>
    {
        private readonly Tensor<TOut> _x = ElementLayout.RowStorage<TOut>(stage.Layout.MaxRows, stage.Layout.XRow);
        private readonly Tensor<TOut>? _y = stage.Layout.YRow is Shape yRow ? ElementLayout.RowStorage<TOut>(stage.Layout.MaxRows, yRow) : null;
        private readonly Batch<TIn> _input = new();
        private readonly Batch<TOut> _output = new();

        public override bool Stable => false;

        public override void Restart() => upstream.Restart();

        public override bool MoveNext(out ElementRef<TOut> element)
        {
            if (!upstream.MoveNext(out ElementRef<TIn> input))
            {
                element = default;
                return false;
            }

            element = new ElementRef<TOut> { XStore = _x, XRow = 0, YStore = _y, YRow = 0, Rows = input.Rows };
            ViewBinding.Bind(_input, input, stage._upstream.Layout);
            ViewBinding.Bind(_output, element, stage.Layout);
            stage._map(_input, _output);
            return true;
        }

        public override void Stop() => upstream.Stop();
    }
}
