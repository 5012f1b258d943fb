using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>R(w) = l1·Σ|w| + l2·Σw². Keras <c>L1L2(l1=0.0, l2=0.0)</c>; the registry name <c>"l1_l2"</c> gives
/// Keras's <c>l1_l2()</c> shortcut with 0.01 for both. ∂R/∂w = l1·sign(w) + 2·l2·w.</summary>
public sealed class L1L2 : Regularizer
{
    /// <summary>The penalty l1·Σ|w| + l2·Σw².</summary>
    /// <param name="l1">The L1 factor, ≥ 0 (Keras default 0).</param>
    /// <param name="l2">The L2 factor, ≥ 0 (Keras default 0).</param>
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1Factor = FactorCheck.Validate(l1, nameof(l1));
        L2Factor = FactorCheck.Validate(l2, nameof(l2));
    }

    /// <summary>The factor of Σ|w|.</summary>
    public double L1Factor { get; }

    /// <summary>The factor of Σw².</summary>
    public double L2Factor { get; }

    /// <inheritdoc/>
    public override string Name => "l1_l2";

    /// <inheritdoc/>
    public override double Penalty<T>(Tensor<T> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double absSum = 0;
        double squareSum = 0;
        foreach (T w in weights.AsSpan())
        {
            double v = double.CreateTruncating(w);
            absSum += Math.Abs(v);
            squareSum += v * v;
        }

        return L1Factor * absSum + L2Factor * squareSum;
    }

    /// <inheritdoc/>
    public override void AddGradient<T>(Tensor<T> weights, Tensor<T> gradient)
    {
        FactorCheck.SameShape(Name, weights, gradient);
        var w = weights.AsSpan();
        var g = gradient.AsSpan();
        T l1 = T.CreateTruncating(L1Factor);
        T twoL2 = T.CreateTruncating(2 * L2Factor);
        for (int i = 0; i < w.Length; i++)
        {
            g[i] += l1 * T.CreateTruncating(T.Sign(w[i])) + twoL2 * w[i];
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l1"] = L1Factor, ["l2"] = L2Factor };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"L1L2(l1={L1Factor}, l2={L2Factor})");

    /// <summary>Recreates the regulariser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static L1L2 FromConfig(ConfigReader config) => new(config.Double("l1", 0.01), config.Double("l2", 0.01));
}
