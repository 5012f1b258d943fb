using System.Globalization;
using System.Numerics;
using Backprop.Config;
using Backprop.Kernels;

namespace Backprop.Regularizers;

/// <summary>R(w) = l1·Σ|w|. Keras <c>L1(l1=0.01)</c>. ∂R/∂w = l1·sign(w), with sign(0) = 0 (the subgradient Keras's
/// autodiff gives).</summary>
public sealed class L1 : Regularizer
{
    public L1(double l1 = 0.01)
    {
        Factor = FactorCheck.Validate(l1, nameof(l1));
    }

    public double Factor { get; }

    public override string Name => "l1";

    public override double Penalty<T>(Tensor<T> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Factor * double.CreateTruncating(Elementwise.SumOfMagnitudes<T>(weights.AsSpan()));
    }

    // ∂R/∂w = l1·sign(w)
    public override void AddGradient<T>(Tensor<T> weights, Tensor<T> gradient)
    {
        FactorCheck.SameShape(Name, weights, gradient);
        Elementwise.AddScaledSign<T>(weights.AsSpan(), T.CreateTruncating(Factor), gradient.AsSpan());
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l1"] = Factor };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"L1(l1={Factor})");

    /// <summary>Recreates the regulariser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static L1 FromConfig(ConfigReader config) => new(config.Double("l1", 0.01));
}
