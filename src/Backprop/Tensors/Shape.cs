using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Backprop;

/// <summary>The dimensions of a dense, row-major tensor of rank 0 to 4. A value type: comparing, copying
/// and indexing a shape never allocates.</summary>
/// <remarks>The members a training step reads are compiled optimised at their first call
/// (<c>AggressiveOptimization</c>), as are the other small per-step methods of tensors, layers, parameters and the
/// trainer: a process's second Fit runs before the runtime's tier-up, and at tier 0 each read is a call into
/// unoptimised code. Optimised callers still inline them. See docs/performance.md, "The second Fit: accessors and
/// per-step methods off tier 0".</remarks>
public readonly struct Shape : IEquatable<Shape>
{
    /// <summary>The highest rank a tensor may have.</summary>
    public const int MaxRank = 4;

    private readonly int _d0, _d1, _d2, _d3;

    /// <summary>Number of dimensions, 0 (a scalar) to <see cref="MaxRank"/>.</summary>
    public int Rank { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    private readonly int _length;

    /// <summary>Number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Length
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Rank == 0 ? 1 : _length;
    }

    /// <summary>Creates a shape; every dimension must be ≥ 0 and the element count must fit in an int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Shape(params ReadOnlySpan<int> dimensions)
    {
        long length = 1;
        bool valid = dimensions.Length <= MaxRank;
        for (int i = 0; valid && i < dimensions.Length; i++)
        {
            length *= dimensions[i];
            valid = dimensions[i] >= 0 && length <= int.MaxValue;
        }

        if (!valid)
        {
            ThrowInvalid(dimensions);
        }

        Rank = dimensions.Length;
        _length = (int)length;
        _d0 = Rank > 0 ? dimensions[0] : 0;
        _d1 = Rank > 1 ? dimensions[1] : 0;
        _d2 = Rank > 2 ? dimensions[2] : 0;
        _d3 = Rank > 3 ? dimensions[3] : 0;
    }

    /// <summary>The shape of a scalar.</summary>
    public static Shape Scalar => default;

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end as in numpy.</summary>
    public int this[int axis]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        get
        {
            int a = NormalizeAxis(axis);
            return a switch { 0 => _d0, 1 => _d1, 2 => _d2, _ => _d3 };
        }
    }

    /// <summary>Maps a possibly negative axis to 0..Rank-1, or throws naming the shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public int NormalizeAxis(int axis)
    {
        // Small enough to inline into the indexer: shape reads sit on every layer call of a training step.
        int a = axis < 0 ? axis + Rank : axis;
        if ((uint)a >= (uint)Rank)
        {
            ThrowAxisOutOfRange(axis);
        }

        return a;
    }

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray()
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            dims[i] = this[i];
        }

        return dims;
    }

    /// <summary>A copy with dimension <paramref name="axis"/> set to <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Shape WithDimension(int axis, int value)
    {
        Span<int> dims = stackalloc int[MaxRank];
        CopyTo(dims);
        dims[NormalizeAxis(axis)] = value;
        return new Shape(dims[..Rank]);
    }

    /// <summary>Writes the dimensions into <paramref name="destination"/> (at least <see cref="Rank"/> long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CopyTo(Span<int> destination)
    {
        for (int i = 0; i < Rank; i++)
        {
            destination[i] = this[i];
        }
    }

    /// <summary>Product of the dimensions after <paramref name="axis"/> (the row-major stride of that axis).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Stride(int axis)
    {
        int a = NormalizeAxis(axis);
        int stride = 1;
        for (int i = a + 1; i < Rank; i++)
        {
            stride *= this[i];
        }

        return stride;
    }

    /// <summary>The constructor's errors, apart from it so that its optimised compile stays small.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalid(ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Length > MaxRank)
        {
            throw new ArgumentException($"A tensor has at most {MaxRank} dimensions; got {dimensions.Length}: {Format(dimensions)}.", nameof(dimensions));
        }

        long length = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] < 0)
            {
                throw new ArgumentException($"Dimensions must be non-negative; got {Format(dimensions)}.", nameof(dimensions));
            }

            length *= dimensions[i];
            if (length > int.MaxValue)
            {
                throw new ArgumentException($"Shape {Format(dimensions)} has more than {int.MaxValue} elements.", nameof(dimensions));
            }
        }

        throw new System.Diagnostics.UnreachableException();
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowAxisOutOfRange(int axis) =>
        throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis {axis} is out of range for shape {this} of rank {Rank}.");

    /// <summary>True when both shapes have the same rank and dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Equals(Shape other)
    {
        return Rank == other.Rank && _d0 == other._d0 && _d1 == other._d1 && _d2 == other._d2 && _d3 == other._d3;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Rank, _d0, _d1, _d2, _d3);

    /// <summary>True when both shapes have the same rank and dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>True when the shapes differ in rank or in a dimension.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>A shape from its dimensions, so <c>[2, 3]</c> works where a shape is expected.</summary>
    public static implicit operator Shape(int[] dimensions) => new(dimensions);

    /// <summary>numpy's tuple notation: <c>()</c>, <c>(5,)</c>, <c>(2, 3)</c>.</summary>
    public override string ToString()
    {
        Span<int> dims = stackalloc int[MaxRank];
        CopyTo(dims);
        return Format(dims[..Rank]);
    }

    internal static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i]);
        }

        if (dims.Length == 1)
        {
            sb.Append(',');
        }

        return sb.Append(')').ToString();
    }
}
