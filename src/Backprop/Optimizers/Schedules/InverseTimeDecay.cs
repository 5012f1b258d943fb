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
    public double InitialLearningRate { get; } = CheckFinite(initialLearningRate, nameof(initialLearningRate));

    public double DecaySteps { get; } = decaySteps > 0 && double.IsFinite(decaySteps)
        ? decaySteps
        : throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "decay_steps must be > 0.");

    public double DecayRate { get; } = CheckFinite(decayRate, nameof(decayRate));

    public bool Staircase { get; } = staircase;

    public override string ClassName => "InverseTimeDecay";

    protected override double Compute(long step)
    {
        double p = step / DecaySteps;
        if (Staircase)
        {
            p = Math.Floor(p);
        }

        return InitialLearningRate / (1.0 + DecayRate * p);
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = ClassName,
    };
}
