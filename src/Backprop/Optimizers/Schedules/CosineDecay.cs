namespace Backprop.Optimizers.Schedules;

/// <summary>Keras 3 <c>CosineDecay</c> with optional linear warm-up (SGDR without restarts, Loshchilov and Hutter
/// 2016; warm-up after Goyal et al. 2017).
/// <para>Without <paramref name="warmupTarget"/>: <c>s = min(step, D)</c>,
/// <c>η = η₀ · ((1 − α) · ½(1 + cos(π·s/D)) + α)</c>.</para>
/// <para>With a warm-up target: <c>s = min(step, D + W)</c>; while <c>s &lt; W</c> the rate climbs linearly,
/// <c>η = η₀ + (target − η₀) · s/W</c>; afterwards it decays from the target,
/// <c>η = target · ((1 − α) · ½(1 + cos(π·(s − W)/D)) + α)</c>.</para>
/// PyTorch's <c>CosineAnnealingLR</c> anneals to <c>eta_min</c> (absolute, not a fraction) and continues the
/// cosine past T_max instead of holding the final value.</summary>
/// <param name="initialLearningRate">η₀: the start of the warm-up, or of the decay when there is no warm-up.</param>
/// <param name="decaySteps">D, the length of the cosine decay; must be positive.</param>
/// <param name="alpha">The final rate as a fraction of the decay's starting rate.</param>
/// <param name="warmupTarget">The rate reached at the end of the warm-up; null disables warm-up.</param>
/// <param name="warmupSteps">W, the length of the warm-up (used only with a target).</param>
public sealed class CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0, double? warmupTarget = null, long warmupSteps = 0)
    : LearningRateSchedule
{
    /// <summary>η₀: the rate at step 0 (the start of the warm-up, or of the decay without one).</summary>
    public double InitialLearningRate { get; } = CheckFinite(initialLearningRate, nameof(initialLearningRate));

    /// <summary>D, the number of steps the cosine decay lasts.</summary>
    public long DecaySteps { get; } = CheckDecaySteps(decaySteps);

    /// <summary>α: the rate decays to α·η (α·warmupTarget with a warm-up) and stays there.</summary>
    public double Alpha { get; } = CheckFinite(alpha, nameof(alpha));

    /// <summary>The rate a linear warm-up climbs to, or null for no warm-up.</summary>
    public double? WarmupTarget { get; } = warmupTarget is double t ? CheckFinite(t, nameof(warmupTarget)) : null;

    /// <summary>How many steps the linear warm-up lasts (0: none).</summary>
    public long WarmupSteps { get; } = warmupSteps >= 0
        ? warmupSteps
        : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmup_steps must be ≥ 0.");

    /// <inheritdoc/>
    public override string ClassName => "CosineDecay";

    /// <inheritdoc/>
    protected override double Compute(long step)
    {
        double d = DecaySteps;
        if (WarmupTarget is not double target)
        {
            return Decay(Math.Min(step, d), InitialLearningRate);
        }

        double w = WarmupSteps;
        double s = Math.Min(step, d + w);
        return s < w
            ? (target - InitialLearningRate) * (s / w) + InitialLearningRate
            : Decay(s - w, target);
    }

    private double Decay(double s, double from)
    {
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * (s / DecaySteps)));
        return from * ((1.0 - Alpha) * cosine + Alpha);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["alpha"] = Alpha,
        ["name"] = ClassName,
        ["warmup_target"] = WarmupTarget,
        ["warmup_steps"] = WarmupSteps,
    };
}
