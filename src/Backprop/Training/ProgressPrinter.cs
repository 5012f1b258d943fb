using System.Globalization;
using System.Text;

namespace Backprop.Training;

/// <summary>Keras-style Fit output: at verbose 1 "Epoch 3/300" and then
/// "10/10 ━━━━━━━━━━━━━━━━━━━━ 0s 1ms/step - loss: 12.3456 - mae: 2.3456"; at verbose 2 one line
/// "10/10 - 0s - 1ms/step - loss: …" per epoch; nothing at verbose 0. Steps per epoch not known in advance (a
/// dataset of unknown cardinality) print as "10/Unknown", as Keras.</summary>
internal sealed class ProgressPrinter(TextWriter output, int verbose, int epochs, int? steps)
{
    public void BeginEpoch(int epoch)
    {
        if (verbose == 1)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{epochs}"));
        }
    }

    public void EndEpoch(int stepsDone, TimeSpan elapsed, IReadOnlyDictionary<string, double> logs)
    {
        if (verbose == 0)
        {
            return;
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{stepsDone}/{(steps is int known ? known.ToString(CultureInfo.InvariantCulture) : "Unknown")}");
        double seconds = elapsed.TotalSeconds;
        string perStep = PerStep(stepsDone == 0 ? 0 : seconds / stepsDone);
        if (verbose == 1)
        {
            sb.Append(' ').Append('━', 20).Append(CultureInfo.InvariantCulture, $" {seconds:F0}s {perStep}");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $" - {seconds:F0}s - {perStep}");
        }

        foreach (var (key, value) in logs)
        {
            sb.Append(" - ").Append(key).Append(": ").Append(FormatValue(value));
        }

        output.WriteLine(sb.ToString());
    }

    /// <summary>Keras's progbar number format: 4 decimals, or scientific below 1e-3.</summary>
    internal static string FormatValue(double value) =>
        Math.Abs(value) > 1e-3 || value == 0 || !double.IsFinite(value)
            ? value.ToString("F4", CultureInfo.InvariantCulture)
            : value.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static string PerStep(double seconds) => seconds switch
    {
        >= 1 or 0 => string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s/step"),
        >= 1e-3 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:F0}ms/step"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:F0}us/step"),
    };
}
