namespace Backprop.Labs.ActivationStatistics;

/// <summary>How a saturating activation's output counts as saturated, i.e. sitting where its derivative is
/// nearly zero.</summary>
internal enum SaturationRule
{
    /// <summary>No saturation (ReLU grows without bound on the positive side).</summary>
    None,

    /// <summary>|h| &gt; 0.99, i.e. |z| &gt; atanh(0.99) ≈ 2.65, where tanh′ = 1 − h² &lt; 0.02.</summary>
    Tanh,

    /// <summary>h &lt; 0.01 or h &gt; 0.99, i.e. |z| &gt; ln 99 ≈ 4.6, where σ′ = h(1 − h) &lt; 0.0099.</summary>
    Sigmoid,
}

/// <summary>Summary of one layer's activations over a batch (rows = samples, columns = units).</summary>
/// <param name="Count">Number of activation values (rows × units).</param>
/// <param name="Mean">Mean over all values.</param>
/// <param name="StandardDeviation">Population standard deviation over all values (numpy's <c>h.std()</c>).</param>
/// <param name="SaturatedFraction">Fraction of values saturated by <see cref="SaturationRule"/>; 0 for <see cref="SaturationRule.None"/>.</param>
/// <param name="ZeroFraction">Fraction of values exactly 0 (a ReLU unit that is off for that sample).</param>
/// <param name="DeadUnitFraction">Fraction of units that are 0 for every sample in the batch (a dead ReLU unit
/// passes no gradient for any of these inputs).</param>
internal sealed record LayerStatistics(long Count, double Mean, double StandardDeviation, double SaturatedFraction, double ZeroFraction, double DeadUnitFraction)
{
    /// <summary>The threshold of "saturated": 0.99 on the activation's output scale, compared in float32 as numpy
    /// compares a float32 array with <c>0.99</c> (so 0.99f itself, 0.99000001, is not saturated).</summary>
    public const float SaturationLevel = 0.99f;

    /// <summary>Statistics of <paramref name="activations"/>, a row-major (rows × <paramref name="units"/>) block.</summary>
    /// <exception cref="ArgumentException">The length is not a positive multiple of <paramref name="units"/>.</exception>
    public static LayerStatistics Of(ReadOnlySpan<float> activations, int units, SaturationRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (activations.Length == 0 || activations.Length % units != 0)
        {
            throw new ArgumentException($"Activations of length {activations.Length} are not whole rows of {units} units.", nameof(activations));
        }

        int rows = activations.Length / units;
        double sum = 0;
        long saturated = 0, zeros = 0;
        var unitAlive = new bool[units];
        for (int r = 0; r < rows; r++)
        {
            var row = activations.Slice(r * units, units);
            for (int u = 0; u < units; u++)
            {
                float h = row[u];
                sum += h;
                if (IsSaturated(h, rule))
                {
                    saturated++;
                }

                if (h == 0)
                {
                    zeros++;
                }
                else
                {
                    unitAlive[u] = true;
                }
            }
        }

        double mean = sum / activations.Length;
        // Two passes: the sum of squared deviations stays accurate when the mean dwarfs the spread (sigmoid ≈ 0.5 ± 0.01).
        double squares = 0;
        foreach (float h in activations)
        {
            double d = h - mean;
            squares += d * d;
        }

        double n = activations.Length;
        int dead = unitAlive.Count(alive => !alive);
        return new LayerStatistics(activations.Length, mean, Math.Sqrt(squares / n), saturated / n, zeros / n, (double)dead / units);
    }

    /// <summary>Whether one output value counts as saturated under <paramref name="rule"/>.</summary>
    public static bool IsSaturated(float h, SaturationRule rule) => rule switch
    {
        SaturationRule.Tanh => Math.Abs(h) > SaturationLevel,
        SaturationRule.Sigmoid => h < 0.01f || h > SaturationLevel,
        _ => false,
    };
}
