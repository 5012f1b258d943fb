using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Random;

/// <summary>Vectorised Box–Muller: two uniforms u₁ ∈ (0, 1], u₂ ∈ [0, 1) give two independent standard normals
/// <c>√(−2 ln u₁)·cos 2πu₂</c> and <c>√(−2 ln u₁)·sin 2πu₂</c>. ln, sin and cos are our own polynomials built only
/// from IEEE additions, multiplications, fused multiply-adds, divisions and square roots, so the bits are the same on
/// every machine and .NET version (unlike Math.Log, which calls the C runtime). A scalar value is computed by the
/// same vector code on a broadcast vector, so scalar and vector paths agree bit for bit.
/// Accuracy: float ln/sin/cos within ~2 ulp (Cephes logf/sinf/cosf minimax polynomials), double within ~2 ulp
/// (atanh series for ln to s²¹, Taylor series for sin/cos on [−π/4, π/4] to x¹⁸); see BoxMullerAccuracyTests.</summary>
internal static class BoxMuller
{
    private const float FloatUnit = 1.0f / (1 << 24);
    private const double DoubleUnit = 1.0 / (1L << 53);

    /// <summary>Uniform on (0, 1] with 24 bits: never 0, so the logarithm stays finite (|z| ≤ 5.77).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> OpenUnitSingle(Vector256<uint> word) =>
        Vector256.ConvertToSingle(((word >>> 8) + Vector256<uint>.One).AsInt32()) * Vector256.Create(FloatUnit);

    /// <summary>Uniform on [0, 1) with 24 bits: <c>(word >> 8)·2⁻²⁴</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> UnitSingle(Vector256<uint> word) =>
        Vector256.ConvertToSingle((word >>> 8).AsInt32()) * Vector256.Create(FloatUnit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> OpenUnitSingle(Vector512<uint> word) =>
        Vector512.ConvertToSingle(((word >>> 8) + Vector512<uint>.One).AsInt32()) * Vector512.Create(FloatUnit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnitSingle(Vector512<uint> word) =>
        Vector512.ConvertToSingle((word >>> 8).AsInt32()) * Vector512.Create(FloatUnit);

    /// <summary>Uniform on (0, 1] with 53 bits (|z| ≤ 8.57).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> OpenUnitDouble(Vector256<ulong> bits) =>
        Vector256.ConvertToDouble(((bits >>> 11) + Vector256<ulong>.One).AsInt64()) * Vector256.Create(DoubleUnit);

    /// <summary>Uniform on [0, 1) with 53 bits: <c>(bits >> 11)·2⁻⁵³</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> UnitDouble(Vector256<ulong> bits) =>
        Vector256.ConvertToDouble((bits >>> 11).AsInt64()) * Vector256.Create(DoubleUnit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transform(Vector256<uint> radiusWord, Vector256<uint> angleWord, out Vector256<float> first,
        out Vector256<float> second)
    {
        Vector256<float> radius = Vector256.Sqrt(Log(OpenUnitSingle(radiusWord)) * Vector256.Create(-2.0f));
        SinCosTwoPi(UnitSingle(angleWord), out Vector256<float> sin, out Vector256<float> cos);
        first = radius * cos;
        second = radius * sin;
    }

    /// <summary>Two float transforms at once — (<paramref name="radius0"/>, <paramref name="angle0"/>) into
    /// <paramref name="first0"/>, <paramref name="second0"/> and (<paramref name="radius1"/>, <paramref name="angle1"/>)
    /// into <paramref name="first1"/>, <paramref name="second1"/> — in one 512-bit vector where the hardware has them:
    /// the same operations on every lane, so the same bits, in half the instructions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transform(Vector256<uint> radius0, Vector256<uint> angle0, Vector256<uint> radius1, Vector256<uint> angle1,
        out Vector256<float> first0, out Vector256<float> second0, out Vector256<float> first1, out Vector256<float> second1)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> radius = Vector512.Sqrt(Log(OpenUnitSingle(Vector512.Create(radius0, radius1))) * Vector512.Create(-2.0f));
            SinCosTwoPi(UnitSingle(Vector512.Create(angle0, angle1)), out Vector512<float> sin, out Vector512<float> cos);
            Vector512<float> first = radius * cos, second = radius * sin;
            (first0, second0, first1, second1) = (first.GetLower(), second.GetLower(), first.GetUpper(), second.GetUpper());
        }
        else
        {
            Transform(radius0, angle0, out first0, out second0);
            Transform(radius1, angle1, out first1, out second1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transform(Vector256<ulong> radiusBits, Vector256<ulong> angleBits, out Vector256<double> first,
        out Vector256<double> second)
    {
        Vector256<double> radius = Vector256.Sqrt(Log(OpenUnitDouble(radiusBits)) * Vector256.Create(-2.0));
        SinCosTwoPi(UnitDouble(angleBits), out Vector256<double> sin, out Vector256<double> cos);
        first = radius * cos;
        second = radius * sin;
    }

    /// <summary>The pair of float normals from two 32-bit words (scalar entry, same bits as the vector path).</summary>
    internal static (float First, float Second) Pair(uint radiusWord, uint angleWord)
    {
        Transform(Vector256.Create(radiusWord), Vector256.Create(angleWord), out var first, out var second);
        return (first.ToScalar(), second.ToScalar());
    }

    /// <summary>The pair of double normals from two 64-bit words (scalar entry, same bits as the vector path).</summary>
    internal static (double First, double Second) Pair(ulong radiusBits, ulong angleBits)
    {
        Transform(Vector256.Create(radiusBits), Vector256.Create(angleBits), out var first, out var second);
        return (first.ToScalar(), second.ToScalar());
    }

    /// <summary>Natural logarithm for positive normal floats (Cephes logf): x = m·2ᵉ with m ∈ [√½, √2),
    /// ln x = e·ln 2 + ln m, ln(1+f) by a degree-9 minimax polynomial; ln 2 split in two for exactness.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Log(Vector256<float> x)
    {
        Vector256<int> bits = x.AsInt32();
        Vector256<int> exponent = (bits >>> 23) - Vector256.Create(126);
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle();
        Vector256<float> below = Vector256.LessThan(m, Vector256.Create(0.707106781186547524f));
        exponent += below.AsInt32();
        Vector256<float> f = m + (m & below) - Vector256<float>.One;
        Vector256<float> e = Vector256.ConvertToSingle(exponent);
        Vector256<float> z = f * f;
        Vector256<float> p = Vector256.Create(7.0376836292E-2f);
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-1.1514610310E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.1676998740E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-1.2420140846E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.4249322787E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-1.6668057665E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(2.0000714765E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(-2.4999993993E-1f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(3.3333331174E-1f));
        Vector256<float> y = p * f * z;
        y = Vector256.FusedMultiplyAdd(e, Vector256.Create(-2.12194440e-4f), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        return Vector256.FusedMultiplyAdd(e, Vector256.Create(0.693359375f), f + y);
    }

    /// <summary>Natural logarithm for positive normal doubles: x = m·2ᵉ with m ∈ [√½, √2), s = (m−1)/(m+1),
    /// ln m = 2·atanh s = 2s + 2s³/3 + … + 2s²³/23 (|s| ≤ 0.172, so the first omitted term is below 10⁻²⁰).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Log(Vector256<double> x)
    {
        Vector256<long> bits = x.AsInt64();
        Vector256<long> exponent = (bits >>> 52) - Vector256.Create(1022L);
        Vector256<double> m = ((bits & Vector256.Create(0x000FFFFFFFFFFFFFL)) | Vector256.Create(0x3FE0000000000000L)).AsDouble();
        Vector256<double> below = Vector256.LessThan(m, Vector256.Create(0.70710678118654752440));
        exponent += below.AsInt64();
        m += m & below;
        Vector256<double> s = (m - Vector256<double>.One) / (m + Vector256<double>.One);
        Vector256<double> s2 = s * s;
        Vector256<double> p = Vector256.Create(2.0 / 23);
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 21));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 19));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 17));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 15));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 13));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 11));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 9));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 7));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 5));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(2.0 / 3));
        Vector256<double> e = Vector256.ConvertToDouble(exponent);
        // ln 2 = Ln2High + Ln2Low with Ln2High's low bits zero, so e·Ln2High is exact.
        Vector256<double> logM = Vector256.FusedMultiplyAdd(s * s2, p, s + s);
        return Vector256.FusedMultiplyAdd(e, Vector256.Create(6.93147180369123816490e-01),
            Vector256.FusedMultiplyAdd(e, Vector256.Create(1.90821492927058770002e-10), logM));
    }

    /// <summary>sin 2πu and cos 2πu for u ∈ [0, 1): q = round(4u) picks the quadrant, f = u − q/4 ∈ [−⅛, ⅛] is exact,
    /// and x = 2πf ∈ [−π/4, π/4] goes through Cephes' sinf/cosf minimax polynomials.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SinCosTwoPi(Vector256<float> u, out Vector256<float> sin, out Vector256<float> cos)
    {
        Vector256<float> quadrant = Vector256.Round(u * Vector256.Create(4.0f));
        Vector256<float> x = Vector256.FusedMultiplyAdd(quadrant, Vector256.Create(-0.25f), u) * Vector256.Create(6.28318530717958648f);
        Vector256<float> z = x * x;
        Vector256<float> s = Vector256.FusedMultiplyAdd(Vector256.Create(-1.9515295891E-4f), z, Vector256.Create(8.3321608736E-3f));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(-1.6666654611E-1f));
        s = Vector256.FusedMultiplyAdd(s * z, x, x);
        Vector256<float> c = Vector256.FusedMultiplyAdd(Vector256.Create(2.443315711809948E-5f), z, Vector256.Create(-1.388731625493765E-3f));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(4.166664568298827E-2f));
        c = Vector256.FusedMultiplyAdd(c * z, z, Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), Vector256<float>.One));
        // Adding 1.5·2²³ puts the small integer quadrant in the low mantissa bits (cheaper than a saturating convert).
        Vector256<int> q = (quadrant + Vector256.Create(12582912.0f)).AsInt32();
        ApplyQuadrant(q, s, c, out sin, out cos);
    }

    /// <summary>Double version of <see cref="SinCosTwoPi(Vector256{float}, out Vector256{float}, out Vector256{float})"/>
    /// with Taylor series to x¹⁷ (sin) and x¹⁸ (cos); the first omitted terms are below 10⁻¹⁹.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SinCosTwoPi(Vector256<double> u, out Vector256<double> sin, out Vector256<double> cos)
    {
        Vector256<double> quadrant = Vector256.Round(u * Vector256.Create(4.0));
        Vector256<double> x = Vector256.FusedMultiplyAdd(quadrant, Vector256.Create(-0.25), u) * Vector256.Create(2 * Math.PI);
        Vector256<double> z = x * x;
        Vector256<double> s = Vector256.Create(1.0 / 355687428096000.0); // 1/17!
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(-1.0 / 1307674368000.0));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(1.0 / 6227020800.0));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(-1.0 / 39916800.0));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(1.0 / 362880.0));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(-1.0 / 5040.0));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(1.0 / 120.0));
        s = Vector256.FusedMultiplyAdd(s, z, Vector256.Create(-1.0 / 6.0));
        s = Vector256.FusedMultiplyAdd(s * z, x, x);
        Vector256<double> c = Vector256.Create(-1.0 / 6402373705728000.0); // −1/18!
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(1.0 / 20922789888000.0));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(-1.0 / 87178291200.0));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(1.0 / 479001600.0));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(-1.0 / 3628800.0));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(1.0 / 40320.0));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(-1.0 / 720.0));
        c = Vector256.FusedMultiplyAdd(c, z, Vector256.Create(1.0 / 24.0));
        c = Vector256.FusedMultiplyAdd(c * z, z, Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5), Vector256<double>.One));
        // Adding 1.5·2⁵² puts the small integer quadrant in the low mantissa bits.
        Vector256<long> q = (quadrant + Vector256.Create(6755399441055744.0)).AsInt64();
        Vector256<long> swap = Vector256.Equals(q & Vector256<long>.One, Vector256<long>.One);
        Vector256<double> sinX = Vector256.ConditionalSelect(swap.AsDouble(), c, s);
        Vector256<double> cosX = Vector256.ConditionalSelect(swap.AsDouble(), s, c);
        sin = sinX ^ ((q & Vector256.Create(2L)) << 62).AsDouble();
        cos = cosX ^ (((q + Vector256<long>.One) & Vector256.Create(2L)) << 62).AsDouble();
    }

    /// <summary>θ = q·π/2 + x: odd quadrants swap sin and cos; cos θ is negative in quadrants 1–2, sin θ in 2–3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyQuadrant(Vector256<int> q, Vector256<float> sinX, Vector256<float> cosX,
        out Vector256<float> sin, out Vector256<float> cos)
    {
        Vector256<float> swap = Vector256.Equals(q & Vector256<int>.One, Vector256<int>.One).AsSingle();
        Vector256<float> s = Vector256.ConditionalSelect(swap, cosX, sinX);
        Vector256<float> c = Vector256.ConditionalSelect(swap, sinX, cosX);
        sin = s ^ ((q & Vector256.Create(2)) << 30).AsSingle();
        cos = c ^ (((q + Vector256<int>.One) & Vector256.Create(2)) << 30).AsSingle();
    }

    // The 512-bit forms of the float Log, SinCosTwoPi and ApplyQuadrant above, operation for operation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Log(Vector512<float> x)
    {
        Vector512<int> bits = x.AsInt32();
        Vector512<int> exponent = (bits >>> 23) - Vector512.Create(126);
        Vector512<float> m = ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F000000)).AsSingle();
        Vector512<float> below = Vector512.LessThan(m, Vector512.Create(0.707106781186547524f));
        exponent += below.AsInt32();
        Vector512<float> f = m + (m & below) - Vector512<float>.One;
        Vector512<float> e = Vector512.ConvertToSingle(exponent);
        Vector512<float> z = f * f;
        Vector512<float> p = Vector512.Create(7.0376836292E-2f);
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(-1.1514610310E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.1676998740E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(-1.2420140846E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.4249322787E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(-1.6668057665E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(2.0000714765E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(-2.4999993993E-1f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(3.3333331174E-1f));
        Vector512<float> y = p * f * z;
        y = Vector512.FusedMultiplyAdd(e, Vector512.Create(-2.12194440e-4f), y);
        y = Vector512.FusedMultiplyAdd(z, Vector512.Create(-0.5f), y);
        return Vector512.FusedMultiplyAdd(e, Vector512.Create(0.693359375f), f + y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SinCosTwoPi(Vector512<float> u, out Vector512<float> sin, out Vector512<float> cos)
    {
        Vector512<float> quadrant = Vector512.Round(u * Vector512.Create(4.0f));
        Vector512<float> x = Vector512.FusedMultiplyAdd(quadrant, Vector512.Create(-0.25f), u) * Vector512.Create(6.28318530717958648f);
        Vector512<float> z = x * x;
        Vector512<float> s = Vector512.FusedMultiplyAdd(Vector512.Create(-1.9515295891E-4f), z, Vector512.Create(8.3321608736E-3f));
        s = Vector512.FusedMultiplyAdd(s, z, Vector512.Create(-1.6666654611E-1f));
        s = Vector512.FusedMultiplyAdd(s * z, x, x);
        Vector512<float> c = Vector512.FusedMultiplyAdd(Vector512.Create(2.443315711809948E-5f), z, Vector512.Create(-1.388731625493765E-3f));
        c = Vector512.FusedMultiplyAdd(c, z, Vector512.Create(4.166664568298827E-2f));
        c = Vector512.FusedMultiplyAdd(c * z, z, Vector512.FusedMultiplyAdd(z, Vector512.Create(-0.5f), Vector512<float>.One));
        // Adding 1.5·2²³ puts the small integer quadrant in the low mantissa bits (cheaper than a saturating convert).
        Vector512<int> q = (quadrant + Vector512.Create(12582912.0f)).AsInt32();
        ApplyQuadrant(q, s, c, out sin, out cos);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyQuadrant(Vector512<int> q, Vector512<float> sinX, Vector512<float> cosX,
        out Vector512<float> sin, out Vector512<float> cos)
    {
        Vector512<float> swap = Vector512.Equals(q & Vector512<int>.One, Vector512<int>.One).AsSingle();
        Vector512<float> s = Vector512.ConditionalSelect(swap, cosX, sinX);
        Vector512<float> c = Vector512.ConditionalSelect(swap, sinX, cosX);
        sin = s ^ ((q & Vector512.Create(2)) << 30).AsSingle();
        cos = c ^ (((q + Vector512<int>.One) & Vector512.Create(2)) << 30).AsSingle();
    }
}
