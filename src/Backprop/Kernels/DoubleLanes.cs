using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>A vector of doubles of one width, for kernels that compute in double over float or double data: one
/// generic loop then serves both element types and every width. A vector covers <see cref="Count"/> consecutive
/// values of T: float is widened exactly on load and narrowed with one rounding (to nearest even) on store, as
/// the scalar casts do. Every operation is rounded once as IEEE 754 specifies (the fused multiply–add included,
/// which <see cref="ScalarLane"/> computes with <see cref="Math.FusedMultiplyAdd"/>), so each lane evaluates
/// exactly the scalar expression written with the same operations. <see cref="ScalarLane"/> (one double) is both
/// the fallback without SIMD and the tail after the last whole vector.</summary>
internal unsafe interface IDoubleLanes<TVector>
    where TVector : struct
{
    /// <summary>Doubles per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Create(double value);

    static abstract TVector Load(double* source);

    static abstract void Store(double* destination, TVector value);

    /// <summary><see cref="Count"/> values of T at <paramref name="source"/>, as doubles.</summary>
    static abstract TVector LoadWidened<T>(T* source)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>T(value), stored as <see cref="Count"/> values at <paramref name="destination"/>.</summary>
    static abstract void StoreNarrowed<T>(T* destination, TVector value)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>x̂ = T(value) stored at <paramref name="xhat"/>, and <c>γ·x̂ + β</c> evaluated in T (γ taken as 1
    /// unless <paramref name="scale"/>, β as 0 unless <paramref name="shift"/>) at <paramref name="y"/>. One
    /// method, so x̂ is narrowed once: the JIT does not share a conversion between two calls, and conversions bound
    /// these passes.</summary>
    static abstract void StoreNormalized<T>(T* xhat, T* y, TVector value, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>As <see cref="StoreNarrowed{T}(T*, TVector)"/> for 2·<see cref="Count"/> values, low then high: float
    /// narrows into one full-width vector, so half the stores and (in <see cref="StoreNormalized{T}(T*, T*, TVector,
    /// TVector, T*, T*, bool, bool)"/>) half the float operations.</summary>
    static abstract void StoreNarrowed<T>(T* destination, TVector low, TVector high)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>As <see cref="StoreNormalized{T}(T*, T*, TVector, T*, T*, bool, bool)"/> for 2·<see cref="Count"/>
    /// values, low then high.</summary>
    static abstract void StoreNormalized<T>(T* xhat, T* y, TVector low, TVector high, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Whether the partial forms below are vector operations (masked loads and stores, AVX and AVX-512);
    /// where not, kernels take the last features one at a time instead.</summary>
    static abstract bool HasPartial { get; }

    /// <summary>The first <paramref name="count"/> (0 &lt; count &lt; <see cref="Count"/>) values at
    /// <paramref name="source"/>, zeros after them; memory past them is not read.</summary>
    static abstract TVector LoadPartial(double* source, int count);

    /// <summary>Stores the first <paramref name="count"/> lanes; memory past them is not written.</summary>
    static abstract void StorePartial(double* destination, TVector value, int count);

    /// <summary><see cref="LoadWidened{T}(T*)"/> of the first <paramref name="count"/> values, zeros after.</summary>
    static abstract TVector LoadWidenedPartial<T>(T* source, int count)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary><see cref="StoreNarrowed{T}(T*, TVector)"/> of the first <paramref name="count"/> lanes.</summary>
    static abstract void StoreNarrowedPartial<T>(T* destination, TVector value, int count)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary><see cref="StoreNormalized{T}(T*, T*, TVector, T*, T*, bool, bool)"/> of the first
    /// <paramref name="count"/> lanes (γ and β read for those lanes only).</summary>
    static abstract void StoreNormalizedPartial<T>(T* xhat, T* y, TVector value, T* gamma, T* beta, bool scale, bool shift, int count)
        where T : unmanaged, IFloatingPointIeee754<T>;

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    // The operations below serve the element-wise functions of DoubleLaneMath (exp, erfc, …). Each is exact or
    // rounded once as IEEE 754 specifies, in every width and in ScalarLane, so those functions give the same bits
    // at every width.

    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>a·b + c rounded once.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>a &lt; b ? a : b per lane (b when either is NaN: x86 <c>minpd</c>).</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>a &gt; b ? a : b per lane (b when either is NaN: x86 <c>maxpd</c>).</summary>
    static abstract TVector Max(TVector a, TVector b);

    static abstract TVector Abs(TVector a);

    /// <summary>The nearest integer, ties to even.</summary>
    static abstract TVector Round(TVector a);

    /// <summary>2ⁿ for every lane's integral n in [−1022, 1023], built from its exponent bits.</summary>
    static abstract TVector PowerOfTwo(TVector n);

    /// <summary>All bits set in the lanes where a &lt; b, zero elsewhere (false for NaN).</summary>
    static abstract TVector LessThan(TVector a, TVector b);

    /// <summary>All bits set in the lanes that hold NaN.</summary>
    static abstract TVector IsNaN(TVector a);

    /// <summary>Per lane, <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TVector Select(TVector mask, TVector whenTrue, TVector whenFalse);

    /// <summary>Whether any lane of <paramref name="mask"/> is set.</summary>
    static abstract bool Any(TVector mask);
}

/// <summary>AVX-512: eight doubles, float converted directly to and from 256-bit vectors.</summary>
internal readonly unsafe struct Lanes512 : IDoubleLanes<Vector512<double>>
{
    public static bool IsUsable => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    public static int Count => Vector512<double>.Count;

    public static bool HasPartial => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Mask(int count) => Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)count)).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FloatMask(int count) => Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LoadPartial(double* source, int count) => Avx512F.MaskLoad(source, Mask(count), Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(double* destination, Vector512<double> value, int count) => Avx512F.MaskStore(destination, Mask(count), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LoadWidenedPartial<T>(T* source, int count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Avx512F.ConvertToVector512Double(Avx512F.VL.MaskLoad((float*)source, FloatMask(count), Vector256<float>.Zero))
            : LoadPartial((double*)source, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedPartial<T>(T* destination, Vector512<double> value, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Avx512F.VL.MaskStore((float*)destination, FloatMask(count), Avx512F.ConvertToVector256Single(value));
        }
        else
        {
            StorePartial((double*)destination, value, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalizedPartial<T>(T* xhat, T* y, Vector512<double> value, T* gamma, T* beta, bool scale, bool shift, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var mask = FloatMask(count);
            var normalized = Avx512F.ConvertToVector256Single(value);
            Avx512F.VL.MaskStore((float*)xhat, mask, normalized);
            var scaled = scale ? Avx512F.VL.MaskLoad((float*)gamma, mask, Vector256<float>.Zero) * normalized : normalized;
            Avx512F.VL.MaskStore((float*)y, mask, shift ? scaled + Avx512F.VL.MaskLoad((float*)beta, mask, Vector256<float>.Zero) : scaled);
        }
        else
        {
            StorePartial((double*)xhat, value, count);
            var scaled = scale ? LoadPartial((double*)gamma, count) * value : value;
            StorePartial((double*)y, shift ? scaled + LoadPartial((double*)beta, count) : scaled, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Create(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(double* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector512<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LoadWidened<T>(T* source)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Avx512F.ConvertToVector512Double(Vector256.Load((float*)source)) : Vector512.Load((double*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, Vector512<double> value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Avx512F.ConvertToVector256Single(value).Store((float*)destination);
        }
        else
        {
            value.Store((double*)destination);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, Vector512<double> value, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var normalized = Avx512F.ConvertToVector256Single(value);
            normalized.Store((float*)xhat);
            var scaled = scale ? Vector256.Load((float*)gamma) * normalized : normalized;
            (shift ? scaled + Vector256.Load((float*)beta) : scaled).Store((float*)y);
        }
        else
        {
            value.Store((double*)xhat);
            var scaled = scale ? Vector512.Load((double*)gamma) * value : value;
            (shift ? scaled + Vector512.Load((double*)beta) : scaled).Store((double*)y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, Vector512<double> low, Vector512<double> high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Vector512.Narrow(low, high).Store((float*)destination);
        }
        else
        {
            low.Store((double*)destination);
            high.Store((double*)destination + Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, Vector512<double> low, Vector512<double> high, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var normalized = Vector512.Narrow(low, high);
            normalized.Store((float*)xhat);
            var scaled = scale ? Vector512.Load((float*)gamma) * normalized : normalized;
            (shift ? scaled + Vector512.Load((float*)beta) : scaled).Store((float*)y);
        }
        else
        {
            StoreNormalized(xhat, y, low, gamma, beta, scale, shift);
            StoreNormalized(xhat + Count, y + Count, high, gamma + Count, beta + Count, scale, shift);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> FusedMultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(Vector512.LessThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Abs(Vector512<double> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Round(Vector512<double> a) => Vector512.Round(a);

    // n + 1.5·2⁵² holds n in its low mantissa bits; adding the bias and shifting moves n + 1023 into the exponent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PowerOfTwo(Vector512<double> n) => Vector512.ShiftLeft((n + Vector512.Create(DoubleLaneMath.RoundingShift)).AsInt64() + Vector512.Create(1023L), 52).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LessThan(Vector512<double> a, Vector512<double> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> IsNaN(Vector512<double> a) => ~Vector512.Equals(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Select(Vector512<double> mask, Vector512<double> whenTrue, Vector512<double> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector512<double> mask) => mask.AsInt64() != Vector512<long>.Zero;
}

/// <summary>AVX: four doubles, float converted directly to and from 128-bit vectors.</summary>
internal readonly unsafe struct Lanes256 : IDoubleLanes<Vector256<double>>
{
    public static bool IsUsable => Vector256.IsHardwareAccelerated && Avx.IsSupported;

    public static int Count => Vector256<double>.Count;

    public static bool HasPartial => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Mask(int count) => Vector256.LessThan(Vector256<long>.Indices, Vector256.Create((long)count)).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> FloatMask(int count) => Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LoadPartial(double* source, int count) => Avx.MaskLoad(source, Mask(count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(double* destination, Vector256<double> value, int count) => Avx.MaskStore(destination, Mask(count), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LoadWidenedPartial<T>(T* source, int count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Avx.ConvertToVector256Double(Avx.MaskLoad((float*)source, FloatMask(count)))
            : LoadPartial((double*)source, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowedPartial<T>(T* destination, Vector256<double> value, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Avx.MaskStore((float*)destination, FloatMask(count), Avx.ConvertToVector128Single(value));
        }
        else
        {
            StorePartial((double*)destination, value, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalizedPartial<T>(T* xhat, T* y, Vector256<double> value, T* gamma, T* beta, bool scale, bool shift, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var mask = FloatMask(count);
            var normalized = Avx.ConvertToVector128Single(value);
            Avx.MaskStore((float*)xhat, mask, normalized);
            var scaled = scale ? Avx.MaskLoad((float*)gamma, mask) * normalized : normalized;
            Avx.MaskStore((float*)y, mask, shift ? scaled + Avx.MaskLoad((float*)beta, mask) : scaled);
        }
        else
        {
            StorePartial((double*)xhat, value, count);
            var scaled = scale ? LoadPartial((double*)gamma, count) * value : value;
            StorePartial((double*)y, shift ? scaled + LoadPartial((double*)beta, count) : scaled, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Create(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(double* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector256<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LoadWidened<T>(T* source)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Avx.ConvertToVector256Double(Vector128.Load((float*)source)) : Vector256.Load((double*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, Vector256<double> value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Avx.ConvertToVector128Single(value).Store((float*)destination);
        }
        else
        {
            value.Store((double*)destination);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, Vector256<double> value, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var normalized = Avx.ConvertToVector128Single(value);
            normalized.Store((float*)xhat);
            var scaled = scale ? Vector128.Load((float*)gamma) * normalized : normalized;
            (shift ? scaled + Vector128.Load((float*)beta) : scaled).Store((float*)y);
        }
        else
        {
            value.Store((double*)xhat);
            var scaled = scale ? Vector256.Load((double*)gamma) * value : value;
            (shift ? scaled + Vector256.Load((double*)beta) : scaled).Store((double*)y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, Vector256<double> low, Vector256<double> high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Vector256.Narrow(low, high).Store((float*)destination);
        }
        else
        {
            low.Store((double*)destination);
            high.Store((double*)destination + Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, Vector256<double> low, Vector256<double> high, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var normalized = Vector256.Narrow(low, high);
            normalized.Store((float*)xhat);
            var scaled = scale ? Vector256.Load((float*)gamma) * normalized : normalized;
            (shift ? scaled + Vector256.Load((float*)beta) : scaled).Store((float*)y);
        }
        else
        {
            StoreNormalized(xhat, y, low, gamma, beta, scale, shift);
            StoreNormalized(xhat + Count, y + Count, high, gamma + Count, beta + Count, scale, shift);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> FusedMultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Min(Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(Vector256.LessThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Abs(Vector256<double> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Round(Vector256<double> a) => Vector256.Round(a);

    // n + 1.5·2⁵² holds n in its low mantissa bits; adding the bias and shifting moves n + 1023 into the exponent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> PowerOfTwo(Vector256<double> n) => Vector256.ShiftLeft((n + Vector256.Create(DoubleLaneMath.RoundingShift)).AsInt64() + Vector256.Create(1023L), 52).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LessThan(Vector256<double> a, Vector256<double> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> IsNaN(Vector256<double> a) => ~Vector256.Equals(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> mask, Vector256<double> whenTrue, Vector256<double> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector256<double> mask) => mask.AsInt64() != Vector256<long>.Zero;
}

/// <summary>128-bit SIMD (Arm64, or x86 without AVX): two doubles; two floats move as one 64-bit scalar.</summary>
internal readonly unsafe struct Lanes128 : IDoubleLanes<Vector128<double>>
{
    public static bool IsUsable => Vector128.IsHardwareAccelerated;

    public static int Count => Vector128<double>.Count;

    public static bool HasPartial => false;

    public static Vector128<double> LoadPartial(double* source, int count) => Vector128.Create(source[0], count > 1 ? source[1] : 0);

    public static void StorePartial(double* destination, Vector128<double> value, int count)
    {
        for (int i = 0; i < count; i++)
        {
            destination[i] = value.GetElement(i);
        }
    }

    public static Vector128<double> LoadWidenedPartial<T>(T* source, int count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector128.Create(double.CreateTruncating(source[0]), count > 1 ? double.CreateTruncating(source[1]) : 0);

    public static void StoreNarrowedPartial<T>(T* destination, Vector128<double> value, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < count; i++)
        {
            ScalarLane.StoreNarrowed(destination + i, value.GetElement(i));
        }
    }

    public static void StoreNormalizedPartial<T>(T* xhat, T* y, Vector128<double> value, T* gamma, T* beta, bool scale, bool shift, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < count; i++)
        {
            ScalarLane.StoreNormalized(xhat + i, y + i, value.GetElement(i), gamma + i, beta + i, scale, shift);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Create(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(double* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector128<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LoadWidened<T>(T* source)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Vector128.WidenLower(LoadTwo((float*)source)) : Vector128.Load((double*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, Vector128<double> value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            StoreTwo((float*)destination, Vector128.Narrow(value, value));
        }
        else
        {
            value.Store((double*)destination);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, Vector128<double> value, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            // The upper two float lanes carry copies (or zeros) and are never stored.
            var normalized = Vector128.Narrow(value, value);
            StoreTwo((float*)xhat, normalized);
            var scaled = scale ? LoadTwo((float*)gamma) * normalized : normalized;
            StoreTwo((float*)y, shift ? scaled + LoadTwo((float*)beta) : scaled);
        }
        else
        {
            value.Store((double*)xhat);
            var scaled = scale ? Vector128.Load((double*)gamma) * value : value;
            (shift ? scaled + Vector128.Load((double*)beta) : scaled).Store((double*)y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, Vector128<double> low, Vector128<double> high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Vector128.Narrow(low, high).Store((float*)destination);
        }
        else
        {
            low.Store((double*)destination);
            high.Store((double*)destination + Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, Vector128<double> low, Vector128<double> high, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var normalized = Vector128.Narrow(low, high);
            normalized.Store((float*)xhat);
            var scaled = scale ? Vector128.Load((float*)gamma) * normalized : normalized;
            (shift ? scaled + Vector128.Load((float*)beta) : scaled).Store((float*)y);
        }
        else
        {
            StoreNormalized(xhat, y, low, gamma, beta, scale, shift);
            StoreNormalized(xhat + Count, y + Count, high, gamma + Count, beta + Count, scale, shift);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> FusedMultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Min(Vector128<double> a, Vector128<double> b) => Vector128.ConditionalSelect(Vector128.LessThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Max(Vector128<double> a, Vector128<double> b) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Abs(Vector128<double> a) => Vector128.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Round(Vector128<double> a) => Vector128.Round(a);

    // n + 1.5·2⁵² holds n in its low mantissa bits; adding the bias and shifting moves n + 1023 into the exponent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> PowerOfTwo(Vector128<double> n) => Vector128.ShiftLeft((n + Vector128.Create(DoubleLaneMath.RoundingShift)).AsInt64() + Vector128.Create(1023L), 52).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> LessThan(Vector128<double> a, Vector128<double> b) => Vector128.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> IsNaN(Vector128<double> a) => ~Vector128.Equals(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Select(Vector128<double> mask, Vector128<double> whenTrue, Vector128<double> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Vector128<double> mask) => mask.AsInt64() != Vector128<long>.Zero;

    // Two floats in the low lanes, read as one 64-bit value so nothing past them is touched.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> LoadTwo(float* source) => Vector128.CreateScalar(Unsafe.ReadUnaligned<double>(source)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTwo(float* destination, Vector128<float> value) => Unsafe.WriteUnaligned(destination, value.AsDouble().ToScalar());
}

/// <summary>One double: the tail of a row or block after the last whole vector, and the whole pass without SIMD.</summary>
internal readonly unsafe struct ScalarLane : IDoubleLanes<double>
{
    public static int Count => 1;

    public static bool HasPartial => false;

    // Below one lane a partial count is 0: nothing to load (zeros) and nothing to store.
    public static double LoadPartial(double* source, int count) => 0;

    public static void StorePartial(double* destination, double value, int count)
    {
    }

    public static double LoadWidenedPartial<T>(T* source, int count)
        where T : unmanaged, IFloatingPointIeee754<T> => 0;

    public static void StoreNarrowedPartial<T>(T* destination, double value, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }

    public static void StoreNormalizedPartial<T>(T* xhat, T* y, double value, T* gamma, T* beta, bool scale, bool shift, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Create(double value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Load(double* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, double value) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LoadWidened<T>(T* source)
        where T : unmanaged, IFloatingPointIeee754<T> => double.CreateTruncating(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, double value)
        where T : unmanaged, IFloatingPointIeee754<T> => *destination = T.CreateTruncating(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, double value, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T normalized = T.CreateTruncating(value);
        *xhat = normalized;
        T scaled = scale ? *gamma * normalized : normalized;
        *y = shift ? scaled + *beta : scaled;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed<T>(T* destination, double low, double high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        StoreNarrowed(destination, low);
        StoreNarrowed(destination + 1, high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNormalized<T>(T* xhat, T* y, double low, double high, T* gamma, T* beta, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        StoreNormalized(xhat, y, low, gamma, beta, scale, shift);
        StoreNormalized(xhat + 1, y + 1, high, gamma + 1, beta + 1, scale, shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Subtract(double a, double b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Multiply(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double a, double b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FusedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Min(double a, double b) => a < b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max(double a, double b) => a > b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Abs(double a) => Math.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Round(double a) => Math.Round(a, MidpointRounding.ToEven);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double PowerOfTwo(double n) => BitConverter.Int64BitsToDouble(((long)n + 1023) << 52);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LessThan(double a, double b) => a < b ? AllBits : 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double IsNaN(double a) => double.IsNaN(a) ? AllBits : 0.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Select(double mask, double whenTrue, double whenFalse) => BitConverter.DoubleToInt64Bits(mask) != 0 ? whenTrue : whenFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(double mask) => BitConverter.DoubleToInt64Bits(mask) != 0;

    // A mask lane with every bit set, as the vector comparisons give it.
    private static double AllBits => BitConverter.Int64BitsToDouble(-1L);
}
