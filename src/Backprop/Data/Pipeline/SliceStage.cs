using System.Numerics;

namespace Backprop.Data;

/// <summary>The source of <see cref="Dataset.FromTensorSlices{T}(Tensor{T})"/>: row i of x (and y). Elements
/// point straight into the given tensors, so they are stable and nothing is copied.</summary>
internal sealed class SliceStage<T> : Stage<T>
    where T : unmanaged, INumber<T>
{
    private readonly Tensor<T> _x;
    private readonly Tensor<T>? _y;

    public SliceStage(Tensor<T> x, Tensor<T>? y)
    {
        _x = x;
        _y = y;
        Layout = new ElementLayout(RowShape(x.Shape), y is null ? (Shape?)null : RowShape(y.Shape), Batched: false, MaxRows: 1, FixedRows: true);
    }

    public override ElementLayout Layout { get; }

    public override long Cardinality => _x.Shape[0];

    public override Cursor<T> OpenCursor() => new SliceCursor(this);

    public override bool TryGetRowSource(out RowSource<T> source)
    {
        source = new RowSource<T>(_x, _y, 0, _x.Shape[0]);
        return true;
    }

    private static Shape RowShape(Shape shape)
    {
        Span<int> dims = stackalloc int[Shape.MaxRank];
        shape.CopyTo(dims);
        return new Shape(dims[1..shape.Rank]);
    }

    private sealed class SliceCursor(SliceStage<T> stage) : Cursor<T>
    {
        private int _next;

        public override bool Stable => true;

        public override void Restart() => _next = 0;

        public override bool MoveNext(out ElementRef<T> element)
        {
            if (_next >= stage._x.Shape[0])
            {
                element = default;
                return false;
            }

            element = new ElementRef<T> { XStore = stage._x, XRow = _next, YStore = stage._y, YRow = _next, Rows = 1 };
            _next++;
            return true;
        }
    }
}
