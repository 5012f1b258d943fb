using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Normal(mean, stddev) values. Keras <c>RandomNormal(mean=0.0, stddev=0.05, seed=None)</c>
/// (<c>"random_normal"</c>); PyTorch <c>nn.init.normal_</c> defaults to stddev 1. With a seed every call gives the
/// same values; without, they come from the library-wide stream of <see cref="Random.RandomSeed"/>.</summary>
public sealed class RandomNormal : Initializer
{
    /// <summary>Normal(mean, stddev), not truncated.</summary>
    /// <param name="mean">The mean (Keras default 0).</param>
    /// <param name="stddev">The standard deviation, ≥ 0 (Keras default 0.05).</param>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null)
    {
        Mean = InitializerChecks.Finite(mean, nameof(mean));
        Stddev = InitializerChecks.NonNegative(stddev, nameof(stddev));
        Seed = seed;
    }

    /// <summary>The mean of the values drawn.</summary>
    public double Mean { get; }

    /// <summary>The standard deviation of the values drawn.</summary>
    public double Stddev { get; }

    /// <summary>The seed that fixes the draw, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override string Name => "random_normal";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InitializerRandom.Normal(tensor.AsSpan(), Mean, Stddev, Seed);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = Seed };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomNormal(mean={Mean}, stddev={Stddev}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static RandomNormal FromConfig(ConfigReader config) => new(config.Double("mean", 0.0), config.Double("stddev", 0.05), config.NullableInt("seed"));
}
