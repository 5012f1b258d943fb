using Backprop.Config;
namespace Backprop.Initializers;

/// <summary>Truncated normal with standard deviation √(1/fan_in) after truncation. Keras <c>LecunNormal</c> (<c>"lecun_normal"</c>; VarianceScaling(1, fan_in, truncated_normal)); the initialiser SELU expects.</summary>
public sealed class LeCunNormal : VarianceScaling
{
    public LeCunNormal(int? seed = null)
        : base(1.0, "fan_in", "truncated_normal", seed)
    {
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    public override string Name => "lecun_normal";

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new LeCunNormal FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
