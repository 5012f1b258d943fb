using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Keras <c>VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None)</c>
/// (<c>"variance_scaling"</c>): with n = max(1, fan_in), max(1, fan_out) or max(1, (fan_in + fan_out)/2) by mode,
/// and s = scale/n, draws from
/// <list type="bullet">
/// <item>"truncated_normal": a normal truncated at ±2σ with σ = √s/0.87962566103423978, so the standard deviation
/// after truncation is √s (PyTorch's kaiming_normal_/xavier_normal_ are not truncated);</item>
/// <item>"untruncated_normal": Normal(0, √s);</item>
/// <item>"uniform": Uniform(−√(3s), √(3s)).</item>
/// </list>
/// Fans follow <see cref="Initializer.ComputeFans"/> (Keras layout: a Dense kernel is (fan_in, fan_out)).
/// Glorot, He and LeCun initialisers are presets of this class.</summary>
public class VarianceScaling : Initializer
{
    /// <summary>The standard deviation of a standard normal truncated to [−2, 2].</summary>
    public const double TruncatedNormalStddev = 0.87962566103423978;

    private static readonly string[] s_modes = ["fan_in", "fan_out", "fan_avg"];
    private static readonly string[] s_distributions = ["truncated_normal", "untruncated_normal", "uniform"];

    /// <summary>Variance scaling: values of variance scale/n, n the fan chosen by <paramref name="mode"/>.</summary>
    /// <param name="scale">The scale, &gt; 0.</param>
    /// <param name="mode">"fan_in", "fan_out" or "fan_avg".</param>
    /// <param name="distribution">"truncated_normal", "untruncated_normal" or "uniform".</param>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(distribution);
        Scale = InitializerChecks.Positive(scale, nameof(scale));
        Mode = s_modes.Contains(mode.ToLowerInvariant())
            ? mode.ToLowerInvariant()
            : throw new ArgumentException($"Unknown mode '{mode}'. Valid modes: {string.Join(", ", s_modes)}.", nameof(mode));
        Distribution = s_distributions.Contains(distribution.ToLowerInvariant())
            ? distribution.ToLowerInvariant()
            : throw new ArgumentException($"Unknown distribution '{distribution}'. Valid distributions: {string.Join(", ", s_distributions)}.", nameof(distribution));
        Seed = seed;
    }

    /// <summary>The scale: the variance drawn is scale/n.</summary>
    public double Scale { get; }

    /// <summary>Which fan n is: "fan_in", "fan_out" or "fan_avg".</summary>
    public string Mode { get; }

    /// <summary>"truncated_normal", "untruncated_normal" or "uniform".</summary>
    public string Distribution { get; }

    /// <summary>The seed that fixes the draw, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override string Name => "variance_scaling";

    /// <summary>s = scale/n for a tensor of this shape (the variance of the values drawn).</summary>
    public double Variance(Shape shape)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        double n = Mode switch
        {
            "fan_in" => Math.Max(1.0, fanIn),
            "fan_out" => Math.Max(1.0, fanOut),
            _ => Math.Max(1.0, (fanIn + fanOut) / 2.0),
        };
        return Scale / n;
    }

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        double variance = Variance(tensor.Shape);
        switch (Distribution)
        {
            case "truncated_normal":
                InitializerRandom.TruncatedNormal(tensor.AsSpan(), 0, Math.Sqrt(variance) / TruncatedNormalStddev, Seed);
                break;
            case "untruncated_normal":
                InitializerRandom.Normal(tensor.AsSpan(), 0, Math.Sqrt(variance), Seed);
                break;
            default:
                double limit = Math.Sqrt(3.0 * variance);
                InitializerRandom.Uniform(tensor.AsSpan(), -limit, limit, Seed);
                break;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["scale"] = Scale,
        ["mode"] = Mode,
        ["distribution"] = Distribution,
        ["seed"] = Seed,
    };

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}(scale={Scale}, mode={Mode}, distribution={Distribution}, seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static VarianceScaling FromConfig(ConfigReader config) => new(config.Double("scale", 1.0), config.String("mode", "fan_in"), config.String("distribution", "truncated_normal"), config.NullableInt("seed"));
}
