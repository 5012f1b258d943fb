namespace Backprop.Labs.DyingRelu;

/// <summary>A fraction k / n with its 95% Wilson score interval, which stays inside [0, 1] and keeps its coverage
/// near 0 and 1, where collapse fractions live (the normal approximation p ± 1.96·√(p(1 − p)/n) gives a zero-width
/// interval at 0 or n).</summary>
public readonly record struct BinomialInterval(int Count, int Trials, double Low, double High)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>k / n.</summary>
    public double Fraction => Trials == 0 ? double.NaN : (double)Count / Trials;

    /// <summary>The Wilson score interval of <paramref name="count"/> successes in <paramref name="trials"/>:
    /// (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n).</summary>
    public static BinomialInterval Wilson(int count, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, trials);
        double n = trials, p = count / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // At k = 0 or k = n one end is exactly 0 or 1; rounding must not move it.
        return new(count, trials, count == 0 ? 0 : Math.Max(0, centre - half), count == trials ? 1 : Math.Min(1, centre + half));
    }

    /// <summary>True when <paramref name="value"/> lies in the interval.</summary>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>"99.6% [99.0, 99.8]".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{100 * Fraction:0.0}% [{100 * Low:0.0}, {100 * High:0.0}]");
}
