using System.Globalization;
using System.Numerics;
using Backprop.Kernels;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>R(w) = l2·Σw². Keras <c>L2(l2=0.01)</c>. PyTorch's <c>weight_decay=λ</c> on SGD matches l2 = λ/2.</summary>
public sealed class L2 : Regularizer
{
    /// <summary>The penalty l2·Σw² (no ½, as Keras).</summary>
    /// <param name="l2">The factor, finite and ≥ 0 (Keras default 0.01).</param>
    public L2(double l2 = 0.01)
    {
        if (!(l2 >= 0) || double.IsInfinity(l2))
        {
            throw new ArgumentOutOfRangeException(nameof(l2), l2, "The L2 factor must be finite and non-negative.");
        }

        Factor = l2;
    }

    /// <summary>The factor l2 in l2·Σw².</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override string Name => "l2";

    /// <inheritdoc/>
    public override double Penalty<T>(Tensor<T> weights) => Factor * double.CreateTruncating(Elementwise.SumOfSquares<T>(weights.AsSpan()));

    // ∂R/∂w = 2·l2·w
    /// <inheritdoc/>
    public override void AddGradient<T>(Tensor<T> weights, Tensor<T> gradient) =>
        Elementwise.MultiplyAdd<T>(weights.AsSpan(), T.CreateChecked(2 * Factor), gradient.AsSpan(), gradient.AsSpan());

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l2"] = Factor };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"L2(l2={Factor})");

    /// <summary>Recreates the regulariser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static L2 FromConfig(ConfigReader config) => new(config.Double("l2", 0.01));
}
