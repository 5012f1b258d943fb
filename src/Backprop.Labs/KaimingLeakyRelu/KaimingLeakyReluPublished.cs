namespace Backprop.Labs.KaimingLeakyRelu;

/// <summary>What course 002 §8 states about Kaiming initialisation (it asks for the LeakyReLU derivation and
/// publishes no experiment): the ReLU case it starts from, each checked on this run's 50-layer networks.</summary>
public static class KaimingLeakyReluPublished
{
    private const string Source = "course 002, §8 \"Theory: Initialization\" (lines 102–110)";

    /// <summary>"W ∼ N(0, 2/d_x)": Kaiming's variance times the fan-in is 2; the lab's corrected initialiser at α = 0
    /// must draw exactly that (after the truncation correction).</summary>
    public static PublishedFigure KaimingVariance { get; } = new(
        "Kaiming for ReLU, W ∼ N(0, 2/d_x): Var(W)·d_x of the corrected initialiser's draws at α = 0, all 50 kernels",
        2.0, Source + ": \"W ∼ N(0, 2/d_x)\"; \"setting α = 0 … should give you the standard Kaiming initialization\"",
        Tolerance.Relative(0.01, "sampling error of 50 × 262,144 draws is ≈ 0.03%; 1% allows for the truncation correction"));

    /// <summary>"The factor 2 is needed because the ReLU sets (in expectation) half of the input to zero".</summary>
    public static PublishedFigure ReluHalvesTheMoment { get; } = new(
        "ReLU (α = 0): E[ReLU(z)²] / E[z²] over the 50 layers, He initialisation",
        "the factor 2 is needed because the ReLU sets (in expectation) half of the input to zero", Source,
        Tolerance.Between(0.45, 0.55, "one half within 10%"));

    /// <summary>The point of the factor 2: with Var(W) = 2/d_x a ReLU network keeps its signal through depth.</summary>
    public static PublishedFigure KaimingKeepsReluSignal { get; } = new(
        "ReLU (α = 0), He initialisation: second moment after 50 layers over that at the first layer (mean over weight draws)",
        "Kaiming initialisation W ∼ N(0, 2/d_x) for ReLU networks (it keeps the variance of the signal constant through depth)", Source,
        Tolerance.Between(0.5, 2, "within a factor of 2 after 49 layers (a single network fluctuates by about that much at width 512)"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [KaimingVariance, ReluHalvesTheMoment, KaimingKeepsReluSignal];
}
