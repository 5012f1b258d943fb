using Backprop.Config;
namespace Backprop.Initializers;

/// <summary>Uniform(−limit, limit) with limit = √(6/(fan_in + fan_out)). Keras <c>GlorotUniform</c> (<c>"glorot_uniform"</c>, the default kernel initialiser; VarianceScaling(1, fan_avg, uniform)); PyTorch <c>nn.init.xavier_uniform_</c>.</summary>
public sealed class GlorotUniform : VarianceScaling
{
    /// <summary>Glorot uniform: Uniform(−limit, limit) with limit = √(6/(fan_in + fan_out)).</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public GlorotUniform(int? seed = null)
        : base(1.0, "fan_avg", "uniform", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    /// <inheritdoc/>
    public override string Name => "glorot_uniform";

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static new GlorotUniform FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
