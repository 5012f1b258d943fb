using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>max |x| over a span, NaN when any x is NaN and ∞ when any is infinite (and none NaN) — the non-finite
/// guard's one question about a gradient or a weight tensor. It compares the IEEE bit patterns with the sign bit
/// cleared as integers: for those, every finite value orders below ∞ and ∞ below every NaN, so one integer AND and
/// one integer max per vector answer it at memory speed (<c>TensorPrimitives.MaxMagnitude</c> spends several more
/// operations per vector on NaN and signed-zero rules the guard does not need). The same accumulation is used inside
/// the optimiser kernels, which measure the updated weights in the pass that writes them.</summary>
public static class LargestMagnitude
{
    /// <summary>max |x| (0 for an empty span; NaN if any element is NaN, else ∞ if any is infinite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Of<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return BitConverter.Int32BitsToSingle(OfBits(MemoryMarshal.Cast<T, int>(values), int.MaxValue));
        }

        if (typeof(T) == typeof(double))
        {
            return BitConverter.Int64BitsToDouble(OfBits(MemoryMarshal.Cast<T, long>(values), long.MaxValue));
        }

        double largest = 0;
        foreach (T value in values)
        {
            double magnitude = Math.Abs(double.CreateTruncating(value));
            largest = double.IsNaN(magnitude) || double.IsNaN(largest) ? double.NaN : Math.Max(largest, magnitude);
        }

        return largest;
    }

    /// <summary>Folds |x| of a vector into a running maximum held as sign-cleared bit patterns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Accumulate<T>(Vector512<T> largestBits, Vector512<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.Max(largestBits.AsInt32(), x.AsInt32() & Vector512.Create(int.MaxValue)).As<int, T>();
        }

        return Vector512.Max(largestBits.AsInt64(), x.AsInt64() & Vector512.Create(long.MaxValue)).As<long, T>();
    }

    /// <inheritdoc cref="Accumulate{T}(Vector512{T}, Vector512{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Accumulate<T>(Vector<T> largestBits, Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.As<int, T>(Vector.Max(Vector.As<T, int>(largestBits), Vector.As<T, int>(x) & new Vector<int>(int.MaxValue)));
        }

        return Vector.As<long, T>(Vector.Max(Vector.As<T, long>(largestBits), Vector.As<T, long>(x) & new Vector<long>(long.MaxValue)));
    }

    /// <summary>Folds |x| of one element into a running maximum of sign-cleared bit patterns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Accumulate<T>(long largestBits, T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long bits = typeof(T) == typeof(float)
            ? BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref x)) & int.MaxValue
            : BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref x)) & long.MaxValue;
        return Math.Max(largestBits, bits);
    }

    /// <summary>The magnitude a running maximum of bit patterns stands for, as a double (NaN and ∞ kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double ToMagnitude<T>(long largestBits)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? BitConverter.Int32BitsToSingle((int)largestBits) : BitConverter.Int64BitsToDouble(largestBits);

    /// <summary>The largest lane of a vector of bit patterns, folded into a scalar running maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Reduce<T>(long largestBits, Vector512<T> lanes)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Max(largestBits, typeof(T) == typeof(float) ? MaxLane(lanes.AsInt32()) : MaxLane(lanes.AsInt64()));

    /// <inheritdoc cref="Reduce{T}(long, Vector512{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Reduce<T>(long largestBits, Vector<T> lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < Vector<T>.Count; i++)
        {
            largestBits = Math.Max(largestBits, typeof(T) == typeof(float) ? Vector.As<T, int>(lanes)[i] : Vector.As<T, long>(lanes)[i]);
        }

        return largestBits;
    }

    /// <summary>max over <c>bits &amp; mask</c> as signed integers, four independent accumulators so the loop runs at
    /// load speed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TInt OfBits<TInt>(ReadOnlySpan<TInt> bits, TInt mask)
        where TInt : unmanaged, IBinaryInteger<TInt>, ISignedNumber<TInt>
    {
        ref TInt start = ref MemoryMarshal.GetReference(bits);
        int length = bits.Length;
        int i = 0;
        TInt largest = TInt.Zero;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<TInt>.Count)
        {
            int count = Vector512<TInt>.Count;
            var m = Vector512.Create(mask);
            Vector512<TInt> a = Vector512<TInt>.Zero, b = a, c = a, d = a;
            for (; i <= length - (4 * count); i += 4 * count)
            {
                a = Vector512.Max(a, Vector512.LoadUnsafe(ref start, (nuint)i) & m);
                b = Vector512.Max(b, Vector512.LoadUnsafe(ref start, (nuint)(i + count)) & m);
                c = Vector512.Max(c, Vector512.LoadUnsafe(ref start, (nuint)(i + (2 * count))) & m);
                d = Vector512.Max(d, Vector512.LoadUnsafe(ref start, (nuint)(i + (3 * count))) & m);
            }

            for (; i <= length - count; i += count)
            {
                a = Vector512.Max(a, Vector512.LoadUnsafe(ref start, (nuint)i) & m);
            }

            if (i < length)
            {
                // The last vector overlaps the one before: a maximum does not mind seeing an element twice.
                a = Vector512.Max(a, Vector512.LoadUnsafe(ref start, (nuint)(length - count)) & m);
            }

            return MaxLane(Vector512.Max(Vector512.Max(a, b), Vector512.Max(c, d)));
        }

        if (Vector256.IsHardwareAccelerated && length >= Vector256<TInt>.Count)
        {
            int count = Vector256<TInt>.Count;
            var m = Vector256.Create(mask);
            Vector256<TInt> a = Vector256<TInt>.Zero, b = a, c = a, d = a;
            for (; i <= length - (4 * count); i += 4 * count)
            {
                a = Vector256.Max(a, Vector256.LoadUnsafe(ref start, (nuint)i) & m);
                b = Vector256.Max(b, Vector256.LoadUnsafe(ref start, (nuint)(i + count)) & m);
                c = Vector256.Max(c, Vector256.LoadUnsafe(ref start, (nuint)(i + (2 * count))) & m);
                d = Vector256.Max(d, Vector256.LoadUnsafe(ref start, (nuint)(i + (3 * count))) & m);
            }

            for (; i <= length - count; i += count)
            {
                a = Vector256.Max(a, Vector256.LoadUnsafe(ref start, (nuint)i) & m);
            }

            if (i < length)
            {
                a = Vector256.Max(a, Vector256.LoadUnsafe(ref start, (nuint)(length - count)) & m);
            }

            return MaxLane(Vector256.Max(Vector256.Max(a, b), Vector256.Max(c, d)));
        }

        for (; i < length; i++)
        {
            largest = TInt.Max(largest, Unsafe.Add(ref start, i) & mask);
        }

        return largest;
    }

    private static TInt MaxLane<TInt>(Vector512<TInt> lanes)
        where TInt : unmanaged, IBinaryInteger<TInt>, ISignedNumber<TInt> =>
        MaxLane(Vector256.Max(lanes.GetLower(), lanes.GetUpper()));

    private static TInt MaxLane<TInt>(Vector256<TInt> lanes)
        where TInt : unmanaged, IBinaryInteger<TInt>, ISignedNumber<TInt>
    {
        var half = Vector128.Max(lanes.GetLower(), lanes.GetUpper());
        TInt largest = half.GetElement(0);
        for (int i = 1; i < Vector128<TInt>.Count; i++)
        {
            largest = TInt.Max(largest, half.GetElement(i));
        }

        return largest;
    }
}
