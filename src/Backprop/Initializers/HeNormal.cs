using System.Globalization;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Truncated normal with standard deviation √(2/((1 + α²)·fan_in)) after truncation, α the negative slope of
/// the activation that follows (0 for ReLU). Keras <c>HeNormal</c> (<c>"he_normal"</c>; VarianceScaling(2, fan_in,
/// truncated_normal)) when α = 0; with α &gt; 0, the He et al. (2015) variance for LeakyReLU/PReLU that PyTorch's
/// <c>kaiming_normal_(a=α)</c> uses (PyTorch does not truncate).</summary>
public sealed class HeNormal : VarianceScaling
{
    /// <summary>He normal for an activation with negative slope α (0 for ReLU).</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    /// <param name="negativeSlope">α of the leaky activation the weights feed; 0 gives Keras's HeNormal.</param>
    public HeNormal(int? seed = null, double negativeSlope = 0.0)
        : base(ScaleFor(negativeSlope), "fan_in", "truncated_normal", seed)
    {
        NegativeSlope = negativeSlope;
    }

    /// <summary>The negative slope α of the leaky activation the weights feed (0 for ReLU).</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    public override string Name => "he_normal";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        NegativeSlope == 0 ? new Dictionary<string, object?> { ["seed"] = Seed } : new Dictionary<string, object?> { ["seed"] = Seed, ["negative_slope"] = NegativeSlope };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"HeNormal(negative_slope={NegativeSlope}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>The variance-scaling factor 2/(1 + α²).</summary>
    internal static double ScaleFor(double negativeSlope) =>
        double.IsFinite(negativeSlope) && negativeSlope >= 0
            ? 2.0 / (1.0 + negativeSlope * negativeSlope)
            : throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite and non-negative.");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new HeNormal FromConfig(ConfigReader config) => new(config.NullableInt("seed"), config.Double("negative_slope", 0.0));
}
