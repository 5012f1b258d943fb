using Backprop.Plots;

namespace Backprop.Labs;

/// <summary>What this run measured for a published quantity: one value, the mean ± sample standard deviation of
/// several repetitions (seeds, initialisations), or nothing — with the reason this run cannot measure it.</summary>
public readonly record struct Measurement
{
    private Measurement(double? value, double? std, int count, string? notMeasuredReason)
    {
        Value = value;
        Std = std;
        Count = count;
        NotMeasuredReason = notMeasuredReason;
    }

    /// <summary>The measured value (a mean for repetitions); null when not measured. May be NaN or ∞ (a diverged run).</summary>
    public double? Value { get; }

    /// <summary>The sample standard deviation (n − 1) of the repetitions; null for a single value.</summary>
    public double? Std { get; }

    /// <summary>How many values stand behind <see cref="Value"/> (0 when not measured).</summary>
    public int Count { get; }

    /// <summary>Why this run cannot measure the quantity; null when it did.</summary>
    public string? NotMeasuredReason { get; }

    /// <summary>True when this run measured the quantity.</summary>
    public bool IsMeasured => Value.HasValue;

    /// <summary>One measured value.</summary>
    public static Measurement Of(double value) => new(value, null, 1, null);

    /// <summary>The mean ± sample standard deviation (n − 1, numpy's <c>std(ddof=1)</c>) of repetitions; a single
    /// repetition has no spread (std 0). A non-finite repetition makes the mean non-finite.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static Measurement OfRepetitions(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] all = values.ToArray();
        if (all.Length == 0)
        {
            throw new ArgumentException("A measurement over repetitions needs at least one value.", nameof(values));
        }

        double mean = all.Average();
        double std = all.Length < 2 ? 0 : Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1));
        return new(mean, std, all.Length, null);
    }

    /// <summary>Nothing measured, and why (e.g. "the course's initial weights were unseeded").</summary>
    /// <exception cref="ArgumentException">No reason given.</exception>
    public static Measurement NotMeasured(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, null, 0, reason);
    }

    /// <summary>The measurement with a fixed number of decimals for the value and its spread, so a table of
    /// measurements reads with one precision: "2.1177", "2.2209 ± 0.1226 (n = 5)"; non-finite values as "NaN", "∞".</summary>
    public string ToString(int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        if (Value is not { } value)
        {
            return "not measured";
        }

        string format = "F" + Math.Min(decimals, 12).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Fixed(double v) => double.IsFinite(v) ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : NumberFormat.Format(v);
        return Std is { } std && Count > 1 ? $"{Fixed(value)} ± {Fixed(std)} (n = {Count})" : Fixed(value);
    }

    /// <summary>"2.254", "2.25 ± 0.12 (n = 5)" or "not measured".</summary>
    public override string ToString()
    {
        if (Value is not { } value)
        {
            return "not measured";
        }

        return Std is { } std && Count > 1
            ? $"{NumberFormat.FormatMeanStd(value, std)} (n = {Count})"
            : NumberFormat.Format(value, 6);
    }
}
