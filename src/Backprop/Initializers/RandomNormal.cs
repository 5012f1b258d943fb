using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Normal(mean, stddev) values. Keras <c>RandomNormal(mean=0.0, stddev=0.05, seed=None)</c>
/// (<c>"random_normal"</c>); PyTorch <c>nn.init.normal_</c> defaults to stddev 1. With a seed every call gives the
/// same values; without, they come from the library-wide stream of <see cref="Random.RandomSeed"/>.</summary>
public sealed class RandomNormal : Initializer
{
    public RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null)
    {
        Mean = InitializerChecks.Finite(mean, nameof(mean));
        Stddev = InitializerChecks.NonNegative(stddev, nameof(stddev));
        Seed = seed;
    }

    public double Mean { get; }

    public double Stddev { get; }

    public int? Seed { get; }

    public override string Name => "random_normal";

    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InitializerRandom.Normal(tensor.AsSpan(), Mean, Stddev, Seed);
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = Seed };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomNormal(mean={Mean}, stddev={Stddev}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static RandomNormal FromConfig(ConfigReader config) => new(config.Double("mean", 0.0), config.Double("stddev", 0.05), config.NullableInt("seed"));
}
