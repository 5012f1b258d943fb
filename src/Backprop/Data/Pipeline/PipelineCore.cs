using System.Numerics;

namespace Backprop.Data;

/// <summary>The static shape of a pipeline's elements: the per-row shapes of x and y, and whether elements are
/// batches (1 to <see cref="MaxRows"/> rows) or single rows.</summary>
internal sealed record ElementLayout(Shape XRow, Shape? YRow, bool Batched, int MaxRows, bool FixedRows)
{
    public int XRowLength => XRow.Length;

    public int YRowLength => YRow?.Length ?? 0;

    /// <summary>A tensor that can hold <paramref name="rows"/> rows of x, shaped (rows, ...XRow).</summary>
    public static Tensor<T> RowStorage<T>(int rows, Shape row)
        where T : unmanaged, INumber<T>
    {
        Span<int> dims = stackalloc int[Shape.MaxRank];
        if (row.Rank + 1 > Shape.MaxRank)
        {
            throw new ArgumentException($"Rows of shape {row} cannot be stacked: a tensor has at most {Shape.MaxRank} dimensions.");
        }

        dims[0] = rows;
        row.CopyTo(dims[1..]);
        // Reused batch after batch: on a cache line, as a model's own buffers are.
        return Tensor<T>.LongLived(new Shape(dims[..(row.Rank + 1)]));
    }
}

/// <summary>Where one pipeline element lives: <see cref="Rows"/> consecutive rows of the row-indexable storage
/// tensors (shaped (R, ...row shape)), starting at <see cref="XRow"/> and <see cref="YRow"/>. A value, so that
/// passing elements between stages allocates nothing.</summary>
internal struct ElementRef<T>
    where T : unmanaged, INumber<T>
{
    public Tensor<T> XStore;
    public int XRow;
    public Tensor<T>? YStore;
    public int YRow;
    public int Rows;

    public readonly Span<T> XSpan(int rowLength) => new(XStore.Buffer, XStore.Offset + XRow * rowLength, Rows * rowLength);

    public readonly Span<T> YSpan(int rowLength) => new(YStore!.Buffer, YStore.Offset + YRow * rowLength, Rows * rowLength);

    /// <summary>Copies this element into rows starting at <paramref name="row"/> of the given storage and returns
    /// the reference to the copy.</summary>
    public readonly ElementRef<T> CopyTo(Tensor<T> xStore, Tensor<T>? yStore, int row, ElementLayout layout)
    {
        XSpan(layout.XRowLength).CopyTo(xStore.RowSpan(row, Rows));
        if (yStore is not null)
        {
            YSpan(layout.YRowLength).CopyTo(yStore.RowSpan(row, Rows));
        }

        return new ElementRef<T> { XStore = xStore, XRow = row, YStore = yStore, YRow = row, Rows = Rows };
    }
}

/// <summary>One transformation of a dataset: knows its element layout and cardinality, and opens cursors.
/// Stages are immutable apart from cross-epoch state (a shuffle's epoch counter, a finished cache).</summary>
internal abstract class Stage<T> : IPipelineNode
    where T : unmanaged, INumber<T>
{
    /// <summary>The stage this one reads from, or null for a source.</summary>
    public virtual IPipelineNode? Previous => null;

    public abstract ElementLayout Layout { get; }

    public abstract long Cardinality { get; }

    /// <summary>True when every element is one row of a fixed pair of tensors, reachable by position: the stage
    /// is then a <see cref="RowSource{T}"/> (FromTensorSlices, possibly after Take, Skip or Cache).</summary>
    public virtual bool TryGetRowSource(out RowSource<T> source)
    {
        source = default;
        return false;
    }

    /// <summary>A new cursor chain for this stage and its upstream; cursors are reused across epochs.</summary>
    public abstract Cursor<T> OpenCursor();
}

/// <summary>A stage seen without its element type, for walking a pipeline from its end to its source.</summary>
internal interface IPipelineNode
{
    IPipelineNode? Previous { get; }
}

/// <summary>Pulls elements through one stage. A cursor belongs to one enumeration at a time and is restarted
/// for each epoch, so its buffers are allocated once.</summary>
internal abstract class Cursor<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>True when the elements handed out stay valid until the enumeration ends (they point into
    /// source or cache memory); false when they are only valid until the next <see cref="MoveNext"/>.</summary>
    public abstract bool Stable { get; }

    /// <summary>Begins a new epoch (restarts the upstream too).</summary>
    public abstract void Restart();

    /// <summary>The next element, or false at the end of the epoch.</summary>
    public abstract bool MoveNext(out ElementRef<T> element);

    /// <summary>The enumeration ended or was abandoned: release anything running in the background.</summary>
    public virtual void Stop()
    {
    }
}

/// <summary>Points the reusable views of a <see cref="Batch{T}"/> at an element.</summary>
internal static class ViewBinding
{
    public static void Bind<T>(Batch<T> views, in ElementRef<T> element, ElementLayout layout)
        where T : unmanaged, INumber<T>
    {
        views.X = BindOne(views.XOrNull, element.XStore, element.XRow, element.Rows, layout.Batched, layout.XRow);
        views.Y = element.YStore is null ? null : BindOne(views.Y, element.YStore, element.YRow, element.Rows, layout.Batched, layout.YRow!.Value);
        views.Count = element.Rows;
    }

    private static Tensor<T> BindOne<T>(Tensor<T>? view, Tensor<T> store, int row, int rows, bool batched, Shape rowShape)
        where T : unmanaged, INumber<T>
    {
        if (!batched)
        {
            // A single row may be a scalar, which a rebound row view cannot express, so unbatched elements
            // get a fresh view each; only batched elements reuse one.
            return new Tensor<T>(store.Buffer, store.Offset + row * rowShape.Length, rowShape, pooled: false);
        }

        if (view is null)
        {
            return store.SliceRows(row, rows);
        }

        view.RebindRows(store, row, rows);
        return view;
    }
}
