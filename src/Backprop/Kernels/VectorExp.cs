using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>e^x for vectors of float that inline into the loop calling them: the same algorithm, constants and
/// operation order as the runtime's <c>Vector512.Exp</c>/<c>Vector256.Exp</c>/<c>Vector128.Exp</c> for float (which
/// <c>TensorPrimitives.Exp</c> and <c>Sigmoid</c> use), so results are bit-identical to them — a test compares
/// every 61st float bit pattern. The runtime's version is not inlined: in a small fused kernel the call, with the
/// vector passed and returned through memory, cost as much as the arithmetic.</summary>
/// <remarks>The method (AMD's vrs4_expf, as ported to .NET): widen to double, split x·log₂e = n + r with
/// |r| ≤ ½ by the round-to-nearest trick of adding 1.5·2⁵², approximate 2^r by a degree-5 polynomial, add n to
/// the exponent, and narrow back to float. For |x| beyond the float range the result is +∞ (x &gt; 88.72284) or
/// 0 (x &lt; −103.97208).</remarks>
internal static class VectorExp
{
    private const double Log2E = 1.4426950408889634;

    // 1.5·2⁵²: adding it rounds a double of magnitude < 2⁵¹ to an integer held in the low mantissa bits.
    private const double RoundingShift = 6755399441055744;

    // 2^r ≈ C0 + C1·r + … + C5·r⁵ on |r| ≤ ½.
    private const double C0 = 1.0000000754895704;
    private const double C1 = 0.6931472254087585;
    private const double C2 = 0.2402210737432219;
    private const double C3 = 0.05550297297702539;
    private const double C4 = 0.009676036358193323;
    private const double C5 = 0.001341000536524434;

    // Inputs with |x| bits above this (|x| > 87.0) take the overflow/underflow fix-up.
    private const uint LargeBits = 0x42AE0000;
    private const float Overflow = 88.72284f;
    private const float Underflow = -103.97208f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var result = Vector512.Narrow(TwoToThe(Vector512.WidenLower(x)), TwoToThe(Vector512.WidenUpper(x)));
        if (Vector512.GreaterThanAny(Vector512.Abs(x).AsUInt32(), Vector512.Create(LargeBits)))
        {
            result = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(Overflow)), Vector512.Create(float.PositiveInfinity), result);
            result = Vector512.AndNot(result, Vector512.LessThan(x, Vector512.Create(Underflow)));
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var result = Vector256.Narrow(TwoToThe(Vector256.WidenLower(x)), TwoToThe(Vector256.WidenUpper(x)));
        if (Vector256.GreaterThanAny(Vector256.Abs(x).AsUInt32(), Vector256.Create(LargeBits)))
        {
            result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(Overflow)), Vector256.Create(float.PositiveInfinity), result);
            result = Vector256.AndNot(result, Vector256.LessThan(x, Vector256.Create(Underflow)));
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        var result = Vector128.Narrow(TwoToThe(Vector128.WidenLower(x)), TwoToThe(Vector128.WidenUpper(x)));
        if (Vector128.GreaterThanAny(Vector128.Abs(x).AsUInt32(), Vector128.Create(LargeBits)))
        {
            result = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(Overflow)), Vector128.Create(float.PositiveInfinity), result);
            result = Vector128.AndNot(result, Vector128.LessThan(x, Vector128.Create(Underflow)));
        }

        return result;
    }

    // e^x = 2^(x·log₂e) = 2ⁿ·2^r for doubles widened from floats (|x| small enough that n fits the shift trick).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> TwoToThe(Vector512<double> x)
    {
        var t = x * Vector512.Create(Log2E);
        var shifted = t + Vector512.Create(RoundingShift);
        var r = t - (shifted - Vector512.Create(RoundingShift));
        var r2 = r * r;
        var r4 = r2 * r2;
        var low = Vector512.FusedMultiplyAdd(Vector512.Create(C1), r, Vector512.Create(C0));
        var middle = Vector512.FusedMultiplyAdd(Vector512.Create(C3), r, Vector512.Create(C2));
        var high = Vector512.FusedMultiplyAdd(Vector512.Create(C5), r, Vector512.Create(C4));
        var p = Vector512.FusedMultiplyAdd(r4, high, Vector512.FusedMultiplyAdd(r2, middle, low));
        return (p.AsUInt64() + (shifted.AsUInt64() << 52)).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TwoToThe(Vector256<double> x)
    {
        var t = x * Vector256.Create(Log2E);
        var shifted = t + Vector256.Create(RoundingShift);
        var r = t - (shifted - Vector256.Create(RoundingShift));
        var r2 = r * r;
        var r4 = r2 * r2;
        var low = Vector256.FusedMultiplyAdd(Vector256.Create(C1), r, Vector256.Create(C0));
        var middle = Vector256.FusedMultiplyAdd(Vector256.Create(C3), r, Vector256.Create(C2));
        var high = Vector256.FusedMultiplyAdd(Vector256.Create(C5), r, Vector256.Create(C4));
        var p = Vector256.FusedMultiplyAdd(r4, high, Vector256.FusedMultiplyAdd(r2, middle, low));
        return (p.AsUInt64() + (shifted.AsUInt64() << 52)).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> TwoToThe(Vector128<double> x)
    {
        var t = x * Vector128.Create(Log2E);
        var shifted = t + Vector128.Create(RoundingShift);
        var r = t - (shifted - Vector128.Create(RoundingShift));
        var r2 = r * r;
        var r4 = r2 * r2;
        var low = Vector128.FusedMultiplyAdd(Vector128.Create(C1), r, Vector128.Create(C0));
        var middle = Vector128.FusedMultiplyAdd(Vector128.Create(C3), r, Vector128.Create(C2));
        var high = Vector128.FusedMultiplyAdd(Vector128.Create(C5), r, Vector128.Create(C4));
        var p = Vector128.FusedMultiplyAdd(r4, high, Vector128.FusedMultiplyAdd(r2, middle, low));
        return (p.AsUInt64() + (shifted.AsUInt64() << 52)).AsDouble();
    }
}
