using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop;

/// <summary>A dense, row-major tensor of <typeparamref name="T"/> (float or double for models; integer types
/// for data files). Contiguous always: reshape and row slices are zero-copy views of the same buffer, and
/// transposes are left to the matrix kernels. Tensors made by <see cref="Rent"/> take their buffer from a pool and
/// give it back on <see cref="Dispose"/>, so a steady-state training step allocates nothing.</summary>
public sealed partial class Tensor<T> : Tensor, IDisposable
    where T : unmanaged, INumber<T>
{
    private T[] _buffer;
    private int _offset;
    private Shape _shape;
    private bool _pooled;

    internal Tensor(T[] buffer, int offset, Shape shape, bool pooled)
    {
        if (offset < 0 || offset + (long)shape.Length > buffer.Length)
        {
            throw new ArgumentException($"A buffer of {buffer.Length} elements cannot hold shape {shape} at offset {offset}.");
        }

        _buffer = buffer;
        _offset = offset;
        _shape = shape;
        _pooled = pooled;
        KernelWarmup.Start();
    }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    /// <remarks>From 85,000 bytes on (the large-object heap's threshold) its first element starts on a 64-byte boundary
    /// and never moves, as PyTorch aligns its CPU tensors; see <see cref="LongLived"/> for a model's own state.</remarks>
    public Tensor(Shape shape)
        : this(shape, longLived: false)
    {
    }

    private Tensor(Shape shape, bool longLived)
        : this(LargeBuffers.AllocateAligned<T>(shape.Length, longLived, out int offset), offset, shape, pooled: false)
    {
    }

    /// <summary>A zero-filled tensor for state that lives as long as a model (its weights, their gradients, optimizer
    /// slots, layer and batch buffers): whatever its size, its first element starts on a 64-byte boundary and the
    /// buffer never moves, so the kernels' vector loads and stores never straddle two cache lines, and a model trains
    /// as fast whatever was allocated before it.</summary>
    internal static Tensor<T> LongLived(Shape shape) => new(shape, longLived: true);

    /// <summary>A zero-filled tensor of the given dimensions.</summary>
    public Tensor(params int[] dimensions)
        : this(new Shape(dimensions))
    {
    }

    /// <summary>Wraps <paramref name="data"/> without copying; the tensor and the array share memory.</summary>
    public static Tensor<T> Wrap(T[] data, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.Length)
        {
            throw new ShapeMismatchException($"Cannot view {data.Length} elements as shape {shape} ({shape.Length} elements).");
        }

        return new Tensor<T>(data, 0, shape, pooled: false);
    }

    /// <summary>A tensor whose buffer comes from a shared pool; its contents are undefined until written.
    /// Call <see cref="Dispose"/> to give the buffer back.</summary>
    public static Tensor<T> Rent(Shape shape)
    {
        T[] buffer = shape.Length == 0 ? [] : ArrayPool<T>.Shared.Rent(shape.Length);
        return new Tensor<T>(buffer, 0, shape, pooled: shape.Length != 0);
    }

    /// <inheritdoc/>
    public override Shape Shape
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => _shape;
    }

    /// <inheritdoc/>
    public override DType DType => DTypes.Of<T>();

    /// <summary>The elements as a span over the shared buffer (row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public Span<T> AsSpan() => new(_buffer, _offset, _shape.Length);

    /// <summary>The elements of rows [<paramref name="start"/>, <paramref name="start"/>+<paramref name="count"/>)
    /// along axis 0, as a span.</summary>
    public Span<T> RowSpan(int start, int count = 1)
    {
        CheckRows(start, count);
        int stride = RowStride;
        return new Span<T>(_buffer, _offset + start * stride, count * stride);
    }

    /// <summary>The underlying array (shared with views); use with <see cref="Offset"/>.</summary>
    internal T[] Buffer => _buffer;

    /// <summary>Where this tensor's first element sits in <see cref="Buffer"/>.</summary>
    internal int Offset => _offset;

    /// <summary>Elements per index of axis 0 (1 for a scalar or a vector).</summary>
    public int RowStride => _shape.Rank <= 1 ? 1 : _shape.Stride(0);

    /// <summary>Element access for a vector.</summary>
    public T this[int i]
    {
        get => AsSpan()[Index(i)];
        set => AsSpan()[Index(i)] = value;
    }

    /// <summary>Element access for a matrix.</summary>
    public T this[int i, int j]
    {
        get => AsSpan()[Index(i, j)];
        set => AsSpan()[Index(i, j)] = value;
    }

    /// <summary>Element access for a rank-3 tensor.</summary>
    public T this[int i, int j, int k]
    {
        get => AsSpan()[Index(i, j, k)];
        set => AsSpan()[Index(i, j, k)] = value;
    }

    /// <summary>Element access for a rank-4 tensor.</summary>
    public T this[int i, int j, int k, int l]
    {
        get => AsSpan()[Index(i, j, k, l)];
        set => AsSpan()[Index(i, j, k, l)] = value;
    }

    /// <summary>The value of a one-element tensor (any rank).</summary>
    public T ToScalar()
    {
        if (_shape.Length != 1)
        {
            throw new InvalidOperationException($"ToScalar() needs a tensor with one element; this one has shape {_shape}.");
        }

        return _buffer[_offset];
    }

    /// <summary>A view of the same elements with another shape; one dimension may be -1 (inferred).</summary>
    public Tensor<T> Reshape(params int[] dimensions) => new(_buffer, _offset, ResolveReshape(dimensions), pooled: false);

    /// <summary>A view of the same elements with another shape of the same length.</summary>
    public Tensor<T> Reshape(Shape shape)
    {
        if (shape.Length != _shape.Length)
        {
            throw new ShapeMismatchException($"Reshape: cannot view shape {_shape} ({_shape.Length} elements) as {shape} ({shape.Length} elements).");
        }

        return new Tensor<T>(_buffer, _offset, shape, pooled: false);
    }

    /// <summary>A zero-copy view of rows [<paramref name="start"/>, <paramref name="start"/>+<paramref name="count"/>)
    /// along axis 0, as numpy's <c>x[start:start+count]</c>.</summary>
    public Tensor<T> SliceRows(int start, int count)
    {
        CheckRows(start, count);
        return new Tensor<T>(_buffer, _offset + start * RowStride, _shape.WithDimension(0, count), pooled: false);
    }

    /// <summary>Points this tensor (a view) at rows [<paramref name="start"/>, <paramref name="start"/>+<paramref name="count"/>)
    /// of <paramref name="source"/> without allocating: the allocation-free form of <see cref="SliceRows"/> for
    /// training loops that reuse one view object per batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RebindRows(Tensor<T> source, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_pooled)
        {
            throw new InvalidOperationException("A tensor that owns a pooled buffer cannot be rebound; rebind a view instead.");
        }

        source.CheckRows(start, count);
        _buffer = source._buffer;
        _offset = source._offset + start * source.RowStride;
        _shape = source._shape.WithDimension(0, count);
    }

    /// <summary>A deep copy with its own buffer.</summary>
    public Tensor<T> Clone()
    {
        var copy = new Tensor<T>(_shape);
        AsSpan().CopyTo(copy.AsSpan());
        return copy;
    }

    /// <summary>Copies <paramref name="source"/>'s elements into this tensor; the shapes must be equal.</summary>
    public void CopyFrom(Tensor<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source._shape != _shape)
        {
            throw ShapeMismatchException.For("CopyFrom", _shape, source._shape);
        }

        source.AsSpan().CopyTo(AsSpan());
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(T value) => AsSpan().Fill(value);

    /// <summary>The elements in row-major order, as a new array.</summary>
    public new T[] ToArray() => AsSpan().ToArray();

    /// <inheritdoc/>
    public override double[] ToDoubleArray()
    {
        var span = AsSpan();
        var result = new double[span.Length];
        for (int i = 0; i < span.Length; i++)
        {
            result[i] = double.CreateTruncating(span[i]);
        }

        return result;
    }

    /// <inheritdoc/>
    public override float[] ToSingleArray()
    {
        var span = AsSpan();
        var result = new float[span.Length];
        for (int i = 0; i < span.Length; i++)
        {
            result[i] = float.CreateTruncating(span[i]);
        }

        return result;
    }

    /// <inheritdoc/>
    public override double GetDouble(int flatIndex)
    {
        var span = AsSpan();
        if ((uint)flatIndex >= (uint)span.Length)
        {
            ThrowFlatIndex(flatIndex, span.Length);
        }

        return double.CreateTruncating(span[flatIndex]);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowFlatIndex(int flatIndex, int length)
        => throw new ArgumentOutOfRangeException(nameof(flatIndex), flatIndex, $"The tensor has {length} elements (flat indices 0 to {length - 1}).");

    /// <summary>Gives a pooled buffer back; views and ordinary tensors ignore this. Do not use the tensor
    /// afterwards.</summary>
    public void Dispose()
    {
        if (_pooled)
        {
            _pooled = false;
            T[] buffer = _buffer;
            _buffer = [];
            _shape = new Shape(0);
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    /// <summary>numpy-like text: <c>array([[1., 2.], [3., 4.]], dtype=float32)</c>, with "..." past 1000 elements.</summary>
    public override string ToString() => TensorFormatter.Format(this);

    private Shape ResolveReshape(int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw new ShapeMismatchException($"Reshape: only one dimension may be -1; got {Shape.Format(dimensions)}.");
                }

                inferred = i;
            }
            else if (dimensions[i] < 0)
            {
                throw new ShapeMismatchException($"Reshape: invalid dimension {dimensions[i]} in {Shape.Format(dimensions)}.");
            }
            else
            {
                known *= dimensions[i];
            }
        }

        if (inferred >= 0)
        {
            if (known == 0 || _shape.Length % known != 0)
            {
                throw new ShapeMismatchException($"Reshape: cannot view shape {_shape} ({_shape.Length} elements) as {Shape.Format(dimensions)}.");
            }

            int[] resolved = (int[])dimensions.Clone();
            resolved[inferred] = (int)(_shape.Length / known);
            return Reshape(new Shape(resolved))._shape;
        }

        if (known != _shape.Length)
        {
            throw new ShapeMismatchException($"Reshape: cannot view shape {_shape} ({_shape.Length} elements) as {Shape.Format(dimensions)} ({known} elements).");
        }

        return new Shape(dimensions);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckRows(int start, int count)
    {
        if (_shape.Rank == 0)
        {
            throw new InvalidOperationException("A scalar has no rows to slice.");
        }

        if (start < 0 || count < 0 || start > _shape[0] - count)
        {
            ThrowRowsOutside(start, count);
        }
    }

    // Apart from CheckRows so that the per-step methods inlining it compile small.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRowsOutside(int start, int count) =>
        throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside axis 0 of shape {_shape}.");

    private int Index(int i)
    {
        CheckRank(1);
        return Check(i, 0);
    }

    private int Index(int i, int j)
    {
        CheckRank(2);
        return Check(i, 0) * _shape[1] + Check(j, 1);
    }

    private int Index(int i, int j, int k)
    {
        CheckRank(3);
        return (Check(i, 0) * _shape[1] + Check(j, 1)) * _shape[2] + Check(k, 2);
    }

    private int Index(int i, int j, int k, int l)
    {
        CheckRank(4);
        return ((Check(i, 0) * _shape[1] + Check(j, 1)) * _shape[2] + Check(k, 2)) * _shape[3] + Check(l, 3);
    }

    private void CheckRank(int rank)
    {
        if (_shape.Rank != rank)
        {
            throw new ArgumentException($"Indexing with {rank} indices needs a rank-{rank} tensor; this one has shape {_shape}.");
        }
    }

    private int Check(int index, int axis)
    {
        int n = _shape[axis];
        if ((uint)index >= (uint)n)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Index {index} is out of range for axis {axis} of shape {_shape}.");
        }

        return index;
    }
}
