using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Caps the L2 norm of each weight slice along <c>axis</c>: w ← w · clip(‖w‖, 0, max_value)/(ε + ‖w‖),
/// ε = 1e-7. Keras <c>MaxNorm(max_value=2, axis=0)</c> (<c>"max_norm"</c>); for a Dense kernel (in, out), axis 0
/// constrains each unit's incoming weights.</summary>
public sealed class MaxNorm : Constraint
{
    /// <summary>Caps each slice's L2 norm at <paramref name="maxValue"/>.</summary>
    /// <param name="maxValue">The largest norm allowed, ≥ 0 (Keras default 2).</param>
    /// <param name="axis">The axis the norm runs over (0: each unit's incoming weights of a Dense kernel).</param>
    public MaxNorm(double maxValue = 2, int axis = 0)
    {
        if (!(maxValue >= 0) || double.IsInfinity(maxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "max_value must be finite and non-negative.");
        }

        MaxValue = maxValue;
        Axis = axis;
    }

    /// <summary>The largest L2 norm a slice may keep.</summary>
    public double MaxValue { get; }

    /// <summary>The axis the norm runs over.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override string Name => "max_norm";

    /// <inheritdoc/>
    public override void Apply<T>(Tensor<T> weights) =>
        NormAxis.Rescale(weights, Axis, norm => Math.Clamp(norm, 0, MaxValue) / (ConstraintRegistry.Epsilon + norm), Name);

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["max_value"] = MaxValue, ["axis"] = Axis };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MaxNorm(max_value={MaxValue}, axis={Axis})");

    /// <summary>Recreates the constraint from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static MaxNorm FromConfig(ConfigReader config) => new(config.Double("max_value", 2), config.Int("axis", 0));
}
