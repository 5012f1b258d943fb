using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Plots;

/// <summary>
/// Formats numbers for humans, the same way in tables, legends and findings: integers in full (with thin grouping
/// from 10 000 on), ordinary magnitudes to four significant digits, very large or small ones in scientific notation,
/// and "NaN", "∞", "−∞" for non-finite values. Always culture-invariant.
/// </summary>
public static partial class NumberFormat
{
    /// <summary>Formats one value; see the type remarks for the rules.</summary>
    public static string Format(double value, int significantDigits = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "−∞";
        }

        if (value == 0)
        {
            return "0";
        }

        double magnitude = Math.Abs(value);
        if (value == Math.Round(value) && magnitude < 1e15)
        {
            return magnitude >= 10_000
                ? value.ToString("#,0", CultureInfo.InvariantCulture)
                : value.ToString("0", CultureInfo.InvariantCulture);
        }

        if (magnitude >= 1e6 || magnitude < 1e-3)
        {
            return value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        }

        int integerDigits = magnitude >= 1 ? (int)Math.Floor(Math.Log10(magnitude)) + 1 : 0;
        int decimals = magnitude >= 1
            ? Math.Max(significantDigits - integerDigits, 1)
            : significantDigits - 1 - (int)Math.Floor(Math.Log10(magnitude));
        double rounded = Math.Round(value, Math.Min(decimals, 15));
        string text = rounded.ToString("F" + decimals, CultureInfo.InvariantCulture);
        return text.Contains('.') ? text.TrimEnd('0').TrimEnd('.') : text;
    }

    /// <summary>
    /// Formats "mean ± std" the way measurements are quoted: the spread to <paramref name="spreadDigits"/> significant
    /// digits and the mean to the same decimal place, e.g. (2.2213, 0.1021) → "2.22 ± 0.10" and (1234.5, 567) →
    /// "1230 ± 570". Falls back to <see cref="Format(double, int)"/> for each part when the spread is zero or
    /// non-finite, or when fixed notation would need more than eight decimals.
    /// </summary>
    /// <param name="mean">The mean.</param>
    /// <param name="spread">The standard deviation (or another ± half-width).</param>
    /// <param name="spreadDigits">Significant digits of the spread.</param>
    /// <param name="decimals">Decimals for both numbers instead of those <paramref name="spreadDigits"/> gives, so
    /// several labels of one figure or table share one precision (see <see cref="MeanStdDecimals"/>).</param>
    public static string FormatMeanStd(double mean, double spread, int spreadDigits = 2, int? decimals = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spreadDigits, 1);
        double magnitude = Math.Abs(spread);
        if (decimals is int fixedDecimals && double.IsFinite(mean) && double.IsFinite(spread) && fixedDecimals is >= 0 and <= 8)
        {
            string fixedFormat = "F" + fixedDecimals.ToString(CultureInfo.InvariantCulture);
            double fixedMean = RoundTo(mean, fixedDecimals);
            return (fixedMean == 0 ? 0.0 : fixedMean).ToString(fixedFormat, CultureInfo.InvariantCulture) + " ± " + RoundTo(magnitude, fixedDecimals).ToString(fixedFormat, CultureInfo.InvariantCulture);
        }

        // Decimal place of the last significant digit of the spread (negative: tens, hundreds...).
        int places = magnitude > 0 ? spreadDigits - 1 - (int)Math.Floor(Math.Log10(magnitude)) : 0;
        if (!double.IsFinite(mean) || !double.IsFinite(spread) || magnitude == 0
            || places > 8 || Math.Max(magnitude, Math.Abs(mean)) >= 1e15)
        {
            return magnitude == 0 && double.IsFinite(mean) ? Format(mean) : Format(mean) + " ± " + Format(magnitude, spreadDigits);
        }

        double roundedSpread = RoundTo(magnitude, places);
        if (roundedSpread >= Math.Pow(10, spreadDigits - places))
        {
            // Rounding carried into a new digit (0.0996 → 0.100): one decimal fewer keeps spreadDigits digits.
            places--;
            roundedSpread = RoundTo(magnitude, places);
        }

        double roundedMean = RoundTo(mean, places);
        string format = "F" + Math.Max(places, 0).ToString(CultureInfo.InvariantCulture);
        string meanText = (roundedMean == 0 ? 0.0 : roundedMean).ToString(format, CultureInfo.InvariantCulture);
        return meanText + " ± " + roundedSpread.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>The decimals <see cref="FormatMeanStd"/> gives a spread: enough for <paramref name="spreadDigits"/>
    /// significant digits (0.12 → 2, 0.046 → 3, 570 → 0).</summary>
    public static int MeanStdDecimals(double spread, int spreadDigits = 2)
    {
        double magnitude = Math.Abs(spread);
        return magnitude > 0 && double.IsFinite(magnitude) ? Math.Clamp(spreadDigits - 1 - (int)Math.Floor(Math.Log10(magnitude)), 0, 8) : 0;
    }

    private static double RoundTo(double value, int decimals)
    {
        if (decimals >= 0)
        {
            return Math.Round(value, Math.Min(decimals, 15), MidpointRounding.AwayFromZero);
        }

        double unit = Math.Pow(10, -decimals);
        return Math.Round(value / unit, MidpointRounding.AwayFromZero) * unit;
    }

    /// <summary>Formats any cell value: numbers via <see cref="Format(double, int)"/>, <see cref="TimeSpan"/> as seconds or
    /// h:mm:ss, booleans as yes/no, null as an empty string, everything else with invariant <c>ToString</c>.</summary>
    public static string FormatObject(object? value) => value switch
    {
        null => "",
        string text => text,
        double number => Format(number),
        float number => Format(number),
        decimal number => Format((double)number),
        int or long or short or byte or uint or ulong or ushort or sbyte => Format(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        bool flag => flag ? "yes" : "no",
        TimeSpan span => span.TotalSeconds < 60
            ? Format(span.TotalSeconds, 3) + " s"
            : span.ToString(span.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>True for values <see cref="FormatObject"/> treats as numbers (right-aligned in tables).</summary>
    public static bool IsNumeric(object? value) =>
        value is double or float or decimal or int or long or short or byte or uint or ulong or ushort or sbyte or TimeSpan;

    /// <summary>A fraction in [0, 1] as a percentage with at most one decimal: 0.4752 → "47.5%", 1 → "100%", 0.00004 → "0%".</summary>
    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : Format(fraction);

    /// <summary>True for a cell that stands for a missing number — empty, "—", or "— (why)" — so it does not make a
    /// column of numbers a column of text.</summary>
    public static bool IsPlaceholder(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        return trimmed.Length == 0 || trimmed is "—" or "–" || trimmed.StartsWith("— ", StringComparison.Ordinal);
    }

    /// <summary>True for text that reads as a number or a measurement — "2.221", "−1.5e-4", "60,000", "2.22 ± 0.12",
    /// "12 %", "0.7 s", "NaN", "∞" — so tables can right-align columns of preformatted numbers.</summary>
    public static bool LooksNumeric(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NumericText().IsMatch(text.Trim());
    }

    [GeneratedRegex(@"^[−\-+]?(\d[\d,\u2009\u202F]*(\.\d+)?([eE][−\-+]?\d+)?|\.\d+|NaN|∞)( ?(±|…) ?[−\-+]?(\d[\d,\u2009\u202F]*(\.\d+)?([eE][−\-+]?\d+)?|NaN|∞))?( ?(%|s|ms|µs|×|B|KB|MB))?$")]
    private static partial Regex NumericText();
}
