using System.Globalization;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Uniform(−1/√fan_in, 1/√fan_in): PyTorch's default initialisation of <c>nn.Linear</c> and <c>nn.Conv2d</c>,
/// for the weight and the bias alike (<c>reset_parameters</c>: kaiming_uniform_ with a = √5 for the weight, which
/// gives the bound 1/√fan_in, and <c>uniform_(bias, −1/√fan_in, 1/√fan_in)</c> with the fan-in of the weight).
/// Registered as <c>"fan_in_uniform"</c>; not in Keras. For a kernel it equals
/// <c>VarianceScaling(1/3, "fan_in", "uniform")</c>.
/// <para>A bias has no fan-in of its own: the layer passes its kernel's shape when it initialises the bias
/// (<see cref="Initializer.Initialize{T}(Tensor{T}, Shape)"/>; <see cref="Layers.Dense"/> and
/// <see cref="Layers.Conv2D"/> do), so the bias gets the kernel's fan-in, as in PyTorch. Filled directly, without a
/// fan shape, a tensor uses its own fans (Keras's <c>compute_fans</c>; a rank-1 tensor of n values has fan-in n).
/// A fan-in of 0 gives zeros, as PyTorch's bound of 0.</para>
/// <example><c>new Dense(64, kernelInitializer: new FanInUniform(), biasInitializer: new FanInUniform())</c> is
/// <c>nn.Linear(inputs, 64)</c> at creation.</example></summary>
public sealed class FanInUniform : Initializer
{
    /// <summary>Creates the initialiser.</summary>
    /// <param name="seed">A seed that fixes the values drawn (the same on every call); null draws from the library-wide stream that <see cref="Random.RandomSeed.Set"/> seeds.</param>
    public FanInUniform(int? seed = null)
    {
        Seed = seed;
    }

    /// <summary>The seed, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override string Name => "fan_in_uniform";

    /// <summary>The bound 1/√fan_in for a tensor whose fans are those of <paramref name="fanShape"/> (0 when the
    /// fan-in is 0).</summary>
    public static double Limit(Shape fanShape)
    {
        double fanIn = ComputeFans(fanShape).FanIn;
        return fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
    }

    /// <summary>Fills the tensor with the bound of its own fans.</summary>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Initialize(tensor, tensor.Shape);
    }

    /// <summary>Fills the tensor with the bound of <paramref name="fanShape"/>'s fan-in (a bias: its kernel's shape).</summary>
    public override void Initialize<T>(Tensor<T> tensor, Shape fanShape)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        double limit = Limit(fanShape);
        InitializerRandom.Uniform(tensor.AsSpan(), -limit, limit, Seed);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FanInUniform(seed={Seed?.ToString(CultureInfo.InvariantCulture) ?? "None"})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static FanInUniform FromConfig(ConfigReader config) => new(config.NullableInt("seed"));
}
