using Backprop.Config;

namespace Backprop.Optimizers.Schedules;

/// <summary>A learning rate as a function of the optimiser step (Keras
/// <c>keras.optimizers.schedules.LearningRateSchedule</c>): the optimiser evaluates it at
/// <see cref="Optimizer.Iterations"/> before every step, so step 0 is the first update. Steps count optimiser
/// updates (batches), not epochs. Evaluated in float64; Keras evaluates in the dtype of
/// <c>initial_learning_rate</c> (float32 for a Python float), which can differ in the last float32 digit.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The Keras class name ("ExponentialDecay" …) used by <see cref="Serialize"/>.</summary>
    public abstract string ClassName { get; }

    /// <summary>The learning rate for optimiser step <paramref name="step"/> (0-based).</summary>
    public double Evaluate(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The optimiser step must be non-negative.");
        }

        return Compute(step);
    }

    /// <summary>The schedule's formula for a non-negative step.</summary>
    protected abstract double Compute(long step);

    /// <summary>Constructor arguments with Keras key names.</summary>
    public abstract IReadOnlyDictionary<string, object?> GetConfig();

    /// <summary>Keras's serialised form <c>{"class_name": …, "config": {…}}</c>, as stored under an optimiser's
    /// <c>learning_rate</c> key.</summary>
    public IReadOnlyDictionary<string, object?> Serialize() => new Dictionary<string, object?>
    {
        ["module"] = "keras.optimizers.schedules",
        ["class_name"] = ClassName,
        ["config"] = GetConfig(),
    };

    /// <summary>Rebuilds a built-in schedule from its Keras class name and config.</summary>
    public static LearningRateSchedule FromConfig(string className, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        var reader = new ConfigReader(className, config);
        LearningRateSchedule schedule = className switch
        {
            "ExponentialDecay" => new ExponentialDecay(
                reader.Double("initial_learning_rate"), reader.Long("decay_steps"), reader.Double("decay_rate"),
                reader.Bool("staircase", false)),
            "InverseTimeDecay" => new InverseTimeDecay(
                reader.Double("initial_learning_rate"), reader.Double("decay_steps"), reader.Double("decay_rate"),
                reader.Bool("staircase", false)),
            "PiecewiseConstantDecay" => new PiecewiseConstantDecay(reader.LongArray("boundaries"), reader.DoubleArray("values")),
            "PolynomialDecay" => new PolynomialDecay(
                reader.Double("initial_learning_rate"), reader.Long("decay_steps"), reader.Double("end_learning_rate", 1e-4),
                reader.Double("power", 1.0), reader.Bool("cycle", false)),
            "CosineDecay" => new CosineDecay(
                reader.Double("initial_learning_rate"), reader.Long("decay_steps"), reader.Double("alpha", 0.0),
                reader.NullableDouble("warmup_target"), reader.Long("warmup_steps", 0)),
            _ => throw new ArgumentException(
                $"Unknown learning-rate schedule '{className}'. Valid names: CosineDecay, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay.",
                nameof(className)),
        };
        reader.Ignore("name");
        reader.EnsureAllRead();
        return schedule;
    }

    /// <summary>Rebuilds a schedule from <see cref="Serialize"/>'s form.</summary>
    public static LearningRateSchedule Deserialize(IReadOnlyDictionary<string, object?> serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        var reader = new ConfigReader("learning_rate", serialized);
        string className = reader.String("class_name");
        var config = reader.Dictionary("config");
        return FromConfig(className, config);
    }

    /// <inheritdoc/>
    public override string ToString() => ClassName;

    internal static long CheckDecaySteps(long decaySteps, string paramName = "decaySteps")
    {
        if (decaySteps <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, decaySteps, "decay_steps must be > 0.");
        }

        return decaySteps;
    }

    internal static double CheckFinite(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite.");
        }

        return value;
    }
}
