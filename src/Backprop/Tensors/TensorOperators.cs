using System.Numerics;

namespace Backprop;

public sealed partial class Tensor<T>
{
    /// <summary>Element-wise sum with numpy broadcasting (allocates; use <see cref="Ops.Add{T}(Tensor{T}, Tensor{T}, Tensor{T})"/> with a destination in loops).</summary>
    public static Tensor<T> operator +(Tensor<T> x, Tensor<T> y) => Ops.Add(x, y);

    /// <summary>Element-wise difference x − y with numpy broadcasting (allocates).</summary>
    public static Tensor<T> operator -(Tensor<T> x, Tensor<T> y) => Ops.Subtract(x, y);

    /// <summary>Element-wise (Hadamard) product; use <see cref="Ops.MatMul{T}"/> for the matrix product.</summary>
    public static Tensor<T> operator *(Tensor<T> x, Tensor<T> y) => Ops.Multiply(x, y);

    /// <summary>Element-wise quotient x / y with numpy broadcasting (allocates).</summary>
    public static Tensor<T> operator /(Tensor<T> x, Tensor<T> y) => Ops.Divide(x, y);

    /// <summary>x + y for every element (allocates).</summary>
    public static Tensor<T> operator +(Tensor<T> x, T y) => Ops.Add(x, y);

    /// <summary>x − y for every element (allocates).</summary>
    public static Tensor<T> operator -(Tensor<T> x, T y) => Ops.Subtract(x, y);

    /// <summary>x·y for every element (allocates).</summary>
    public static Tensor<T> operator *(Tensor<T> x, T y) => Ops.Multiply(x, y);

    /// <summary>x / y for every element (allocates).</summary>
    public static Tensor<T> operator /(Tensor<T> x, T y) => Ops.Divide(x, y);

    /// <summary>x·y for every element of y (allocates).</summary>
    public static Tensor<T> operator *(T x, Tensor<T> y) => Ops.Multiply(y, x);

    /// <summary>−x, element by element (allocates).</summary>
    public static Tensor<T> operator -(Tensor<T> x) => Ops.Negate(x);
}
