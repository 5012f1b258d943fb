namespace Backprop.Labs.ActivationStatistics;

/// <summary>What the two courses said about their activation plots. Neither published a number, so each claim is
/// judged by a range on a statistic this run measures; the ranges were fixed before any run and are stated with
/// each row.</summary>
public static class ActivationStatisticsPublished
{
    private const string Course000 = "course 000, Q2(b)–(c) answer (density histograms, no numbers)";
    private const string Course003 = "course 003, Problem 2.1 answer (violin plots, no numbers)";

    /// <summary>Part 1(b): N(0, 1) weights put the tanh activations' mass at ±1.</summary>
    public static PublishedFigure NormalSaturates { get; } = new(
        "part 1, N(0, 1): share of tanh outputs with |h| > 0.99, mean over the five layers",
        "N(0, 1) weights saturate the activations: mass at −1 and +1", Course000,
        Tolerance.AtLeast(0.5, "most outputs saturated"));

    /// <summary>Part 1(c): Glorot gives bell-shaped curves centred around zero.</summary>
    public static PublishedFigure GlorotCentred { get; } = new(
        "part 1, Glorot: largest |mean| / std of a layer's tanh outputs",
        "bell-shaped curves centred around zero", Course000,
        Tolerance.AtMost(0.1, "centred: every layer's mean within 0.1 std of 0"));

    /// <summary>Part 1(c): under Glorot the variance of the activations is similar across layers.</summary>
    public static PublishedFigure GlorotSimilarVariance { get; } = new(
        "part 1, Glorot: largest / smallest std of the five layers' tanh outputs",
        "the variance of the activations is similar across layers", Course000,
        Tolerance.AtMost(2, "within a factor of 2"));

    /// <summary>Part 1(c): Glorot normal and Glorot uniform behave alike.</summary>
    public static PublishedFigure GlorotVariantsAlike { get; } = new(
        "part 1: largest |std(Glorot uniform) − std(Glorot normal)| / std(Glorot normal) over the layers",
        "Glorot normal and Glorot uniform give similar distributions", Course000,
        Tolerance.AtMost(0.1, "within 10%"));

    /// <summary>Part 2: a larger σ saturates more (tanh at ±1, sigmoid at 0 and 1).</summary>
    public static PublishedFigure LargerSigmaSaturates { get; } = new(
        "part 2: saturated share at σ = 0.28 minus at σ = 0.10, five layers, percentage points",
        "the larger σ, the more the outputs saturate (tanh at ±1, sigmoid at 0 and 1)", Course003,
        Tolerance.AtLeast(0.1, "at least 0.1 percentage point more"));

    /// <summary>Part 2: Glorot keeps tanh and sigmoid outputs well distributed.</summary>
    public static PublishedFigure GlorotWellDistributed { get; } = new(
        "part 2, Glorot normal: saturated share of the most saturated layer",
        "Glorot initialisation keeps the outputs well distributed", Course003,
        Tolerance.AtMost(0.01, "at most 1% saturated"));

    /// <summary>Part 2: ReLU under Glorot concentrates layers 4–5 below 0.5.</summary>
    public static PublishedFigure ReluGlorotConcentrated { get; } = new(
        "part 2, ReLU, Glorot normal: share of layer 4–5 outputs below 0.5 (plotted values)",
        "layers 4 and 5 are concentrated at a very small value (<0.5)", Course003,
        Tolerance.AtLeast(0.9, "nearly all below 0.5"));

    /// <summary>Part 2: ReLU under He does not concentrate layers 4–5 like that.</summary>
    public static PublishedFigure ReluHeSpread { get; } = new(
        "part 2, ReLU, He normal: share of layer 4–5 outputs below 0.5 (plotted values)",
        "with He initialisation layers 4 and 5 are not concentrated below 0.5 as with Glorot", Course003,
        Tolerance.AtMost(0.9, "not nearly all below 0.5"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        NormalSaturates, GlorotCentred, GlorotSimilarVariance, GlorotVariantsAlike,
        LargerSigmaSaturates, GlorotWellDistributed, ReluGlorotConcentrated, ReluHeSpread,
    ];
}
