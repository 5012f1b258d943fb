using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>Subnormal ("denormal") values flushed to zero where optimiser state is stored, as TensorFlow's CPU kernels
/// do (they run with the processor's flush-to-zero and denormals-are-zero flags set, so Keras never sees one there).
/// Why it matters: on Intel cores every operation that produces or reads a subnormal takes a microcode assist of
/// about a hundred cycles, and optimiser state decays geometrically wherever a gradient has become zero (a dead
/// ReLU unit, an input that is always zero): Adam's first moment falls by β₁ = 0.9 per step, SGD's velocity by its
/// momentum, RMSprop's average by ρ. Once such state reaches the subnormal range, each update of it is that slow: an
/// Adam step over 335,000 parameters took 2.5–3.8 ms with subnormal moments against 0.23 ms without (Intel Xeon,
/// family 6 model 207). NaN and infinities pass through unchanged, so the non-finite guards still see them.</summary>
internal static class Subnormals
{
    /// <summary>The smallest positive normal value of T: 2⁻¹²⁶ for float, 2⁻¹⁰²² for double, 2⁻¹⁴ for Half (a
    /// constant once compiled for float and double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SmallestNormal<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return (T)(object)1.17549435E-38f;
        }

        if (typeof(T) == typeof(double))
        {
            return (T)(object)2.2250738585072014E-308;
        }

        return T.ScaleB(T.One, -14);
    }

    /// <summary><paramref name="x"/>, or zero when it is subnormal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Flush<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> => ZeroBelow(x, SmallestNormal<T>());

    /// <summary><paramref name="x"/>, or zero when its magnitude is below <paramref name="least"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ZeroBelow<T>(T x, T least)
        where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x) < least ? T.Zero : x;

    /// <summary>Every lane of <paramref name="x"/>, or zero where its magnitude is below <paramref name="least"/>
    /// (<see cref="SmallestNormal{T}"/> to flush subnormals, <see cref="ProductThreshold{T}"/> before a product).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ZeroBelow<T>(Vector512<T> x, Vector512<T> least)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), least), Vector512<T>.Zero, x);

    /// <summary>Every lane of <paramref name="x"/>, or zero where its magnitude is below <paramref name="least"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ZeroBelow<T>(Vector<T> x, Vector<T> least)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), least), Vector<T>.Zero, x);

    /// <summary>An exponential moving average's step, <c>old + (target − old)·rate</c> (Keras's form of Adam's moments),
    /// as a flushing processor computes it: the difference is zero where its product with <paramref name="rate"/>
    /// would be subnormal (<paramref name="leastDifference"/> = <see cref="ProductThreshold{T}"/> of the rate), and a
    /// subnormal result is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MovingAverage<T>(T old, T target, T rate, T leastDifference)
        where T : unmanaged, IFloatingPointIeee754<T> => Flush(old + (ZeroBelow(target - old, leastDifference) * rate));

    /// <summary>Lane by lane, <see cref="MovingAverage{T}(T, T, T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MovingAverage<T>(Vector512<T> old, Vector512<T> target, Vector512<T> rate, Vector512<T> leastDifference, Vector512<T> leastNormal)
        where T : unmanaged, IFloatingPointIeee754<T> => ZeroBelow(old + (ZeroBelow(target - old, leastDifference) * rate), leastNormal);

    /// <summary>Lane by lane, <see cref="MovingAverage{T}(T, T, T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MovingAverage<T>(Vector<T> old, Vector<T> target, Vector<T> rate, Vector<T> leastDifference, Vector<T> leastNormal)
        where T : unmanaged, IFloatingPointIeee754<T> => ZeroBelow(old + (ZeroBelow(target - old, leastDifference) * rate), leastNormal);

    /// <summary>The least magnitude a factor may have so that its product with <paramref name="scale"/> is not subnormal:
    /// factors below it are replaced by zero before multiplying, which gives the product a flushing processor would
    /// give without the assist that computing it costs.</summary>
    public static T ProductThreshold<T>(T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T magnitude = T.Abs(scale);
        return magnitude == T.Zero ? T.PositiveInfinity : T.Max(SmallestNormal<T>(), SmallestNormal<T>() / magnitude);
    }
}
