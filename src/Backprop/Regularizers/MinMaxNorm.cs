using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Moves the L2 norm of each weight slice along <c>axis</c> towards [min_value, max_value]:
/// w ← w · (rate·clip(‖w‖, min, max) + (1 − rate)·‖w‖)/(ε + ‖w‖), ε = 1e-7. Keras
/// <c>MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)</c> (<c>"min_max_norm"</c>).</summary>
public sealed class MinMaxNorm : Constraint
{
    /// <summary>Moves each slice's L2 norm towards [minValue, maxValue].</summary>
    /// <param name="minValue">The smallest norm, ≥ 0 (Keras default 0).</param>
    /// <param name="maxValue">The largest norm, ≥ minValue (Keras default 1).</param>
    /// <param name="rate">How far to move per step, in [0, 1] (1 projects exactly).</param>
    /// <param name="axis">The axis the norm runs over.</param>
    public MinMaxNorm(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, int axis = 0)
    {
        if (!(minValue >= 0) || double.IsInfinity(minValue))
        {
            throw new ArgumentOutOfRangeException(nameof(minValue), minValue, "min_value must be finite and non-negative.");
        }

        if (!(maxValue >= minValue) || double.IsInfinity(maxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"max_value must be finite and at least min_value ({minValue.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (!(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be in [0, 1].");
        }

        MinValue = minValue;
        MaxValue = maxValue;
        Rate = rate;
        Axis = axis;
    }

    /// <summary>The smallest L2 norm a slice is moved to.</summary>
    public double MinValue { get; }

    /// <summary>The largest L2 norm a slice is moved to.</summary>
    public double MaxValue { get; }

    /// <summary>The fraction of the way to the allowed range moved per step (1 projects exactly).</summary>
    public double Rate { get; }

    /// <summary>The axis the norm runs over.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override string Name => "min_max_norm";

    /// <inheritdoc/>
    public override void Apply<T>(Tensor<T> weights) =>
        NormAxis.Rescale(weights, Axis, norm => (Rate * Math.Clamp(norm, MinValue, MaxValue) + (1 - Rate) * norm) / (ConstraintRegistry.Epsilon + norm), Name);

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["min_value"] = MinValue,
        ["max_value"] = MaxValue,
        ["rate"] = Rate,
        ["axis"] = Axis,
    };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MinMaxNorm(min_value={MinValue}, max_value={MaxValue}, rate={Rate}, axis={Axis})");

    /// <summary>Recreates the constraint from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static MinMaxNorm FromConfig(ConfigReader config) => new(config.Double("min_value", 0.0), config.Double("max_value", 1.0), config.Double("rate", 1.0), config.Int("axis", 0));
}
