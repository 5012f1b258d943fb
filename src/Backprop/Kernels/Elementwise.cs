using System.Runtime.CompilerServices;
using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Backprop.Kernels;

/// <summary>Span-level element-wise and reduction kernels. This is the one place that imports
/// System.Numerics.Tensors (whose own <c>Tensor</c> type would clash with ours); everything vectorised and simple
/// goes through <c>TensorPrimitives</c>, while numerically delicate ops (softmax) are written out here.</summary>
public static class Elementwise
{
    /// <summary>destination = x + y, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Add(x, y, destination);

    /// <summary>destination = x + y for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : INumber<T> => TP.Add(x, y, destination);

    /// <summary>destination = x − y, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Subtract(x, y, destination);

    /// <summary>destination = x − y for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : INumber<T> => TP.Subtract(x, y, destination);

    /// <summary>destination = x − y for every element of y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract<T>(T x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Subtract(x, y, destination);

    /// <summary>destination = x·y, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Multiply(x, y, destination);

    /// <summary>destination = x·y for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : INumber<T> => TP.Multiply(x, y, destination);

    /// <summary>destination = x / y, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Divide<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Divide(x, y, destination);

    /// <summary>destination = x / y for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Divide<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : INumber<T> => TP.Divide(x, y, destination);

    /// <summary>destination = x / y for every element of y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Divide<T>(T x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Divide(x, y, destination);

    /// <summary>destination = x·y + z (fused multiply-add where the hardware has it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> z, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.MultiplyAdd(x, y, z, destination);

    /// <summary>destination = x·y + z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.MultiplyAdd(x, y, z, destination);

    /// <summary>destination = −x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Negate<T>(ReadOnlySpan<T> x, Span<T> destination) where T : INumber<T> => TP.Negate(x, destination);

    /// <summary>destination = |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Abs<T>(ReadOnlySpan<T> x, Span<T> destination) where T : INumber<T> => TP.Abs(x, destination);

    /// <summary>destination = eˣ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.Exp(x, destination);

    /// <summary>destination = ln x (−∞ at 0, NaN below).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.Log(x, destination);

    /// <summary>destination = tanh x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.Tanh(x, destination);

    /// <summary>destination = σ(x) = 1/(1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.Sigmoid(x, destination);

    /// <summary>destination = √x (NaN below 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sqrt<T>(ReadOnlySpan<T> x, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.Sqrt(x, destination);

    /// <summary>destination = x^y for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pow<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : IFloatingPointIeee754<T> => TP.Pow(x, y, destination);

    /// <summary>destination = max(x, y), element by element (NaN if either is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Max<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Max(x, y, destination);

    /// <summary>destination = max(x, y) for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Max<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : INumber<T> => TP.Max(x, y, destination);

    /// <summary>destination = min(x, y), element by element (NaN if either is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Min<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : INumber<T> => TP.Min(x, y, destination);

    /// <summary>destination = min(x, y) for every element of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Min<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : INumber<T> => TP.Min(x, y, destination);

    /// <summary>Σx.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Sum<T>(ReadOnlySpan<T> x) where T : INumber<T> => TP.Sum(x);

    /// <summary>Σx².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T SumOfSquares<T>(ReadOnlySpan<T> x) where T : INumber<T> => TP.SumOfSquares(x);

    /// <summary>Σ|x|.</summary>
    public static T SumOfMagnitudes<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T> => TP.SumOfMagnitudes(x);

    /// <summary><c>g[i] += factor·sign(w[i])</c> with sign(±0) = 0 and sign(NaN) = NaN: the gradient of an L1
    /// penalty, vectorised. The reference loop it matches bit for bit is <c>AddScaledSignReference</c> in the tests.</summary>
    public static void AddScaledSign<T>(ReadOnlySpan<T> w, T factor, Span<T> g) where T : IFloatingPointIeee754<T>
    {
        if (w.Length != g.Length)
        {
            throw new ArgumentException($"AddScaledSign needs spans of one length; got {w.Length} and {g.Length}.", nameof(g));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var plus = new Vector<T>(factor);
            var minus = -plus;
            for (; i <= w.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var wv = new Vector<T>(w[i..]);
                // w − w is +0 for finite w and NaN for NaN; ±∞ never reach it (they are > 0 or < 0).
                var term = Vector.ConditionalSelect(Vector.GreaterThan(wv, Vector<T>.Zero), plus,
                    Vector.ConditionalSelect(Vector.LessThan(wv, Vector<T>.Zero), minus, wv - wv));
                (new Vector<T>(g[i..]) + term).CopyTo(g[i..]);
            }
        }

        for (; i < w.Length; i++)
        {
            g[i] += w[i] > T.Zero ? factor : w[i] < T.Zero ? -factor : w[i] - w[i];
        }
    }

    /// <summary>Σ xᵢ·yᵢ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : INumber<T> => TP.Dot(x, y);

    /// <summary>Largest element; NaN if any element is NaN (numpy's <c>max</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Max<T>(ReadOnlySpan<T> x) where T : INumber<T> => TP.Max(x);

    /// <summary>Smallest element; NaN if any element is NaN (numpy's <c>min</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Min<T>(ReadOnlySpan<T> x) where T : INumber<T> => TP.Min(x);

    /// <summary>Index of the first largest element (numpy's <c>argmax</c>), with TensorPrimitives.IndexOfMax's rules:
    /// the first NaN wins, +0 counts above −0, −1 for an empty span.</summary>
    /// <remarks>Rows of a few classes (accuracy metrics) are scanned here: TensorPrimitives' generic instantiation
    /// would otherwise run at tier 0 through a process's first Fits, one library call per row.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfMax<T>(ReadOnlySpan<T> x) where T : INumber<T>
    {
        if (x.Length > ShortRow)
        {
            return TP.IndexOfMax(x);
        }

        int index = -1;
        T best = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            T value = x[i];
            if (T.IsNaN(value))
            {
                return i;
            }

            if (index < 0 || value > best || (value == best && T.IsNegative(best) && !T.IsNegative(value)))
            {
                (best, index) = (value, i);
            }
        }

        return index;
    }

    /// <summary>Longest row <see cref="IndexOfMax{T}"/> scans itself.</summary>
    internal const int ShortRow = 64;

    /// <summary>Index of the first smallest element (numpy's <c>argmin</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfMin<T>(ReadOnlySpan<T> x) where T : INumber<T> => TP.IndexOfMin(x);

    /// <summary>Softmax of one row, stable for any logits: <c>exp(x − max x) / Σ exp(x − max x)</c>.
    /// (TensorPrimitives.SoftMax does not subtract the maximum and overflows at large logits.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> destination) where T : IFloatingPointIeee754<T>
    {
        T max = TP.Max(x);
        TP.Subtract(x, max, destination);
        TP.Exp(destination, destination);
        T sum = TP.Sum((ReadOnlySpan<T>)destination);
        TP.Divide(destination, sum, destination);
    }

    /// <summary>Log-softmax of one row: <c>x − max x − log Σ exp(x − max x)</c>, exact in the tails where
    /// log(softmax) would underflow to −∞. <paramref name="destination"/> may be <paramref name="x"/> itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSoftmax<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TP.Max(x);
        // Σ exp(x − max) in chunks through a stack buffer, so x is still intact for the final subtraction.
        Span<T> chunk = stackalloc T[256];
        T sum = T.Zero;
        for (int start = 0; start < x.Length; start += chunk.Length)
        {
            var part = x.Slice(start, Math.Min(chunk.Length, x.Length - start));
            var buffer = chunk[..part.Length];
            TP.Subtract(part, max, buffer);
            TP.Exp(buffer, buffer);
            sum += TP.Sum((ReadOnlySpan<T>)buffer);
        }

        // (x − max) − log Σ, not x − (max + log Σ): the sum max + log Σ would round away digits at large logits.
        TP.Subtract(x, max, destination);
        TP.Subtract((ReadOnlySpan<T>)destination, T.Log(sum), destination);
    }
}
