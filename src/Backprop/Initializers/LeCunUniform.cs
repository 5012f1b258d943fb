using Backprop.Config;
namespace Backprop.Initializers;

/// <summary>Uniform(−limit, limit) with limit = √(3/fan_in). Keras <c>LecunUniform</c> (<c>"lecun_uniform"</c>; VarianceScaling(1, fan_in, uniform)).</summary>
public sealed class LeCunUniform : VarianceScaling
{
    public LeCunUniform(int? seed = null)
        : base(1.0, "fan_in", "uniform", seed)
    {
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    public override string Name => "lecun_uniform";

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new LeCunUniform FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
