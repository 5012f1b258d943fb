namespace Backprop.Optimizers.Schedules;

/// <summary>Keras <c>ExponentialDecay</c>: <c>η(step) = η₀ · rate^(step / decaySteps)</c>, with the exponent
/// floored when <paramref name="staircase"/> is set. PyTorch's <c>ExponentialLR</c> is the staircase form with
/// decaySteps = 1, but it counts scheduler calls (usually epochs) rather than optimiser steps.</summary>
/// <param name="initialLearningRate">η₀.</param>
/// <param name="decaySteps">Steps per factor of <paramref name="decayRate"/>; must be positive.</param>
/// <param name="decayRate">The factor per <paramref name="decaySteps"/> steps.</param>
/// <param name="staircase">Decay in whole periods (integer division) instead of continuously.</param>
public sealed class ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false) : LearningRateSchedule
{
    /// <summary>η₀, the rate at step 0.</summary>
    public double InitialLearningRate { get; } = CheckFinite(initialLearningRate, nameof(initialLearningRate));

    /// <summary>The steps over which the rate is multiplied by <see cref="DecayRate"/> once.</summary>
    public long DecaySteps { get; } = CheckDecaySteps(decaySteps);

    /// <summary>The factor per <see cref="DecaySteps"/> steps: η = η₀·rate^(step/decaySteps).</summary>
    public double DecayRate { get; } = CheckFinite(decayRate, nameof(decayRate));

    /// <summary>Decay in whole steps: the exponent is ⌊step/decaySteps⌋.</summary>
    public bool Staircase { get; } = staircase;

    /// <inheritdoc/>
    public override string ClassName => "ExponentialDecay";

    /// <inheritdoc/>
    protected override double Compute(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase)
        {
            p = Math.Floor(p);
        }

        return InitialLearningRate * Math.Pow(DecayRate, p);
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
