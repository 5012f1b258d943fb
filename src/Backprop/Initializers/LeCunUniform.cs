using Backprop.Config;
namespace Backprop.Initializers;

/// <summary>Uniform(−limit, limit) with limit = √(3/fan_in). Keras <c>LecunUniform</c> (<c>"lecun_uniform"</c>; VarianceScaling(1, fan_in, uniform)).</summary>
public sealed class LeCunUniform : VarianceScaling
{
    /// <summary>LeCun uniform: Uniform(−limit, limit) with limit = √(3/fan_in).</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public LeCunUniform(int? seed = null)
        : base(1.0, "fan_in", "uniform", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    /// <inheritdoc/>
    public override string Name => "lecun_uniform";

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new LeCunUniform FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
