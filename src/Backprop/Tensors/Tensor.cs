using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>A dense, row-major tensor of rank 0 to 4, seen without its element type. Every tensor is a
/// <see cref="Tensor{T}"/>; this base lets a model, a layer or a list of weights hold float32 and float64
/// tensors alike. The static methods create tensors: <c>Tensor.From(data, 2, 3)</c>.</summary>
public abstract partial class Tensor
{
    private protected Tensor()
    {
    }

    /// <summary>The dimensions.</summary>
    public abstract Shape Shape { get; }

    /// <summary>The element type.</summary>
    public abstract DType DType { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Shape.Rank;
    }

    /// <summary>Number of elements.</summary>
    public int Length
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Shape.Length;
    }

    /// <summary>The elements in row-major order, widened to double. On a <see cref="Tensor{T}"/> the typed
    /// <see cref="Tensor{T}.ToArray"/> hides this one and returns <c>T[]</c>.</summary>
    public double[] ToArray() => ToDoubleArray();

    /// <summary>The elements in row-major order, converted to double.</summary>
    public abstract double[] ToDoubleArray();

    /// <summary>The elements in row-major order, converted to float.</summary>
    public abstract float[] ToSingleArray();

    /// <summary>Element <paramref name="flatIndex"/> (row-major) as a double.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="flatIndex"/> is negative or not below <see cref="Length"/>.</exception>
    public abstract double GetDouble(int flatIndex);
}
