using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Uniform values on [minval, maxval). Keras <c>RandomUniform(minval=-0.05, maxval=0.05, seed=None)</c>
/// (<c>"random_uniform"</c>); PyTorch <c>nn.init.uniform_</c> defaults to [0, 1).</summary>
public sealed class RandomUniform : Initializer
{
    public RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null)
    {
        Minval = InitializerChecks.Finite(minval, nameof(minval));
        Maxval = InitializerChecks.Finite(maxval, nameof(maxval));
        if (maxval < minval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxval), maxval, $"maxval must be at least minval ({minval.ToString(CultureInfo.InvariantCulture)}).");
        }

        Seed = seed;
    }

    public double Minval { get; }

    public double Maxval { get; }

    public int? Seed { get; }

    public override string Name => "random_uniform";

    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InitializerRandom.Uniform(tensor.AsSpan(), Minval, Maxval, Seed);
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["minval"] = Minval, ["maxval"] = Maxval, ["seed"] = Seed };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomUniform(minval={Minval}, maxval={Maxval}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static RandomUniform FromConfig(ConfigReader config) => new(config.Double("minval", -0.05), config.Double("maxval", 0.05), config.NullableInt("seed"));
}
