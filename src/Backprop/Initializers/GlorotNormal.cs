using Backprop.Config;
namespace Backprop.Initializers;

/// <summary>Truncated normal with standard deviation √(2/(fan_in + fan_out)) after truncation. Keras <c>GlorotNormal</c> (<c>"glorot_normal"</c>; VarianceScaling(1, fan_avg, truncated_normal)); PyTorch <c>xavier_normal_</c> is not truncated.</summary>
public sealed class GlorotNormal : VarianceScaling
{
    /// <summary>Glorot normal: standard deviation √(2/(fan_in + fan_out)) after truncation at ±2σ.</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public GlorotNormal(int? seed = null)
        : base(1.0, "fan_avg", "truncated_normal", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    /// <inheritdoc/>
    public override string Name => "glorot_normal";

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new GlorotNormal FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
