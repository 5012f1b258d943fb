namespace Backprop.Labs.DyingRelu;

/// <summary>The two collapse rates course 003 published (Problem 2.2, 1,000 unseeded runs each, collapse = all 100
/// test predictions exactly equal). The course's initialiser is cut off in its text, so each is compared under the
/// three candidates; each row's tolerance is this run's own 95% Wilson interval.</summary>
public static class DyingReluPublished
{
    private const string Source = "course 003, Problem 2.2 (1,000 runs; initialiser cut off in the text)";

    /// <summary>The tolerance the figures declare: the half-width of a 95% binomial interval of 1,000 runs at p = ½
    /// (1.96·√(0.25 / 1000) = 0.031). Each comparison replaces it by this run's Wilson interval.</summary>
    public static Tolerance DeclaredTolerance { get; } =
        Tolerance.Absolute(0.031, "the 95% binomial half-width of 1,000 runs at p = 0.5; each row uses this run's own 95% Wilson interval");

    /// <summary>"Network Collapse using ReLU =99.6%" (y = |x|).</summary>
    public static PublishedFigure ReluCollapse { get; } = new(
        "ReLU, y = |x|: share of runs whose 100 test predictions are all exactly equal",
        0.996, Source + ": \"Network Collapse using ReLU =99.6%\"", DeclaredTolerance);

    /// <summary>"Network Collapse using Leaky ReLU =83.0%" (y = |x·sin 5x|).</summary>
    public static PublishedFigure LeakyCollapse { get; } = new(
        "\"Leaky ReLU\" cell, y = |x·sin 5x|: share of runs whose 100 test predictions are all exactly equal",
        0.830, Source + ": \"Network Collapse using Leaky ReLU =83.0%\"", DeclaredTolerance);

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [ReluCollapse, LeakyCollapse];
}
