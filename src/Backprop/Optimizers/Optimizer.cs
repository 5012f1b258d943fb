using System.Runtime.CompilerServices;
using System.Globalization;
using Backprop.Optimizers.Schedules;

namespace Backprop.Optimizers;

/// <summary>What <c>Compile</c> takes: something that improves parameters from a loss and its gradients. Strings
/// convert by Keras name with Keras defaults: <c>optimizer: "adam"</c>.
/// <para>The one entry point is PyTorch's <c>optimizer.step(closure)</c>: <see cref="Step"/> gets a closure that
/// computes the loss and leaves ∂loss/∂θ in the parameters' gradients. A <see cref="FirstOrderOptimizer"/> (SGD,
/// Adam, …) calls it once and applies the gradients; a full-batch method such as <see cref="LBFGS"/> calls it as often
/// as its line search needs. Fit trains either kind through <see cref="Step"/> without knowing which it has.</para></summary>
public abstract class Optimizer
{
    private double _learningRate;

    /// <summary>Starts with a learning rate η: a non-negative number or a schedule over <see cref="Iterations"/>.</summary>
    protected Optimizer(LearningRateOrSchedule learningRate)
    {
        if (learningRate.Schedule is { } schedule)
        {
            Schedule = schedule;
        }
        else
        {
            CheckLearningRate(learningRate.Value);
            _learningRate = learningRate.Value;
        }
    }

    /// <summary>The Keras name ("SGD", "adam" …).</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate η used by the next step: the fixed value, or <see cref="Schedule"/> evaluated at
    /// <see cref="Iterations"/>. Setting it (ReduceLROnPlateau does) requires a fixed rate that is finite and ≥ 0;
    /// on a scheduled optimiser the setter throws <see cref="InvalidOperationException"/>, as Keras raises a
    /// TypeError.</summary>
    public double LearningRate
    {
        get => Schedule?.Evaluate(Iterations) ?? _learningRate;
        set
        {
            if (Schedule is not null)
            {
                throw new InvalidOperationException(
                    $"{Name} was created with the learning-rate schedule {Schedule.ClassName}, so its learning rate cannot be set. Create the optimiser with a number as learningRate to make it settable.");
            }

            CheckLearningRate(value);
            _learningRate = value;
        }
    }

    /// <summary>The learning-rate schedule, or null for a fixed rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>Steps taken so far (Keras <c>optimizer.iterations</c>); schedules count these.</summary>
    public long Iterations { get; private set; }

    /// <summary>True when every <see cref="Step"/> must see the whole training set (a full-batch method such as
    /// L-BFGS, whose line search compares losses of one fixed objective): Fit then trains on one batch of all the
    /// training rows per epoch.</summary>
    public virtual bool RequiresFullBatch => false;

    /// <summary>Why the optimiser can make no further progress (a full-batch method converged or hit its own
    /// limits), or null while it can: Fit ends training when it is set.</summary>
    public virtual string? StopReason => null;

    /// <summary>One optimisation step, PyTorch's <c>optimizer.step(closure)</c>. <paramref name="lossAndGradients"/>
    /// must compute the loss at the parameters' current values and leave ∂loss/∂θ in their gradients, cleared first
    /// (<c>ZeroGradients → Forward → loss → Backward</c>); it may be called more than once. Returns the loss the step
    /// reports: the one before the update for first-order optimisers, the one at the new point for full-batch
    /// methods. Only trainable parameters change.</summary>
    public abstract double Step(Func<double> lossAndGradients, IReadOnlyList<Parameter> parameters);

    /// <summary>Starts a new problem: a full-batch method forgets its search (curvature pairs, start point, stop
    /// reason), as Fit does when it begins; a first-order optimiser keeps its slots, as Keras's do across fits.</summary>
    public virtual void Restart()
    {
    }

    /// <summary>Forgets all state (slots, search, iteration count).</summary>
    public virtual void Reset() => Iterations = 0;

    /// <summary>Everything the optimiser has learnt so far, as named tensors (PyTorch's
    /// <c>optimizer.state_dict()</c>, Keras's optimizer variables): <c>iterations</c> (int64), the fixed
    /// <c>learning_rate</c> (float64; absent under a schedule, whose position is <c>iterations</c>), and the
    /// optimiser's own state — each parameter's slots as <c>&lt;name&gt;/&lt;slot&gt;</c> ("dense/kernel/momentum")
    /// for a first-order optimiser, the search for L-BFGS. <see cref="SetState"/> with the same parameters makes a
    /// fresh optimiser of the same configuration continue bit for bit where this one is.</summary>
    /// <param name="parameters">The parameters the optimiser steps, in the order it is given them (for Fit and
    /// TrainOnBatch: the model's trainable parameters).</param>
    /// <param name="names">What to call each parameter in the state (default its index, "0", "1" …).</param>
    public StateDict GetState(IReadOnlyList<Parameter> parameters, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var state = new StateDict();
        state.SetInt64("iterations", Iterations);
        if (Schedule is null)
        {
            state.SetDouble("learning_rate", _learningRate);
        }

        WriteState(state, parameters, ParameterNames(parameters, names));
        return state;
    }

    /// <summary>Puts back a state from <see cref="GetState"/>: every entry must be one this optimiser knows, with
    /// the dtype and shape of its parameter; anything else is an <see cref="ArgumentException"/> naming the entry,
    /// and then nothing has changed.</summary>
    public void SetState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        long iterations = state.GetInt64("iterations");
        if (iterations < 0)
        {
            throw new ArgumentException($"{Name} state: iterations must be ≥ 0; got {iterations}.", nameof(state));
        }

        double? learningRate = state.GetDoubleOrNull("learning_rate");
        if ((learningRate is null) != (Schedule is not null))
        {
            throw new ArgumentException(Schedule is null
                ? $"{Name} state was saved from an optimiser with a learning-rate schedule, but this one has a fixed rate."
                : $"{Name} state was saved with a fixed learning rate, but this optimiser has the schedule {Schedule.ClassName}.", nameof(state));
        }

        if (learningRate is double lr)
        {
            CheckLearningRate(lr);
        }

        var used = new HashSet<string>(StringComparer.Ordinal) { "iterations", "learning_rate" };
        var apply = ReadState(state, parameters, ParameterNames(parameters, names), used);
        var unknown = state.Keys.Where(k => !used.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"{Name} state has entries this optimiser does not know: {string.Join(", ", unknown.Take(8))}{(unknown.Length > 8 ? ", …" : "")}.", nameof(state));
        }

        Iterations = iterations;
        if (learningRate is double rate)
        {
            _learningRate = rate;
        }

        apply();
    }

    /// <summary>Adds the optimiser's own state (slots, search) to <paramref name="state"/>.</summary>
    protected virtual void WriteState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names)
    {
    }

    /// <summary>Checks the optimiser's own entries of <paramref name="state"/>, marks them in
    /// <paramref name="used"/>, and returns the action that installs them (run only when every check passed).</summary>
    protected virtual Action ReadState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, ISet<string> used) => () => { };

    private static IReadOnlyList<string> ParameterNames(IReadOnlyList<Parameter> parameters, IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return Enumerable.Range(0, parameters.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }

        if (names.Count != parameters.Count || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException($"names must give each of the {parameters.Count} parameters a distinct name; got {names.Count} names.", nameof(names));
        }

        return names;
    }

    /// <summary>The constructor arguments with Keras key names (<c>learning_rate</c> is a number or a serialised
    /// schedule); <see cref="OptimizerRegistry.FromConfig"/> inverts it.</summary>
    public abstract IReadOnlyDictionary<string, object?> GetConfig();

    /// <summary>The optimiser with this Keras name and its defaults.</summary>
    public static Optimizer Get(string name) => OptimizerRegistry.Create(name);

    /// <summary>An optimiser by its Keras name with Keras's defaults, so <c>optimizer: "adam"</c> works (see <see cref="Get"/>).</summary>
    public static implicit operator Optimizer(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString()
    {
        var config = GetConfig().Where(p => p.Key != "name").Select(p => $"{p.Key}={Format(p.Value)}");
        return $"{GetType().Name}({string.Join(", ", config)})";
    }

    /// <summary>The learning rate as a config stores it: the number, or the serialised schedule.</summary>
    protected object LearningRateConfig => Schedule is null ? _learningRate : Schedule.Serialize();

    /// <summary>Counts one completed step.</summary>
    protected void AdvanceIterations() => Iterations++;

    /// <summary>Rejects values outside [0, 1) (β₁, β₂, ρ …) with the received value.</summary>
    protected static double CheckUnitInterval(double value, string paramName, bool allowOne = false)
    {
        bool ok = value >= 0 && (allowOne ? value <= 1 : value < 1);
        return ok ? value : throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be in [0, 1{(allowOne ? "]" : ")")}.");
    }

    /// <summary>Rejects values that are not finite and &gt; 0 (ε, clipping limits) with the received value.</summary>
    protected static double CheckPositive(double value, string paramName) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite and > 0.");

    /// <summary>Rejects values that are not finite and ≥ 0 with the received value.</summary>
    protected static double CheckNonNegative(double value, string paramName) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite and ≥ 0.");

    private static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, object?> d when d.TryGetValue("class_name", out var name) => $"{name}",
        _ => value.ToString() ?? "",
    };

    private static void CheckLearningRate(double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException("learningRate", value, "The learning rate must be finite and non-negative.");
        }
    }
}
