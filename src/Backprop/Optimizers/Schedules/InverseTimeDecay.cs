namespace Backprop.Optimizers.Schedules;

/// <summary>Keras <c>InverseTimeDecay</c>: <c>η(step) = η₀ / (1 + rate · step / decaySteps)</c>, with
/// <c>step / decaySteps</c> floored when <paramref name="staircase"/> is set. Keras 2's <c>decay=</c> argument
/// meant this schedule with decaySteps = 1.</summary>
/// <param name="initialLearningRate">η₀.</param>
/// <param name="decaySteps">The step unit; must be positive (Keras accepts a float here).</param>
/// <param name="decayRate">The rate of the 1/t decay.</param>
/// <param name="staircase">Decay in whole periods (integer division) instead of continuously.</param>
public sealed class InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false) : LearningRateSchedule
{
    /// <summary>η₀, the rate at step 0.</summary>
    public double InitialLearningRate { get; } = CheckFinite(initialLearningRate, nameof(initialLearningRate));

    /// <summary>The step unit: η = η₀/(1 + rate·step/decaySteps).</summary>
    public double DecaySteps { get; } = decaySteps > 0 && double.IsFinite(decaySteps)
        ? decaySteps
        : throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "decay_steps must be > 0.");

    /// <summary>The rate of the inverse-time decay.</summary>
    public double DecayRate { get; } = CheckFinite(decayRate, nameof(decayRate));

    /// <summary>Decay in whole steps: step/decaySteps is rounded down.</summary>
    public bool Staircase { get; } = staircase;

    /// <inheritdoc/>
    public override string ClassName => "InverseTimeDecay";

    /// <inheritdoc/>
    protected override double Compute(long step)
    {
        double p = step / DecaySteps;
        if (Staircase)
        {
            p = Math.Floor(p);
        }

        return InitialLearningRate / (1.0 + DecayRate * p);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = ClassName,
    };
}
