using Backprop.Config;
namespace Backprop.Initializers;

/// <summary>Truncated normal with standard deviation √(1/fan_in) after truncation. Keras <c>LecunNormal</c> (<c>"lecun_normal"</c>; VarianceScaling(1, fan_in, truncated_normal)); the initialiser SELU expects.</summary>
public sealed class LeCunNormal : VarianceScaling
{
    /// <summary>LeCun normal: standard deviation √(1/fan_in) after truncation at ±2σ (meant for selu).</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public LeCunNormal(int? seed = null)
        : base(1.0, "fan_in", "truncated_normal", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    /// <inheritdoc/>
    public override string Name => "lecun_normal";

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new LeCunNormal FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
