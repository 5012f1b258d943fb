using System.Globalization;
using Backprop.Plots;

namespace Backprop.Labs;

/// <summary>
/// How close this run's figure must be to a published one, and the <see cref="Verdict"/> that follows from the
/// numbers: an exact value (<see cref="Exact"/>), a bound (<see cref="Absolute"/>, <see cref="Relative"/>,
/// <see cref="PublishedDecimals"/>), a range for claims the course made in words (<see cref="Between"/>,
/// <see cref="AtLeast"/>, <see cref="AtMost"/>), or "within the spread of this run's repetitions"
/// (<see cref="WithinSpread"/>), which is the honest tolerance for a figure the course measured once from an
/// unseeded run.
/// </summary>
public sealed record Tolerance
{
    private enum Kind
    {
        Absolute,
        Relative,
        Interval,
        Spread,
    }

    private readonly Kind _kind;

    private Tolerance(Kind kind, double bound = 0, double low = double.NegativeInfinity, double high = double.PositiveInfinity,
        double factor = 0, double? spread = null, string? spreadOf = null, Tolerance? matches = null, string? reason = null)
    {
        _kind = kind;
        Bound = bound;
        Low = low;
        High = high;
        Factor = factor;
        Spread = spread;
        SpreadOf = spreadOf;
        Matches = matches;
        Reason = reason;
    }

    /// <summary>The bound of an absolute or relative tolerance.</summary>
    public double Bound { get; }

    /// <summary>The lower end of a range (−∞ when open).</summary>
    public double Low { get; }

    /// <summary>The upper end of a range (+∞ when open).</summary>
    public double High { get; }

    /// <summary>How many standard deviations a spread tolerance allows.</summary>
    public double Factor { get; }

    /// <summary>The standard deviation a spread tolerance uses; null to take the measurement's own.</summary>
    public double? Spread { get; }

    /// <summary>What <see cref="Spread"/> is the spread of, e.g. "this run's 5 seeds".</summary>
    public string? SpreadOf { get; }

    /// <summary>The tighter tolerance under which a spread comparison says "matches" rather than "within spread".</summary>
    public Tolerance? Matches { get; }

    /// <summary>Why this tolerance makes sense for the figure, shown with it.</summary>
    public string? Reason { get; }

    /// <summary>This run must give exactly the published value (for exact arithmetic, shapes and counts).</summary>
    public static Tolerance Exact { get; } = new(Kind.Absolute);

    /// <summary>|this run − published| ≤ <paramref name="bound"/>.</summary>
    public static Tolerance Absolute(double bound, string? reason = null)
    {
        CheckNonNegative(bound, nameof(bound));
        return new(Kind.Absolute, bound: bound, reason: reason);
    }

    /// <summary>|this run − published| ≤ <paramref name="fraction"/> · |published|.</summary>
    public static Tolerance Relative(double fraction, string? reason = null)
    {
        CheckNonNegative(fraction, nameof(fraction));
        return new(Kind.Relative, bound: fraction, reason: reason);
    }

    /// <summary>Equal to the digits the course printed: |this run − published| ≤ half a unit in the last printed
    /// decimal (0.00005 for 2.1990).</summary>
    public static Tolerance PublishedDecimals(int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        return new(Kind.Absolute, bound: 0.5 * Math.Pow(10, -decimals), reason: $"the {decimals} printed decimals");
    }

    /// <summary><paramref name="low"/> ≤ this run ≤ <paramref name="high"/>: the measurable form of a claim, or an
    /// accepted range around a published number.</summary>
    public static Tolerance Between(double low, double high, string? reason = null)
    {
        if (double.IsNaN(low) || double.IsNaN(high) || low > high)
        {
            throw new ArgumentException($"A range needs low ≤ high; got [{low}, {high}].", nameof(low));
        }

        return new(Kind.Interval, low: low, high: high, reason: reason);
    }

    /// <summary>this run ≥ <paramref name="low"/>.</summary>
    public static Tolerance AtLeast(double low, string? reason = null) => Between(low, double.PositiveInfinity, reason);

    /// <summary>this run ≤ <paramref name="high"/>.</summary>
    public static Tolerance AtMost(double high, string? reason = null) => Between(double.NegativeInfinity, high, reason);

    /// <summary>|published − this run| ≤ <paramref name="factor"/> standard deviations of this run's repetitions
    /// ("within spread"); within <paramref name="matches"/> it says "matches". The standard deviation is the
    /// measurement's own (mean ± std over seeds) unless <paramref name="spread"/> gives it, as for one seed judged
    /// by the spread of all seeds (<paramref name="spreadOf"/> says what it is the spread of).</summary>
    public static Tolerance WithinSpread(double factor = 2, Tolerance? matches = null, double? spread = null, string? spreadOf = null, string? reason = null)
    {
        if (!(factor > 0) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "A spread tolerance needs a positive, finite number of standard deviations.");
        }

        if (spread is { } s)
        {
            CheckNonNegative(s, nameof(spread));
        }

        if (matches?._kind == Kind.Spread)
        {
            throw new ArgumentException("The 'matches' part of a spread tolerance must be an exact value, a bound or a range.", nameof(matches));
        }

        return new(Kind.Spread, factor: factor, spread: spread, spreadOf: spreadOf, matches: matches, reason: reason);
    }

    /// <summary>The verdict for <paramref name="measured"/> against <paramref name="published"/>: not measured when
    /// the run has no value, differs when its value is not finite, else what this tolerance says.</summary>
    /// <exception cref="ArgumentException">A bound or spread tolerance on a figure the course gave in words (only a
    /// range can judge those).</exception>
    /// <exception cref="InvalidOperationException">A spread tolerance without a spread: neither given nor measured
    /// over several repetitions.</exception>
    public Verdict Judge(PublishedValue published, Measurement measured)
    {
        if (measured.Value is not { } value)
        {
            return Verdict.NotMeasured;
        }

        if (!double.IsFinite(value))
        {
            return Verdict.Differs;
        }

        switch (_kind)
        {
            case Kind.Absolute:
                return Math.Abs(value - Number(published)) <= Bound ? Verdict.Matches : Verdict.Differs;
            case Kind.Relative:
                double p = Number(published);
                return Math.Abs(value - p) <= Bound * Math.Abs(p) ? Verdict.Matches : Verdict.Differs;
            case Kind.Interval:
                return value >= Low && value <= High ? Verdict.Matches : Verdict.Differs;
            default:
                if (Matches?.Judge(published, measured) == Verdict.Matches)
                {
                    return Verdict.Matches;
                }

                double spread = SpreadFor(measured)
                    ?? throw new InvalidOperationException("A spread tolerance needs this run's repetitions (a mean ± std measurement) or a given spread.");
                return Math.Abs(value - Number(published)) <= Factor * spread ? Verdict.WithinSpread : Verdict.Differs;
        }
    }

    /// <summary>The tolerance in words for the report and results.json, with the spread this run measured.</summary>
    public string Describe(Measurement measured)
    {
        string text = _kind switch
        {
            Kind.Absolute when Bound == 0 => "exact",
            Kind.Absolute => "±" + F(Bound),
            Kind.Relative => $"±{F(100 * Bound)}% of the published value",
            Kind.Interval when double.IsNegativeInfinity(Low) => "this run ≤ " + F(High),
            Kind.Interval when double.IsPositiveInfinity(High) => "this run ≥ " + F(Low),
            Kind.Interval => $"this run between {F(Low)} and {F(High)}",
            _ => DescribeSpread(measured),
        };
        return Reason is null ? text : $"{text} ({Reason})";
    }

    private string DescribeSpread(Measurement measured)
    {
        string matches = Matches is null ? "" : $"{Matches.Describe(measured)}; ";
        string of = SpreadOf ?? (measured.Count > 1 ? $"std of this run's {measured.Count} repetitions" : "std of this run's repetitions");
        string factor = Factor.ToString("R", CultureInfo.InvariantCulture);
        return SpreadFor(measured) is { } spread
            ? $"{matches}within spread: ±{factor} × {F(spread)} ({of})"
            : $"{matches}within spread: ±{factor} × the {of}";
    }

    private double? SpreadFor(Measurement measured) => Spread ?? (measured.Count > 1 ? measured.Std : null);

    private static double Number(PublishedValue published) =>
        published.Number ?? throw new ArgumentException(
            $"The course gave words (\"{published.Text}\"), not a number: judge it with a range (Between, AtLeast, AtMost) on what this run measured.",
            nameof(published));

    private static void CheckNonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "A tolerance must be finite and not negative.");
        }
    }

    private static string F(double value) => NumberFormat.Format(value, 4);
}
