using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Normal(mean, stddev) values redrawn until within 2·stddev of the mean (so their standard deviation is
/// ≈0.88·stddev). Keras <c>TruncatedNormal(mean=0.0, stddev=0.05, seed=None)</c> (<c>"truncated_normal"</c>);
/// PyTorch <c>nn.init.trunc_normal_</c> truncates at absolute bounds ±2 instead.</summary>
public sealed class TruncatedNormal : Initializer
{
    /// <summary>Normal(mean, stddev) with draws beyond two standard deviations redrawn (Keras's TruncatedNormal).</summary>
    /// <param name="mean">The mean (Keras default 0).</param>
    /// <param name="stddev">The standard deviation before truncation, ≥ 0 (Keras default 0.05).</param>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public TruncatedNormal(double mean = 0.0, double stddev = 0.05, int? seed = null)
    {
        Mean = InitializerChecks.Finite(mean, nameof(mean));
        Stddev = InitializerChecks.NonNegative(stddev, nameof(stddev));
        Seed = seed;
    }

    /// <summary>The mean of the distribution.</summary>
    public double Mean { get; }

    /// <summary>The standard deviation before truncation.</summary>
    public double Stddev { get; }

    /// <summary>The seed that fixes the draw, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override string Name => "truncated_normal";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InitializerRandom.TruncatedNormal(tensor.AsSpan(), Mean, Stddev, Seed);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = Seed };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TruncatedNormal(mean={Mean}, stddev={Stddev}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static TruncatedNormal FromConfig(ConfigReader config) => new(config.Double("mean", 0.0), config.Double("stddev", 0.05), config.NullableInt("seed"));
}
