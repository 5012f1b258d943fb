using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Scales each weight slice along <c>axis</c> to unit L2 norm: w ← w/(ε + ‖w‖), ε = 1e-7. Keras
/// <c>UnitNorm(axis=0)</c> (<c>"unit_norm"</c>).</summary>
public sealed class UnitNorm : Constraint
{
    /// <summary>Scales each slice to unit L2 norm.</summary>
    /// <param name="axis">The axis the norm runs over (Keras default 0).</param>
    public UnitNorm(int axis = 0)
    {
        Axis = axis;
    }

    /// <summary>The axis the norm runs over.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    public override string Name => "unit_norm";

    /// <inheritdoc/>
    public override void Apply<T>(Tensor<T> weights) =>
        NormAxis.Rescale(weights, Axis, norm => 1 / (ConstraintRegistry.Epsilon + norm), Name);

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["axis"] = Axis };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"UnitNorm(axis={Axis})");

    /// <summary>Recreates the constraint from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static UnitNorm FromConfig(ConfigReader config) => new(config.Int("axis", 0));
}
