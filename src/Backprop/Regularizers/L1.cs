using System.Globalization;
using System.Numerics;
using Backprop.Config;
using Backprop.Kernels;

namespace Backprop.Regularizers;

/// <summary>R(w) = l1·Σ|w|. Keras <c>L1(l1=0.01)</c>. ∂R/∂w = l1·sign(w), with sign(0) = 0 (the subgradient Keras's
/// autodiff gives).</summary>
public sealed class L1 : Regularizer
{
    /// <summary>The penalty l1·Σ|w|.</summary>
    /// <param name="l1">The factor, finite and ≥ 0 (Keras default 0.01).</param>
    public L1(double l1 = 0.01)
    {
        Factor = FactorCheck.Validate(l1, nameof(l1));
    }

    /// <summary>The factor l1 in l1·Σ|w|.</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override string Name => "l1";

    /// <inheritdoc/>
    public override double Penalty<T>(Tensor<T> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Factor * double.CreateTruncating(Elementwise.SumOfMagnitudes<T>(weights.AsSpan()));
    }

    // ∂R/∂w = l1·sign(w)
    /// <inheritdoc/>
    public override void AddGradient<T>(Tensor<T> weights, Tensor<T> gradient)
    {
        FactorCheck.SameShape(Name, weights, gradient);
        Elementwise.AddScaledSign<T>(weights.AsSpan(), T.CreateTruncating(Factor), gradient.AsSpan());
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l1"] = Factor };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"L1(l1={Factor})");

    /// <summary>Recreates the regulariser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static L1 FromConfig(ConfigReader config) => new(config.Double("l1", 0.01));
}
