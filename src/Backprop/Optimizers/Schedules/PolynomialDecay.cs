namespace Backprop.Optimizers.Schedules;

/// <summary>Keras <c>PolynomialDecay</c>:
/// <c>η(step) = (η₀ − η_end) · (1 − s / D)^power + η_end</c> with <c>s = min(step, D)</c>; with
/// <paramref name="cycle"/>, <c>D = decaySteps · ceil(step / decaySteps)</c> (1 period at step 0) and s = step,
/// so the rate jumps back up at each multiple of decaySteps. PyTorch's <c>PolynomialLR</c> decays to 0 and
/// counts scheduler calls.</summary>
/// <param name="initialLearningRate">η₀.</param>
/// <param name="decaySteps">D; must be positive.</param>
/// <param name="endLearningRate">η_end (Keras default 1e-4).</param>
/// <param name="power">The polynomial's power (1 = linear).</param>
/// <param name="cycle">Restart the decay after every <paramref name="decaySteps"/> steps.</param>
public sealed class PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate = 1e-4, double power = 1.0, bool cycle = false)
    : LearningRateSchedule
{
    /// <summary>η₀, the rate at step 0.</summary>
    public double InitialLearningRate { get; } = CheckFinite(initialLearningRate, nameof(initialLearningRate));

    /// <summary>D, the steps over which the rate falls from η₀ to the end rate.</summary>
    public long DecaySteps { get; } = CheckDecaySteps(decaySteps);

    /// <summary>The rate reached after <see cref="DecaySteps"/> steps.</summary>
    public double EndLearningRate { get; } = CheckFinite(endLearningRate, nameof(endLearningRate));

    /// <summary>The exponent of the polynomial (1: linear decay).</summary>
    public double Power { get; } = CheckFinite(power, nameof(power));

    /// <summary>Jump back up at each multiple of <see cref="DecaySteps"/> (D becomes the next multiple) instead of holding the end rate.</summary>
    public bool Cycle { get; } = cycle;

    /// <inheritdoc/>
    public override string ClassName => "PolynomialDecay";

    /// <inheritdoc/>
    protected override double Compute(long step)
    {
        double s = step;
        double d = DecaySteps;
        if (Cycle)
        {
            double multiplier = step == 0 ? 1.0 : Math.Ceiling(s / d);
            d *= multiplier;
        }
        else
        {
            s = Math.Min(s, d);
        }

        double p = s / d;
        return (InitialLearningRate - EndLearningRate) * Math.Pow(1.0 - p, Power) + EndLearningRate;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["end_learning_rate"] = EndLearningRate,
        ["power"] = Power,
        ["cycle"] = Cycle,
        ["name"] = ClassName,
    };
}
