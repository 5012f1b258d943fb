using System.Numerics;
using Backprop.Config;

namespace Backprop.Regularizers;

/// <summary>Zeroes negative weights: w ← w·[w ≥ 0]. Keras <c>NonNeg</c> (<c>"non_neg"</c>).</summary>
public sealed class NonNeg : Constraint
{
    /// <inheritdoc/>
    public override string Name => "non_neg";

    /// <inheritdoc/>
    public override void Apply<T>(Tensor<T> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var w = weights.AsSpan();
        for (int i = 0; i < w.Length; i++)
        {
            if (!(w[i] >= T.Zero))
            {
                w[i] = T.Zero;
            }
        }
    }

    /// <summary>Recreates the constraint from <see cref="Constraint.GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static NonNeg FromConfig(ConfigReader config) => new();
}
