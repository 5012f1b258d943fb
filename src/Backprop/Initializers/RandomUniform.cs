using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Uniform values on [minval, maxval). Keras <c>RandomUniform(minval=-0.05, maxval=0.05, seed=None)</c>
/// (<c>"random_uniform"</c>); PyTorch <c>nn.init.uniform_</c> defaults to [0, 1).</summary>
public sealed class RandomUniform : Initializer
{
    /// <summary>Uniform(minval, maxval).</summary>
    /// <param name="minval">The lower bound (Keras default −0.05).</param>
    /// <param name="maxval">The upper bound, ≥ minval (Keras default 0.05).</param>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
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

    /// <summary>The lower bound of the values drawn.</summary>
    public double Minval { get; }

    /// <summary>The upper bound of the values drawn.</summary>
    public double Maxval { get; }

    /// <summary>The seed that fixes the draw, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override string Name => "random_uniform";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InitializerRandom.Uniform(tensor.AsSpan(), Minval, Maxval, Seed);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["minval"] = Minval, ["maxval"] = Maxval, ["seed"] = Seed };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomUniform(minval={Minval}, maxval={Maxval}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static RandomUniform FromConfig(ConfigReader config) => new(config.Double("minval", -0.05), config.Double("maxval", 0.05), config.NullableInt("seed"));
}
