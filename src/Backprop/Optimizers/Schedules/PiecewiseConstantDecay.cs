namespace Backprop.Optimizers.Schedules;

/// <summary>Keras <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while <c>step ≤ boundaries[0]</c>,
/// <c>values[i]</c> while <c>boundaries[i−1] &lt; step ≤ boundaries[i]</c>, and <c>values[^1]</c> after the last
/// boundary. PyTorch's <c>MultiStepLR</c> switches at <c>step ≥ milestone</c> and multiplies instead.</summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    /// <param name="boundaries">Strictly increasing step boundaries.</param>
    /// <param name="values">One more value than boundaries.</param>
    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count != values.Count - 1)
        {
            throw new ArgumentException(
                $"The length of boundaries should be 1 less than the length of values. Received {boundaries.Count} boundaries and {values.Count} values.",
                nameof(values));
        }

        for (int i = 1; i < boundaries.Count; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
            {
                throw new ArgumentException(
                    $"Boundaries must be strictly increasing; received {boundaries[i - 1]} then {boundaries[i]} at index {i}.",
                    nameof(boundaries));
            }
        }

        for (int i = 0; i < values.Count; i++)
        {
            CheckFinite(values[i], $"values[{i}]");
        }

        _boundaries = [.. boundaries];
        _values = [.. values];
    }

    /// <summary>The steps where the rate changes, strictly increasing.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The rate before the first boundary, between each pair, and after the last (one more than the boundaries).</summary>
    public IReadOnlyList<double> Values => _values;

    /// <inheritdoc/>
    public override string ClassName => "PiecewiseConstantDecay";

    /// <inheritdoc/>
    protected override double Compute(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
            {
                return _values[i];
            }
        }

        return _values[^1];
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["boundaries"] = _boundaries.ToArray(),
        ["values"] = _values.ToArray(),
        ["name"] = "PiecewiseConstant",
    };
}
