using System.Globalization;
using Backprop.Config;
using Backprop.Optimizers.Schedules;

namespace Backprop.Optimizers;

/// <summary>An optimiser's learning-rate argument: a fixed number or a <see cref="LearningRateSchedule"/>, as
/// Keras's <c>learning_rate=</c> accepts either. Both convert implicitly, so
/// <c>new Adam(learningRate: 3e-4)</c> and <c>new Adam(learningRate: new CosineDecay(1e-3, 1000))</c> both
/// compile.</summary>
public readonly struct LearningRateOrSchedule
{
    private LearningRateOrSchedule(double value, LearningRateSchedule? schedule)
    {
        Value = value;
        Schedule = schedule;
    }

    /// <summary>The fixed rate (unused when <see cref="Schedule"/> is set).</summary>
    public double Value { get; }

    /// <summary>The schedule, or null for a fixed rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>A fixed learning rate.</summary>
    public static implicit operator LearningRateOrSchedule(double value) => new(value, null);

    /// <summary>A learning rate that follows <paramref name="schedule"/> over the optimiser's iterations.</summary>
    public static implicit operator LearningRateOrSchedule(LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new(double.NaN, schedule);
    }

    /// <summary>A fixed learning rate (for languages without implicit conversions).</summary>
    public static LearningRateOrSchedule FromDouble(double value) => value;

    /// <summary>A scheduled learning rate (for languages without implicit conversions).</summary>
    public static LearningRateOrSchedule FromLearningRateSchedule(LearningRateSchedule schedule) => schedule;

    /// <inheritdoc/>
    public override string ToString() => Schedule?.ToString() ?? Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reads an optimiser's <c>learning_rate</c> from its config.</summary>
internal static class LearningRateConfig
{
    /// <summary>A learning rate stored as a number or as a serialised schedule; <paramref name="fallback"/> when
    /// absent.</summary>
    public static LearningRateOrSchedule LearningRate(this ConfigReader config, double fallback)
    {
        object? value = config.Value("learning_rate");
        if (value is null)
        {
            return fallback;
        }

        return ConfigReader.AsDictionary(value) is { } serialized
            ? LearningRateSchedule.Deserialize(serialized)
            : config.Double("learning_rate");
    }
}
