using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>Vectorised derivative kernels for the common activations (the forward passes go through
/// <see cref="Elementwise"/>). Every kernel allows the output span to be one of the inputs.</summary>
public static class ActivationKernels
{
    /// <summary>dx = dy where x &gt; 0, else 0 (ReLU′ with f′(0) = 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vx.Length; v++)
            {
                vdx[v] = Vector.ConditionalSelect(Vector.GreaterThan(vx[v], Vector<T>.Zero), vdy[v], Vector<T>.Zero);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            dx[i] = x[i] > T.Zero ? dy[i] : T.Zero;
        }
    }

    /// <summary>dx = dy · y · (1 − y), the sigmoid derivative from its output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vy.Length; v++)
            {
                var s = vy[v];
                vdx[v] = vdy[v] * s * (Vector<T>.One - s);
            }

            i = vy.Length * Vector<T>.Count;
        }

        for (; i < y.Length; i++)
        {
            T s = y[i];
            dx[i] = dy[i] * s * (T.One - s);
        }
    }

    /// <summary>dx = dy · (1 − y²), the tanh derivative from its output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vy.Length; v++)
            {
                var t = vy[v];
                vdx[v] = vdy[v] * (Vector<T>.One - t * t);
            }

            i = vy.Length * Vector<T>.Count;
        }

        for (; i < y.Length; i++)
        {
            T t = y[i];
            dx[i] = dy[i] * (T.One - t * t);
        }
    }

    /// <summary>Swish/SiLU derivative: dx = dy · σ(x) · (1 + x · (1 − σ(x))), with σ(x) recomputed from x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwishBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T s = Sigmoid(x[i]);
            dx[i] = dy[i] * s * (T.One + x[i] * (T.One - s));
        }
    }

    /// <summary>Log-softmax of one row as (x − max x) − log Σ e^(x − max x): subtracting the maximum first keeps the
    /// result exact to rounding even when |max x| is large (x − (max + log Σ) would lose ulp(max) of it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        T max = Elementwise.Max(x);
        T sum = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            sum += T.Exp(x[i] - max);
        }

        T logSum = T.Log(sum);
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] - max - logSum;
        }
    }

    /// <summary>σ(x) = 1/(1 + e^(−x)), finite for every x (e^(−x) → ∞ gives 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckLengths(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"Activation kernel spans differ in length: {a}, {b}, {c}.");
        }
    }
}
