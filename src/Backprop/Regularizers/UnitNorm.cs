using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Scales each weight slice along <c>axis</c> to unit L2 norm: w ← w/(ε + ‖w‖), ε = 1e-7. Keras
/// <c>UnitNorm(axis=0)</c> (<c>"unit_norm"</c>).</summary>
public sealed class UnitNorm : Constraint
{
    public UnitNorm(int axis = 0)
    {
        Axis = axis;
    }

    public int Axis { get; }

    public override string Name => "unit_norm";

    public override void Apply<T>(Tensor<T> weights) =>
        NormAxis.Rescale(weights, Axis, norm => 1 / (ConstraintRegistry.Epsilon + norm), Name);

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["axis"] = Axis };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"UnitNorm(axis={Axis})");

    /// <summary>Recreates the constraint from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static UnitNorm FromConfig(ConfigReader config) => new(config.Int("axis", 0));
}
