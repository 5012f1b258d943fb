using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

/// <summary>Element-wise arithmetic, math functions, reductions, softmax and matrix products on tensors.
/// Every operation has an allocating form (returns a new tensor) and a <c>destination</c> form that writes into
/// a tensor you own and allocates nothing — the form layers use in training loops. Binary operations follow
/// numpy broadcasting (dimensions aligned from the right; a dimension of 1 stretches).</summary>
public static partial class Ops
{
    /// <summary>x + y, element-wise with numpy broadcasting. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Add<T>(Tensor<T> x, Tensor<T> y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.Apply(BinaryOp.Add, x, y, destination, "Add");

    /// <summary>x − y, element-wise with numpy broadcasting. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Subtract<T>(Tensor<T> x, Tensor<T> y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.Apply(BinaryOp.Subtract, x, y, destination, "Subtract");

    /// <summary>x·y, element-wise with numpy broadcasting (the Hadamard product; <see cref="MatMul{T}"/> is the matrix product). Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Multiply<T>(Tensor<T> x, Tensor<T> y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.Apply(BinaryOp.Multiply, x, y, destination, "Multiply");

    /// <summary>x / y, element-wise with numpy broadcasting. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Divide<T>(Tensor<T> x, Tensor<T> y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.Apply(BinaryOp.Divide, x, y, destination, "Divide");

    /// <summary>Element-wise maximum (numpy's <c>maximum</c>).</summary>
    public static Tensor<T> Maximum<T>(Tensor<T> x, Tensor<T> y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.Apply(BinaryOp.Maximum, x, y, destination, "Maximum");

    /// <summary>Element-wise minimum (numpy's <c>minimum</c>).</summary>
    public static Tensor<T> Minimum<T>(Tensor<T> x, Tensor<T> y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.Apply(BinaryOp.Minimum, x, y, destination, "Minimum");

    /// <summary>x + y for every element of x. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Add<T>(Tensor<T> x, T y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.ApplyScalar(BinaryOp.Add, x, y, destination, "Add");

    /// <summary>x − y for every element of x. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Subtract<T>(Tensor<T> x, T y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.ApplyScalar(BinaryOp.Subtract, x, y, destination, "Subtract");

    /// <summary>x·y for every element of x. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Multiply<T>(Tensor<T> x, T y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.ApplyScalar(BinaryOp.Multiply, x, y, destination, "Multiply");

    /// <summary>x / y for every element of x. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Divide<T>(Tensor<T> x, T y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.ApplyScalar(BinaryOp.Divide, x, y, destination, "Divide");

    /// <summary>max(x, y) for every element of x (numpy's <c>maximum</c> with a scalar; ReLU is <c>Maximum(x, 0)</c>). Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Maximum<T>(Tensor<T> x, T y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.ApplyScalar(BinaryOp.Maximum, x, y, destination, "Maximum");

    /// <summary>min(x, y) for every element of x. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Minimum<T>(Tensor<T> x, T y, Tensor<T>? destination = null) where T : unmanaged, INumber<T> => Broadcasting.ApplyScalar(BinaryOp.Minimum, x, y, destination, "Minimum");

    /// <summary>−x. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Negate<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, INumber<T>
    {
        var d = Unary.Target(x, destination, "Negate");
        Elementwise.Negate(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>|x|. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Abs<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, INumber<T>
    {
        var d = Unary.Target(x, destination, "Abs");
        Elementwise.Abs(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>x², element-wise. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Square<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, INumber<T>
    {
        var d = Unary.Target(x, destination, "Square");
        Elementwise.Multiply(x.AsSpan(), x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>eˣ, element-wise. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Exp<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Exp");
        Elementwise.Exp(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>Natural logarithm; −∞ at 0 and NaN below, as numpy.</summary>
    public static Tensor<T> Log<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Log");
        Elementwise.Log(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>tanh x, element-wise. Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Tanh<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Tanh");
        Elementwise.Tanh(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>σ(x) = 1 / (1 + e^−x).</summary>
    public static Tensor<T> Sigmoid<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Sigmoid");
        Elementwise.Sigmoid(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>√x, element-wise (NaN below 0, as numpy). Written into <paramref name="destination"/> when given, else into a new tensor.</summary>
    public static Tensor<T> Sqrt<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Sqrt");
        Elementwise.Sqrt(x.AsSpan(), d.AsSpan());
        return d;
    }

    /// <summary>x raised to the power <paramref name="exponent"/>, element-wise.</summary>
    public static Tensor<T> Pow<T>(Tensor<T> x, T exponent, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Pow");
        Elementwise.Pow(x.AsSpan(), exponent, d.AsSpan());
        return d;
    }

    /// <summary>Softmax along the last axis, stable at any logits (the row maximum is subtracted first).</summary>
    public static Tensor<T> Softmax<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "Softmax");
        int n = x.Rank == 0 ? 1 : x.Shape[-1];
        var src = x.AsSpan();
        var dst = d.AsSpan();
        for (int start = 0; start < src.Length; start += n)
        {
            Elementwise.Softmax(src.Slice(start, n), dst.Slice(start, n));
        }

        return d;
    }

    /// <summary>Log-softmax along the last axis: <c>x − logsumexp(x)</c> per row, finite wherever x is.</summary>
    public static Tensor<T> LogSoftmax<T>(Tensor<T> x, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Unary.Target(x, destination, "LogSoftmax");
        int n = x.Rank == 0 ? 1 : x.Shape[-1];
        var src = x.AsSpan();
        var dst = d.AsSpan();
        for (int start = 0; start < src.Length; start += n)
        {
            Elementwise.LogSoftmax(src.Slice(start, n), dst.Slice(start, n));
        }

        return d;
    }

    /// <summary>Matrix product of rank-2 tensors, <c>op(a)·op(b)</c>, through the GEMM kernel. With a
    /// <paramref name="destination"/>, computes <c>α·op(a)·op(b) + β·destination</c> in place.</summary>
    public static Tensor<T> MatMul<T>(Tensor<T> a, Tensor<T> b, bool transposeA = false, bool transposeB = false,
        Tensor<T>? destination = null, T? alpha = null, T? beta = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank != 2 || b.Rank != 2)
        {
            throw new ShapeMismatchException($"MatMul needs two matrices; got shapes {a.Shape} and {b.Shape}.");
        }

        int m = transposeA ? a.Shape[1] : a.Shape[0];
        int k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0];
        int n = transposeB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
        {
            throw ShapeMismatchException.For($"MatMul{(transposeA ? " (a transposed)" : "")}{(transposeB ? " (b transposed)" : "")}", a.Shape, b.Shape, $"inner dimensions {k} and {kb} differ");
        }

        var c = destination ?? new Tensor<T>(m, n);
        if (c.Shape != new Shape(m, n))
        {
            throw new ShapeMismatchException($"MatMul: destination has shape {c.Shape}, expected {new Shape(m, n)} for {a.Shape} × {b.Shape}.");
        }

        Gemm.Multiply(transposeA, transposeB, m, n, k, alpha ?? T.One, a.AsSpan(), a.Shape[1], b.AsSpan(), b.Shape[1],
            destination is null ? T.Zero : beta ?? T.Zero, c.AsSpan(), n);
        return c;
    }
}
