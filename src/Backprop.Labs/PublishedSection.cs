namespace Backprop.Labs;

/// <summary>Writes a lab's comparisons with the course's published figures: the report section "Against the
/// published results" (a table, notes and a finding that counts the verdicts) after the lab's own sections.</summary>
internal static class PublishedSection
{
    public const string Heading = "Against the published results";

    /// <summary>Checks that the run compared every figure <paramref name="lab"/> declares, and only those, then
    /// writes the section.</summary>
    /// <exception cref="InvalidOperationException">The lab declares no figure, a declared figure was never compared
    /// (nor declared unmeasurable), or a compared figure was not declared.</exception>
    public static void Write(ILab lab, LabContext context)
    {
        var declared = lab.Published;
        if (declared.Count == 0)
        {
            throw new InvalidOperationException(
                $"Lab '{lab.Name}' declares no published figure. Every lab compares itself with the course: declare the figures in ILab.Published " +
                "(a claim the course made in words counts, judged by a range on what the run measures).");
        }

        var compared = context.Comparisons;
        var missing = declared.Where(figure => !compared.Any(c => c.Figure == figure)).Select(f => f.Quantity).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Lab '{lab.Name}' declares published figures its run neither compared nor declared unmeasurable: {string.Join("; ", missing)}.");
        }

        var undeclared = compared.Where(c => !declared.Contains(c.Figure)).Select(c => c.Quantity).Distinct().ToList();
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                $"Lab '{lab.Name}' compared figures it does not declare in ILab.Published: {string.Join("; ", undeclared)}.");
        }

        context.Section(Heading);
        context.Paragraph(
            "Each row sets a figure the course published beside what this run measured. The verdict is computed from the two numbers and the tolerance: " +
            "matches (within the tolerance), within spread (outside it, but within the spread of this run's repetitions), differs, or not measured (this run cannot measure it; the note says why)." +
            (context.Quick ? " This is a --quick run, so its figures come from a reduced experiment and may differ for that reason alone." : ""));
        context.Table("Published figures against this run", ["quantity", "published", "this run", "tolerance", "verdict", "source"],
            compared.Select(c => (IReadOnlyList<object?>)[c.Quantity, c.Figure.Value.ToString(), MeasuredText(c), c.ToleranceText, c.Verdict.ToText(), c.Figure.Source]));

        var notes = compared.Where(c => c.Note is not null).ToList();
        if (notes.Count > 0)
        {
            context.Table("Notes on the comparison", ["quantity", "note"], notes.Select(c => (IReadOnlyList<object?>)[c.Quantity, c.Note]));
        }

        context.Finding(Summarise(compared));
    }

    /// <summary>One precision rule for the "this run" column: one decimal more than the course printed (2.199 → 2.1177,
    /// 9.1605 → 9.07991, a spread with the same decimals), fewer only when the value has fewer (an exact −0.5, an
    /// epoch count of 7); a measurement of a claim in words keeps six significant digits.</summary>
    internal static string MeasuredText(PublishedComparison comparison)
    {
        var measured = comparison.Measured;
        if (comparison.Figure.Value.Number is not double published || measured.Value is not double value)
        {
            return measured.ToString();
        }

        // A value with fewer decimals than that (an exact −0.5, an epoch count of 7) is shown as it is.
        int decimals = Math.Min(Decimals(published) + 1, 12);
        for (int k = 0; k < decimals; k++)
        {
            if (Math.Round(value, k) == value)
            {
                decimals = k;
                break;
            }
        }

        return measured.ToString(decimals);
    }

    /// <summary>The decimals of a published number as printed (its shortest round-trip form): 2.199 → 3, 42 → 0.</summary>
    internal static int Decimals(double number)
    {
        string text = number.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            return 6;
        }

        int dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? 0 : text.Length - dot - 1;
    }

    /// <summary>"Of the 18 comparisons with published figures, 2 match, 10 are within the spread of this run's
    /// repetitions and 6 differ (…)."</summary>
    internal static string Summarise(IReadOnlyList<PublishedComparison> comparisons)
    {
        int Count(Verdict verdict) => comparisons.Count(c => c.Verdict == verdict);
        var parts = new List<string>();
        int matches = Count(Verdict.Matches), spread = Count(Verdict.WithinSpread), differs = Count(Verdict.Differs), notMeasured = Count(Verdict.NotMeasured);
        if (matches > 0)
        {
            parts.Add($"{matches} {(matches == 1 ? "matches" : "match")}");
        }

        if (spread > 0)
        {
            parts.Add($"{spread} {(spread == 1 ? "is" : "are")} within the spread of this run's repetitions");
        }

        if (differs > 0)
        {
            var names = comparisons.Where(c => c.Verdict == Verdict.Differs).Select(c => c.Quantity).ToList();
            string list = names.Count <= 6 ? string.Join("; ", names) : string.Join("; ", names.Take(6)) + $"; and {names.Count - 6} more";
            parts.Add($"{differs} {(differs == 1 ? "differs" : "differ")} ({list})");
        }

        if (notMeasured > 0)
        {
            parts.Add($"{notMeasured} cannot be measured by this run");
        }

        string joined = parts.Count == 1 ? parts[0] : string.Join(", ", parts.SkipLast(1)) + " and " + parts[^1];
        return $"Of the {comparisons.Count} comparison{(comparisons.Count == 1 ? "" : "s")} with published figures, {joined}.";
    }
}
