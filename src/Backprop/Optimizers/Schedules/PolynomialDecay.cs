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
    public double InitialLearningRate { get; } = CheckFinite(initialLearningRate, nameof(initialLearningRate));

    public long DecaySteps { get; } = CheckDecaySteps(decaySteps);

    public double EndLearningRate { get; } = CheckFinite(endLearningRate, nameof(endLearningRate));

    public double Power { get; } = CheckFinite(power, nameof(power));

    public bool Cycle { get; } = cycle;

    public override string ClassName => "PolynomialDecay";

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
