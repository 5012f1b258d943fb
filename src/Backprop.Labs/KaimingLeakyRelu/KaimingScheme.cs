using Backprop.Initializers;

namespace Backprop.Labs.KaimingLeakyRelu;

/// <summary>A kernel initialisation compared by the lab: its key, its label, its weight variance for a square
/// layer of fan-in n feeding LeakyReLU(α), and the initialiser.</summary>
/// <param name="Key">Short key for results.json.</param>
/// <param name="Label">How the report writes it.</param>
/// <param name="Create">The initialiser for slope α and a layer's seed.</param>
public sealed record KaimingScheme(string Key, string Label, Func<double, int, Initializer> Create)
{
    /// <summary>He (Kaiming) normal for ReLU whatever α is: Var(W) = 2 / fan_in.</summary>
    public static KaimingScheme He { get; } = new("he", "He: 2/n", (_, seed) => new HeNormal(seed));

    /// <summary>He normal corrected for the slope: Var(W) = 2 / ((1 + α²)·fan_in), <c>HeNormal(negativeSlope: α)</c>.</summary>
    public static KaimingScheme Corrected { get; } = new("corrected", "corrected: 2/((1+α²)n)", (alpha, seed) => new HeNormal(seed, negativeSlope: alpha));

    /// <summary>Glorot normal: Var(W) = 2 / (fan_in + fan_out), 1/n for a square layer whatever α is.</summary>
    public static KaimingScheme Glorot { get; } = new("glorot", "Glorot: 2/(n+n)", (_, seed) => new GlorotNormal(seed));

    /// <summary>He, corrected and Glorot, in the order the report lists them.</summary>
    public static IReadOnlyList<KaimingScheme> All { get; } = [He, Corrected, Glorot];

    /// <summary>Var(W)·n for a square layer: 2, 2/(1 + α²) or 1. Each layer multiplies the second moment of the
    /// pre-activations by this times ½(1 + α²).</summary>
    public double VarianceTimesFanIn(double alpha) => Key switch
    {
        "he" => 2,
        "corrected" => 2 / (1 + alpha * alpha),
        _ => 1,
    };
}
