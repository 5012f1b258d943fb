using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop;

/// <summary>A reusable batch-shaped buffer: storage sized for the largest batch seen so far and a view re-pointed
/// at its first rows for the current batch, so a steady-state training step allocates nothing. Layers keep one per
/// tensor they produce (outputs, input gradients, saved activations); a custom layer does the same:
/// <code>
/// private readonly BatchBuffer _output = new();
/// protected override Tensor&lt;T&gt; ForwardCore&lt;T&gt;(Tensor&lt;T&gt; input, bool training)
/// {
///     var y = _output.Rows&lt;T&gt;(input.Shape[0], OutputShape);   // (batch, …OutputShape), reused
///     …
/// }
/// </code>
/// The tensor it returns is overwritten by the next call for the same buffer; not thread-safe.</summary>
public sealed class BatchBuffer
{
    private Tensor? _storage;
    private Tensor? _view;

    // The storage's batch capacity and sample shape, and the view's rows, as plain fields: Rows runs for every
    // tensor of every layer in every step, where reading them back from the tensors' shapes cost ≈ 4% of a small
    // model's step.
    private int _capacity;
    private Shape _sample;
    private int _viewRows;

    /// <summary>A tensor of shape (<paramref name="rows"/>, …<paramref name="sampleShape"/>) whose contents are
    /// whatever the previous step left (callers overwrite it). It is a view of storage that grows only when a batch
    /// larger than any before arrives, or the sample shape or element type changes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public Tensor<T> Rows<T>(int rows, Shape sampleShape)
        where T : unmanaged, INumber<T>
    {
        if (_viewRows == rows && _view is Tensor<T> view && _sample == sampleShape)
        {
            return view;
        }

        return Resize<T>(rows, sampleShape);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Tensor<T> Resize<T>(int rows, Shape sampleShape)
        where T : unmanaged, INumber<T>
    {
        if (_storage is not Tensor<T> storage || _capacity < rows || _sample != sampleShape)
        {
            storage = Tensor<T>.LongLived(WithBatch(rows, sampleShape));
            _storage = storage;
            _view = storage.SliceRows(0, rows);
            _capacity = rows;
            _sample = sampleShape;
            _viewRows = rows;
        }

        var view = (Tensor<T>)_view!;
        if (_viewRows != rows)
        {
            view.RebindRows(storage, 0, rows);
            _viewRows = rows;
        }

        return view;
    }

    /// <summary>As <see cref="Rows{T}"/>, zero-filled.</summary>
    public Tensor<T> ZeroRows<T>(int rows, Shape sampleShape)
        where T : unmanaged, INumber<T>
    {
        var t = Rows<T>(rows, sampleShape);
        t.AsSpan().Clear();
        return t;
    }

    /// <summary>Forgets the buffers (after a dtype change or to free memory).</summary>
    public void Release()
    {
        _storage = null;
        _view = null;
        _capacity = 0;
        _viewRows = 0;
    }

    /// <summary>The shape (batch, …sample).</summary>
    public static Shape WithBatch(int batch, Shape sampleShape)
    {
        if (sampleShape.Rank >= Shape.MaxRank)
        {
            throw new ShapeMismatchException($"A sample of shape {sampleShape} plus a batch axis exceeds the maximum rank {Shape.MaxRank}.");
        }

        Span<int> dims = stackalloc int[Shape.MaxRank];
        dims[0] = batch;
        sampleShape.CopyTo(dims[1..]);
        return new Shape(dims[..(sampleShape.Rank + 1)]);
    }

    /// <summary>The shape without its first (batch) axis.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Shape SampleOf(Shape batchShape)
    {
        if (batchShape.Rank == 0)
        {
            return Shape.Scalar;
        }

        Span<int> dims = stackalloc int[Shape.MaxRank];
        batchShape.CopyTo(dims);
        return new Shape(dims[1..batchShape.Rank]);
    }
}
