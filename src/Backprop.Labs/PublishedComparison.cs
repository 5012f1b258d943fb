using System.Text.Json.Serialization;

namespace Backprop.Labs;

/// <summary>One row of a report's "Against the published results" table and of results.json's <c>published</c>
/// array: a published figure, what this run measured, and the verdict the tolerance computes from the two.</summary>
public sealed class PublishedComparison
{
    private PublishedComparison(PublishedFigure figure, string quantity, Measurement measured, Tolerance tolerance, string? note)
    {
        Figure = figure;
        Quantity = quantity;
        Measured = measured;
        Tolerance = tolerance;
        Note = measured.NotMeasuredReason ?? note;
        Verdict = tolerance.Judge(figure.Value, measured);
        ToleranceText = tolerance.Describe(measured);
    }

    /// <summary>The declared figure.</summary>
    public PublishedFigure Figure { get; }

    /// <summary>The figure's quantity, with a qualifier when a run compares it several times ("…, seed 43").</summary>
    public string Quantity { get; }

    /// <summary>What this run measured: one value, mean ± std of repetitions, or the reason it cannot measure the figure.</summary>
    public Measurement Measured { get; }

    /// <summary>The tolerance used: the figure's own, or one the run chose for this row (e.g. one seed judged by the
    /// spread of all seeds).</summary>
    public Tolerance Tolerance { get; }

    /// <summary>The verdict the tolerance computed: matches, within spread, differs or not measured.</summary>
    public Verdict Verdict { get; }

    /// <summary>The tolerance in words, with this run's spread.</summary>
    public string ToleranceText { get; }

    /// <summary>Why the figures differ, why this run cannot measure it, or what the comparison means; shown under
    /// the table.</summary>
    public string? Note { get; }

    /// <summary>Compares <paramref name="figure"/> with <paramref name="measured"/>.</summary>
    /// <param name="figure">The declared figure.</param>
    /// <param name="measured">This run's value, mean ± std, or the reason it cannot measure the figure.</param>
    /// <param name="qualifier">Appended to the quantity: "seed 43", "mean ± std over 5 seeds".</param>
    /// <param name="tolerance">Replaces the figure's tolerance for this row.</param>
    /// <param name="note">Why they differ or what the row means.</param>
    public static PublishedComparison Evaluate(PublishedFigure figure, Measurement measured, string? qualifier = null, Tolerance? tolerance = null, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string quantity = string.IsNullOrWhiteSpace(qualifier) ? figure.Quantity : $"{figure.Quantity}, {qualifier}";
        return new PublishedComparison(figure, quantity, measured, tolerance ?? figure.Tolerance, note);
    }

    /// <summary>The row as results.json stores it: quantity, source, published (number or words), measured (number or
    /// null; null also for a non-finite value), measured_std (number or null), tolerance and verdict.</summary>
    public PublishedRecord ToRecord() => new(
        Quantity,
        Figure.Source,
        Figure.Value.ToJson(),
        Measured.Value is { } value && double.IsFinite(value) ? value : null,
        Measured.Count > 1 && Measured.Std is { } std && double.IsFinite(std) ? std : null,
        ToleranceText,
        Verdict.ToText());
}

/// <summary>One entry of results.json's <c>published</c> array.</summary>
public sealed record PublishedRecord(
    [property: JsonPropertyName("quantity")] string Quantity,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("published")] object Published,
    [property: JsonPropertyName("measured")] double? Measured,
    [property: JsonPropertyName("measured_std")] double? MeasuredStd,
    [property: JsonPropertyName("tolerance")] string Tolerance,
    [property: JsonPropertyName("verdict")] string Verdict);
