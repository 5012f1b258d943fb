namespace Backprop.Labs;

/// <summary>How a run's figure compares with the published one, computed from the numbers by a
/// <see cref="Tolerance"/>, never written by hand.</summary>
public enum Verdict
{
    /// <summary>Within the tolerance that makes sense for the figure (exact, a range, the published digits).</summary>
    Matches,

    /// <summary>Outside that tolerance but within the spread of this run's repetitions (seeds, initialisations).</summary>
    WithinSpread,

    /// <summary>Neither: this run and the course disagree.</summary>
    Differs,

    /// <summary>This run cannot measure the figure (the comparison says why).</summary>
    NotMeasured,
}

/// <summary>The words results.json and the report use for a <see cref="Verdict"/>.</summary>
public static class VerdictText
{
    /// <summary>"matches", "within spread", "differs" or "not measured".</summary>
    public static string ToText(this Verdict verdict) => verdict switch
    {
        Verdict.Matches => "matches",
        Verdict.WithinSpread => "within spread",
        Verdict.Differs => "differs",
        Verdict.NotMeasured => "not measured",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };
}
