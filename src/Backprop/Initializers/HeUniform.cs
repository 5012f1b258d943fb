using System.Globalization;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Uniform(−limit, limit) with limit = √(6/((1 + α²)·fan_in)), α the negative slope of the activation that
/// follows (0 for ReLU). Keras <c>HeUniform</c> (<c>"he_uniform"</c>; VarianceScaling(2, fan_in, uniform)) when
/// α = 0; with α &gt; 0 it is PyTorch's <c>kaiming_uniform_(a=α, mode="fan_in")</c> gain for LeakyReLU/PReLU,
/// variance 2/((1 + α²)·fan_in).</summary>
public sealed class HeUniform : VarianceScaling
{
    /// <summary>He uniform for an activation with negative slope α (0 for ReLU): Uniform(±√(6/((1 + α²)·fan_in))).</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    /// <param name="negativeSlope">α of the leaky activation the weights feed; 0 gives Keras's HeUniform.</param>
    public HeUniform(int? seed = null, double negativeSlope = 0.0)
        : base(HeNormal.ScaleFor(negativeSlope), "fan_in", "uniform", seed)
    {
        NegativeSlope = negativeSlope;
    }

    /// <summary>The negative slope α of the leaky activation the weights feed (0 for ReLU).</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    public override string Name => "he_uniform";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        NegativeSlope == 0 ? new Dictionary<string, object?> { ["seed"] = Seed } : new Dictionary<string, object?> { ["seed"] = Seed, ["negative_slope"] = NegativeSlope };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"HeUniform(negative_slope={NegativeSlope}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new HeUniform FromConfig(ConfigReader config) => new(config.NullableInt("seed"), config.Double("negative_slope", 0.0));
}
