using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>eˣ, eˣ − 1, log(1 + t), σ(x) and erfc(x) on a vector of doubles of any width (<see cref="IDoubleLanes{TVector}"/>),
/// for the smooth activations' kernels. Built only from operations IEEE 754 rounds once (+, −, ×, ÷, fused
/// multiply–add, rounding to an integer, exact scaling by 2ⁿ), so every width — and <see cref="ScalarLane"/>, the
/// tail after the last whole vector — gives the same bits: a pass's result does not depend on the machine's vector
/// width or on how it is split over threads. Accuracy: within a few units in the last place of double (the tests
/// compare with the runtime's scalar functions and with independent series), so float results, computed in double
/// and rounded once, are the correctly rounded value almost always. NaN lanes are not preserved by these functions
/// (clamps replace them); callers restore them.</summary>
internal static class DoubleLaneMath
{
    /// <summary>1.5·2⁵²: adding it to a double |n| &lt; 2⁵¹ leaves round(n) in the low mantissa bits.</summary>
    public const double RoundingShift = 6755399441055744.0;

    private const double Log2E = 1.4426950408889634;

    // ln 2 = Ln2High + Ln2Low with Ln2High's low 32 bits zero, so n·Ln2High is exact for |n| < 2²⁰ (fdlibm's split).
    private const double Ln2High = 6.93147180369123816490e-01;
    private const double Ln2Low = 1.90821492927058770002e-10;

    // Below −746, eˣ rounds to 0; above 710, to +∞.
    private const double ExpLowest = -746;
    private const double ExpHighest = 710;

    private const double Ln2 = 0.69314718055994530942;

    // 2³² + 1: x·(2³² + 1) − (x·(2³² + 1) − x) is x rounded to its 21 leading bits, whose square is exact.
    private const double VeltkampFactor = 4294967297.0;

    // fdlibm's boundary between erfc's two tail approximations, ≈ 1/0.35 (high word 0x4006DB6D).
    private const double ErfcRangeBoundary = 2.8571414947509766;

    // erf(1) rounded to 24 bits (fdlibm's erx), so 1 − ErfOne is exact.
    private const double ErfOne = 8.45062911510467529297e-01;

    // The polynomials' coefficients, constant term first; the denominators' leading 1 is added separately, so the
    // arrays for Q and S start at their coefficient of t.
    // 1/3, 1/5, …, 1/27: the series 2·atanh(s)/(2s) − 1 = z/3 + z²/5 + … in z = s², divided by z.
    private static ReadOnlySpan<double> AtanhSeries =>
    [
        1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23,
        1.0 / 25, 1.0 / 27,
    ];

    private static ReadOnlySpan<double> ErfInnerP =>
    [
        1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
        -5.77027029648944159157e-03, -2.37630166566501626084e-05,
    ];

    private static ReadOnlySpan<double> ErfInnerQ =>
    [
        3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
        1.32494738004321644526e-04, -3.96022827877536812320e-06,
    ];

    private static ReadOnlySpan<double> ErfMiddleP =>
    [
        -2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
        3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
        -2.16637559486879084300e-03,
    ];

    private static ReadOnlySpan<double> ErfMiddleQ =>
    [
        1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
        1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02,
    ];

    private static ReadOnlySpan<double> ErfcNearR =>
    [
        -9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
        -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
        -8.12874355063065934246e+01, -9.81432934416914548592e+00,
    ];

    private static ReadOnlySpan<double> ErfcNearS =>
    [
        1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
        6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
        6.57024977031928170135e+00, -6.04244152148580987438e-02,
    ];

    private static ReadOnlySpan<double> ErfcFarR =>
    [
        -9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
        -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
        -4.83519191608651397019e+02,
    ];

    private static ReadOnlySpan<double> ErfcFarS =>
    [
        3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
        3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
        -2.24409524465858183362e+01,
    ];

    /// <summary>eˣ: x = n·ln 2 + r with |r| ≤ ln2/2 (Cody–Waite), e^r by its Taylor series to r¹³ (truncation below
    /// 2⁻⁵⁷ relative), then scaled by 2ⁿ in two exact-or-once-rounded steps so that results down to the smallest
    /// subnormal and up to the largest double come out right. −∞ gives 0, +∞ gives +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Exp<V, L>(V x)
        where V : struct
        where L : IDoubleLanes<V>
    {
        x = L.Min(L.Max(x, L.Create(ExpLowest)), L.Create(ExpHighest));
        var (n, r) = Reduce<V, L>(x, x);
        return TimesPowerOfTwo<V, L>(ExpTaylor<V, L>(r), n);
    }

    /// <summary>e^(a + w) for an <paramref name="a"/> on the 2⁻⁴⁰ grid (|a| &lt; 2¹⁰, so a − n·ln 2's high part is
    /// exact) and |<paramref name="w"/>| &lt; 1: as accurate as eᵃ alone, without rounding a + w (whose rounding
    /// error, up to 2⁻⁴⁴ for |a| near 700, e^(a + w) would multiply by 1 + 2⁻⁴⁴), and one exponential instead of
    /// eᵃ·eʷ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V ExpOfSum<V, L>(V a, V w)
        where V : struct
        where L : IDoubleLanes<V>
    {
        a = L.Min(L.Max(a, L.Create(ExpLowest)), L.Create(ExpHighest));
        var (n, r) = Reduce<V, L>(a, L.Add(a, w));
        return TimesPowerOfTwo<V, L>(ExpTaylor<V, L>(L.Add(r, w)), n);
    }

    // Cody–Waite: n = round(s·log₂e) and r = x − n·ln 2 in two fused steps (n·Ln2High exact), for the exponentials
    // of x; s is x itself, or x plus a small rest whose own share ExpOfSum adds to r afterwards.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (V N, V R) Reduce<V, L>(V x, V s)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V n = L.Round(L.Multiply(s, L.Create(Log2E)));
        V r = L.FusedMultiplyAdd(n, L.Create(-Ln2High), x);
        return (n, L.FusedMultiplyAdd(n, L.Create(-Ln2Low), r));
    }

    // p·2ⁿ for n in [−1078, 1026] as 2ᵃ·2ᵇ with both factors normal: p·2ᵃ is exact and the second product rounds
    // once, so results down to the smallest subnormal and up to the largest double come out right.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V TimesPowerOfTwo<V, L>(V p, V n)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V a = L.Min(L.Max(n, L.Create(-1022)), L.Create(1023));
        V b = L.Subtract(n, a);
        return L.Multiply(L.Multiply(p, L.PowerOfTwo(a)), L.PowerOfTwo(b));
    }

    /// <summary>eˣ − 1 without the cancellation of exp(x) − 1 near 0 (within a few units in the last place): with
    /// x = n·ln 2 + r as in <see cref="Exp{V, L}(V)"/>, eˣ − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1), where e^r − 1 is its Taylor
    /// series and 2ⁿ − 1 is exact; above x = 1, exp(x) − 1 itself (no cancellation there). −1 below x = −60.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V ExpM1<V, L>(V x)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V one = L.Create(1.0);
        V reduced = L.Min(L.Max(x, L.Create(-60.0)), one);
        var (n, r) = Reduce<V, L>(reduced, reduced);
        V expM1OfR = L.FusedMultiplyAdd(TaylorTail<V, L>(r), L.Multiply(r, r), r);
        V scale = L.PowerOfTwo(n);
        V result = L.FusedMultiplyAdd(scale, expM1OfR, L.Subtract(scale, one));
        V large = L.LessThan(one, x);
        return L.Any(large) ? L.Select(large, L.Subtract(Exp<V, L>(x), one), result) : result;
    }

    /// <summary>log(1 + t) for t in [0, 1] (softplus's log1p(e^(−|x|))), relative error of a few units in the last
    /// place even for tiny t. t ≤ ½: 2·atanh(s) with s = t/(2 + t) ≤ 0.2, by its series to s²⁷; above: ln 2 +
    /// log(1 + f) with f = (t − 1)/2 (exact), the same series.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Log1PUnit<V, L>(V t)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V upper = L.LessThan(L.Create(0.5), t);
        V f = L.Select(upper, L.Multiply(L.Subtract(t, L.Create(1.0)), L.Create(0.5)), t);
        V s = L.Divide(f, L.Add(L.Create(2.0), f));
        V z = L.Multiply(s, s);

        // 2·atanh(s) = 2s·(1 + z/3 + z²/5 + …); with z ≤ 0.04 the terms after z¹³/27 are below 2⁻⁶⁰.
        V q = Polynomial<V, L>(z, AtanhSeries);
        V twoS = L.Add(s, s);
        V log1PF = L.FusedMultiplyAdd(L.Multiply(twoS, z), q, twoS);
        return L.Select(upper, L.Add(L.Create(Ln2), log1PF), log1PF);
    }

    /// <summary>σ(x) = 1/(1 + e^(−x)); 0 below x ≈ −710, 1 above x ≈ 37.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Sigmoid<V, L>(V x)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V one = L.Create(1.0);
        return L.Divide(one, L.Add(one, Exp<V, L>(L.Multiply(x, L.Create(-1.0)))));
    }

    /// <summary>erfc(x) = 1 − erf(x), within about one unit in the last place over the whole line, the right tail
    /// included (where 1 − erf(x) would cancel to 0): fdlibm's <c>erfc</c> (s_erf.c, the notice below), each range's
    /// formula evaluated across the lanes and the right one selected per lane; a range no lane falls in is skipped.
    /// Differences from fdlibm: fused multiply–adds in the polynomials, and the 21-bit head of |x| that makes
    /// e^(−x²) exact to first order taken by Veltkamp splitting rather than by clearing bits.</summary>
    /// <remarks>Coefficients from fdlibm s_erf.c: "Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
    /// Developed at SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
    /// software is freely granted, provided that this notice is preserved."</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Erfc<V, L>(V x)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V zero = L.Create(0.0);
        V one = L.Create(1.0);
        V a = L.Abs(x);
        V negative = L.LessThan(x, zero);
        V inner = L.LessThan(a, L.Create(0.84375));
        V middle = L.LessThan(a, L.Create(1.25));

        // |x| < 0.84375: erf(x) = x + x·P(x²)/Q(x²).
        V innerValue = zero;
        if (L.Any(inner))
        {
            V z = L.Multiply(x, x);
            V p = Polynomial<V, L>(z, ErfInnerP);
            V q = L.FusedMultiplyAdd(Polynomial<V, L>(z, ErfInnerQ), z, one);
            V y = L.Divide(p, q);
            V small = L.Subtract(one, L.FusedMultiplyAdd(x, y, x));
            V half = L.Create(0.5);
            V large = L.Subtract(half, L.FusedMultiplyAdd(x, y, L.Subtract(x, half)));
            innerValue = L.Select(L.LessThan(x, L.Create(0.25)), small, large);
        }

        // 0.84375 ≤ |x| < 1.25: erf(|x|) = c + P(s)/Q(s), s = |x| − 1, c = erf(1) rounded to 24 bits.
        V middleValue = zero;
        if (L.Any(L.LessThan(L.Abs(L.Subtract(a, L.Create(1.046875))), L.Create(0.20312500000000022))))
        {
            V s = L.Subtract(a, one);
            V ratio = L.Divide(Polynomial<V, L>(s, ErfMiddleP), L.FusedMultiplyAdd(Polynomial<V, L>(s, ErfMiddleQ), s, one));
            V positive = L.Subtract(L.Create(1.0 - ErfOne), ratio);
            V below = L.Add(one, L.Add(L.Create(ErfOne), ratio));
            middleValue = L.Select(negative, below, positive);
        }

        // |x| ≥ 1.25: erfc(|x|) = e^(−x² − 0.5625 + R(1/x²)/S(1/x²))/|x|, with −x² split as −h² + (h − |x|)(h + |x|)
        // so that the large part's exponential is of an exact argument. |x| is capped at 28, where erfc underflows.
        V outerValue = zero;
        if (L.Any(L.LessThan(L.Create(1.2499999999999998), a)))
        {
            V b = L.Min(a, L.Create(28.0));
            V inverse = L.Divide(one, b);
            V s = L.Multiply(inverse, inverse);
            V near = L.LessThan(b, L.Create(ErfcRangeBoundary));
            V r = L.Select(near, Polynomial<V, L>(s, ErfcNearR), Polynomial<V, L>(s, ErfcFarR));
            V q = L.Select(
                near,
                L.FusedMultiplyAdd(Polynomial<V, L>(s, ErfcNearS), s, one),
                L.FusedMultiplyAdd(Polynomial<V, L>(s, ErfcFarS), s, one));
            V split = L.Multiply(b, L.Create(VeltkampFactor));
            V h = L.Subtract(split, L.Subtract(split, b));
            V head = L.FusedMultiplyAdd(L.Multiply(h, L.Create(-1.0)), h, L.Create(-0.5625));
            V rest = L.FusedMultiplyAdd(L.Subtract(h, b), L.Add(h, b), L.Divide(r, q));
            V tailValue = L.Multiply(ExpOfSum<V, L>(head, rest), inverse);
            outerValue = L.Select(negative, L.Subtract(L.Create(2.0), tailValue), tailValue);
        }

        return L.Select(inner, innerValue, L.Select(middle, middleValue, outerValue));
    }

    // c₀ + c₁·t + … as E(t²) + t·O(t²), the even and odd coefficients each by Horner in t²: two independent chains
    // of half the length, so a vector's polynomials wait half as long on dependent multiply–adds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Polynomial<V, L>(V t, ReadOnlySpan<double> coefficients)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V t2 = L.Multiply(t, t);
        int last = coefficients.Length - 1;
        int lastEven = last & ~1;
        int lastOdd = (last - 1) | 1;
        V even = L.Create(coefficients[lastEven]);
        V odd = L.Create(coefficients[lastOdd]);
        for (int i = lastEven - 2, j = lastOdd - 2; i >= 0; i -= 2, j -= 2)
        {
            even = L.FusedMultiplyAdd(even, t2, L.Create(coefficients[i]));
            if (j >= 1)
            {
                odd = L.FusedMultiplyAdd(odd, t2, L.Create(coefficients[j]));
            }
        }

        return L.FusedMultiplyAdd(odd, t, even);
    }

    // e^r = 1 + r·(1 + r·q(r)).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V ExpTaylor<V, L>(V r)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V p = L.FusedMultiplyAdd(TaylorTail<V, L>(r), r, L.Create(1.0));
        return L.FusedMultiplyAdd(p, r, L.Create(1.0));
    }

    // q(r) = (e^r − 1 − r)/r² = 1/2! + r/3! + … + r¹¹/13!, by Estrin's scheme: four multiply–add steps deep instead
    // of Horner's eleven, so the passes are not bound by one long chain of dependent FMAs per vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V TaylorTail<V, L>(V r)
        where V : struct
        where L : IDoubleLanes<V>
    {
        V r2 = L.Multiply(r, r);
        V r4 = L.Multiply(r2, r2);
        V p0 = L.FusedMultiplyAdd(L.Create(1.0 / 6), r, L.Create(1.0 / 2));
        V p1 = L.FusedMultiplyAdd(L.Create(1.0 / 120), r, L.Create(1.0 / 24));
        V p2 = L.FusedMultiplyAdd(L.Create(1.0 / 5040), r, L.Create(1.0 / 720));
        V p3 = L.FusedMultiplyAdd(L.Create(1.0 / 362880), r, L.Create(1.0 / 40320));
        V p4 = L.FusedMultiplyAdd(L.Create(1.0 / 39916800), r, L.Create(1.0 / 3628800));
        V p5 = L.FusedMultiplyAdd(L.Create(1.0 / 6227020800), r, L.Create(1.0 / 479001600));
        V q0 = L.FusedMultiplyAdd(p1, r2, p0);
        V q1 = L.FusedMultiplyAdd(p3, r2, p2);
        V q2 = L.FusedMultiplyAdd(p5, r2, p4);
        return L.FusedMultiplyAdd(L.FusedMultiplyAdd(q2, r4, q1), r4, q0);
    }
}
