using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using Backprop.Kernels;
using Backprop.Optimizers.Schedules;

namespace Backprop.Optimizers;

/// <summary>An optimiser that takes one update per batch from that batch's gradient — SGD, Adam and the rest of
/// Keras's optimisers. State lives in slots aligned with the parameter list passed to <see cref="Apply"/>, so layers
/// never know which optimiser runs (PyTorch's <c>optim</c> split); a custom optimiser implements
/// <see cref="Update{T}"/> (and <see cref="SlotCount"/> for its state).
/// <para>One step follows Keras 3's <c>BaseOptimizer.apply</c>: (1) clip the gradients (<see cref="ClipNorm"/>,
/// <see cref="ClipValue"/> or <see cref="GlobalClipNorm"/>, at most one), (2) decoupled weight decay
/// <c>w ← w − η·λ·w</c> (<see cref="WeightDecay"/>, every optimiser, before the step), (3) the optimiser's own
/// update with η evaluated at <see cref="Optimizer.Iterations"/>, (4) each parameter's constraint, (5)
/// <c>Iterations += 1</c>. Non-trainable parameters are skipped entirely. PyTorch's <c>weight_decay</c> instead
/// adds λ·w to the gradient (L2) in every optimiser except AdamW.</para>
/// <para>Clipping works on a copy, so <see cref="Parameter.Gradient"/> still holds the raw gradient after the step.
/// Norms are accumulated in float64 even for float32 parameters (Keras uses the parameter dtype). When norm
/// clipping meets a non-finite norm, <see cref="Apply"/> throws <see cref="NonFiniteGradientException"/> before any
/// weight changes; without norm clipping a NaN gradient propagates into the weights as in Keras and PyTorch.</para>
/// <para>Subnormals: state fed by exactly-zero gradients (a dead ReLU unit, an input that is always zero) decays
/// geometrically — Adam's first moment by β₁ = 0.9 per step, so within about 800 steps it reaches the subnormal range,
/// where every operation on Intel cores takes a microcode assist (an Adam step over 335,000 parameters with
/// subnormal moments took 2.5–3.8 ms instead of 0.23 ms). .NET cannot set the processor's flush-to-zero mode, so the
/// built-in optimisers do what it would do: a subnormal state value is stored as zero, and a product that would be
/// subnormal (m·α, the decay terms) is zero. That is what Keras computes on a CPU, where TensorFlow runs its kernels
/// with flush-to-zero set; PyTorch keeps subnormals unless <c>torch.set_flush_denormal(True)</c>. Such values no
/// longer move any weight, and results in the normal range are unchanged.</para>
/// </summary>
public abstract class FirstOrderOptimizer : Optimizer
{
    private readonly List<Tensor?[]> _slots = [];
    private readonly List<Tensor?> _clippedGradients = [];
    private double[] _norms = [];
    private Parameter[] _parameterCopy = [];

    // The non-finite guard: the largest |w| each parameter had after its last update, and per-step copies of weights
    // and slots taken only when an update could come near overflow (never in ordinary training).
    private double[] _weightMagnitude = [];
    private readonly List<Tensor?[]> _backups = [];
    private bool _largestReported;
    private double _largestReportedMagnitude;
    private string[] _weightDecayExclusions = [];

    /// <summary>A fixed learning rate and no weight decay or clipping.</summary>
    protected FirstOrderOptimizer(double learningRate)
        : this(learningRate, null, null, null, null)
    {
    }

    /// <summary>The options every Keras optimiser shares.</summary>
    /// <param name="learningRate">η, a non-negative number or a schedule over <see cref="Optimizer.Iterations"/>.</param>
    /// <param name="weightDecay">λ of the decoupled decay <c>w ← w − η·λ·w</c>; null or 0 disables it.</param>
    /// <param name="clipNorm">Rescale each parameter's gradient to at most this L2 norm:
    /// <c>g ← g·c / max(‖g‖, c)</c>.</param>
    /// <param name="clipValue">Clamp each gradient element to [−c, c].</param>
    /// <param name="globalClipNorm">Rescale all gradients together so their joint L2 norm is at most c:
    /// <c>g ← g·c / max(‖(g₁ … gₙ)‖, c)</c>.</param>
    protected FirstOrderOptimizer(LearningRateOrSchedule learningRate, double? weightDecay, double? clipNorm, double? clipValue, double? globalClipNorm)
        : base(learningRate)
    {
        WeightDecay = weightDecay is double wd ? CheckNonNegative(wd, nameof(weightDecay)) : null;
        ClipNorm = clipNorm is double cn ? CheckPositive(cn, nameof(clipNorm)) : null;
        ClipValue = clipValue is double cv ? CheckPositive(cv, nameof(clipValue)) : null;
        GlobalClipNorm = globalClipNorm is double gn ? CheckPositive(gn, nameof(globalClipNorm)) : null;
        int clipOptions = (clipNorm.HasValue ? 1 : 0) + (clipValue.HasValue ? 1 : 0) + (globalClipNorm.HasValue ? 1 : 0);
        if (clipOptions > 1)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Only one of clipNorm, clipValue and globalClipNorm can be set. Received: clipNorm={clipNorm}, clipValue={clipValue}, globalClipNorm={globalClipNorm}."));
        }
    }

    /// <summary>λ of the decoupled weight decay <c>w ← w − η·λ·w</c> applied before each step (Keras
    /// <c>weight_decay</c>); null when off.</summary>
    public double? WeightDecay { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>Per-parameter gradient norm limit (Keras <c>clipnorm</c>); null when off.</summary>
    public double? ClipNorm { get; }

    /// <summary>Element-wise gradient limit (Keras <c>clipvalue</c>); null when off.</summary>
    public double? ClipValue { get; }

    /// <summary>Joint gradient norm limit over all trainable parameters (Keras <c>global_clipnorm</c>); null when
    /// off.</summary>
    public double? GlobalClipNorm { get; }

    /// <summary>Parameters whose <see cref="Parameter.Name"/> contains any of these fragments get no weight decay
    /// (Keras <c>exclude_from_weight_decay(var_names=…)</c>, which matches a regular expression; Backprop matches
    /// a plain substring, e.g. "bias").</summary>
    public void ExcludeFromWeightDecay(params string[] nameFragments)
    {
        ArgumentNullException.ThrowIfNull(nameFragments);
        _weightDecayExclusions = [.. nameFragments];
    }

    /// <summary>One optimisation step over all trainable parameters with their accumulated gradients (see the
    /// class remarks for the order). Allocates only on the first call for a parameter list.</summary>
    /// <exception cref="NonFiniteGradientException">Norm clipping is on and a gradient norm is ∞ or NaN; nothing
    /// changed.</exception>
    public void Apply(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ApplyToSpan(AsSpan(parameters));
    }

    private void ApplyToSpan(ReadOnlySpan<Parameter> parameters)
    {
        while (_slots.Count < parameters.Length)
        {
            _slots.Add(new Tensor?[SlotCount]);
            _clippedGradients.Add(null);
        }

        if (_norms.Length < parameters.Length)
        {
            _norms = new double[parameters.Length];
            var magnitudes = new double[parameters.Length];
            magnitudes.AsSpan().Fill(double.NaN);
            _weightMagnitude.CopyTo(magnitudes, 0);
            _weightMagnitude = magnitudes;
        }

        double lr = LearningRate;
        if (!(lr >= 0) || double.IsInfinity(lr))
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The learning-rate schedule {Schedule} returned {lr} at step {Iterations}; a learning rate must be finite and non-negative."));
        }

        double globalScale = ComputeNorms(parameters);
        bool backedUp = CheckGradientsAndBackUpIfNeeded(parameters, lr);
        BeginStep();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (!p.Trainable)
            {
                continue;
            }

            double magnitude = p.Value switch
            {
                Tensor<float> => Step<float>(i, p, lr, globalScale),
                _ => Step<double>(i, p, lr, globalScale),
            };
            if (backedUp && double.IsFinite(magnitude))
            {
                // In a step near overflow the optimiser's state must stay finite too (v = g² can overflow while w
                // does not move).
                magnitude = Math.Max(magnitude, SlotMagnitude(i));
            }

            if (!double.IsFinite(magnitude))
            {
                // An update overflowed although every gradient was finite: put the step back whole.
                if (backedUp)
                {
                    Restore(parameters);
                    UndoBeginStep();
                }

                throw new NonFiniteUpdateException(i, p.Name, p.Shape, restored: backedUp);
            }

            _weightMagnitude[i] = magnitude;
        }

        AdvanceIterations();
    }

    /// <summary>One training step: evaluates <paramref name="lossAndGradients"/> once and, when its loss is finite,
    /// applies the gradients it left (<see cref="Apply"/>); a non-finite loss leaves every weight as it was.</summary>
    public override double Step(Func<double> lossAndGradients, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(lossAndGradients);
        ArgumentNullException.ThrowIfNull(parameters);
        double loss = lossAndGradients();
        if (double.IsFinite(loss))
        {
            Apply(parameters);
        }

        return loss;
    }

    /// <summary>Forgets all state (slots, iteration count).</summary>
    public override void Reset()
    {
        _slots.Clear();
        _clippedGradients.Clear();
        _backups.Clear();
        _weightMagnitude = [];
        _norms = [];
        base.Reset();
    }

    /// <summary>The constructor arguments with Keras key names (<c>learning_rate</c> is a number or a serialised
    /// schedule); <see cref="OptimizerRegistry.FromConfig"/> inverts it.</summary>
    public override IReadOnlyDictionary<string, object?> GetConfig() => BaseConfig();

    /// <summary>How many state tensors each parameter needs (momentum: 1, Adam: 2).</summary>
    protected virtual int SlotCount => 0;

    /// <summary>Undoes <see cref="BeginStep"/> when a step is put back because an update overflowed.</summary>
    protected virtual void UndoBeginStep()
    {
    }

    /// <summary>The Keras name of slot <paramref name="slot"/> ("momentum", "velocity" …), used in saved states.</summary>
    protected virtual string SlotName(int slot) => $"slot_{slot}";

    /// <summary>Each parameter's slots that exist, as copies named <c>&lt;name&gt;/&lt;slot&gt;</c> (slots are
    /// created on first use, so a parameter never stepped has none, and a missing slot is created as it would have
    /// been).</summary>
    protected override void WriteState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names)
    {
        for (int i = 0; i < Math.Min(parameters.Count, _slots.Count); i++)
        {
            for (int slot = 0; slot < _slots[i].Length; slot++)
            {
                switch (_slots[i][slot])
                {
                    case Tensor<float> f: state.Set($"{names[i]}/{SlotName(slot)}", f.Clone()); break;
                    case Tensor<double> d: state.Set($"{names[i]}/{SlotName(slot)}", d.Clone()); break;
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override Action ReadState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, ISet<string> used)
    {
        var slots = new Tensor?[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            slots[i] = new Tensor?[SlotCount];
            for (int slot = 0; slot < SlotCount; slot++)
            {
                string key = $"{names[i]}/{SlotName(slot)}";
                if (!state.TryGet(key, out var value))
                {
                    continue;
                }

                var p = parameters[i];
                if (value.DType != p.Value.DType || value.Shape != p.Shape)
                {
                    throw new ArgumentException($"{Name} state entry '{key}' is {value.DType.Name()} {value.Shape} but parameter '{p.Name}' is {p.Value.DType.Name()} {p.Shape}.");
                }

                slots[i][slot] = value switch
                {
                    Tensor<float> f => f.Clone(),
                    Tensor<double> d => d.Clone(),
                    _ => throw new ArgumentException($"{Name} state entry '{key}' must be float32 or float64."),
                };
                used.Add(key);
            }
        }

        return () =>
        {
            _slots.Clear();
            _clippedGradients.Clear();
            foreach (var row in slots)
            {
                _slots.Add(row);
                _clippedGradients.Add(null);
            }
        };
    }

    /// <summary>Called once per <see cref="Apply"/> after clipping checks and before the first
    /// <see cref="Update{T}"/>, with <see cref="Optimizer.Iterations"/> still at the old count (Nadam advances its momentum
    /// product here).</summary>
    protected virtual void BeginStep()
    {
    }

    /// <summary>Updates one parameter in place. <see cref="Optimizer.Iterations"/> is the number of completed steps, so the
    /// 1-based step t of Adam's bias correction is <c>Iterations + 1</c>.</summary>
    protected abstract void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Lets <see cref="Update{T}"/> tell the non-finite guard max |w| after its update when its kernel measured it
    /// in the pass that wrote the weights (the <see cref="Kernels.OptimizerKernels"/> return it); without a report the
    /// guard reads the updated weights once more. Report NaN or ∞ when an updated weight is not finite.</summary>
    /// <param name="largestMagnitude">max |w| over the updated weight tensor.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void ReportLargestMagnitude(double largestMagnitude)
    {
        _largestReported = true;
        _largestReportedMagnitude = largestMagnitude;
    }

    /// <summary>State tensor <paramref name="slot"/> of parameter <paramref name="index"/>, created zero-filled
    /// with the parameter's shape on first use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected Tensor<T> Slot<T>(int index, int slot, Tensor<T> like) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var slots = _slots[index];
        if (slots[slot] is not Tensor<T> state || state.Shape != like.Shape)
        {
            state = Tensor<T>.LongLived(like.Shape);
            slots[slot] = state;
        }

        return state;
    }

    /// <summary>Like <see cref="Slot{T}(int, int, Tensor{T})"/> but filled with <paramref name="initialValue"/>
    /// when created (Adagrad's initial accumulator).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected Tensor<T> Slot<T>(int index, int slot, Tensor<T> like, double initialValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var slots = _slots[index];
        if (slots[slot] is not Tensor<T> state || state.Shape != like.Shape)
        {
            state = Tensor<T>.LongLived(like.Shape);
            state.Fill(T.CreateChecked(initialValue));
            slots[slot] = state;
        }

        return state;
    }

    /// <summary>The keys every Keras optimiser writes: name, learning_rate, weight_decay, clipnorm,
    /// global_clipnorm, clipvalue.</summary>
    protected Dictionary<string, object?> BaseConfig() => new()
    {
        ["name"] = Name,
        ["learning_rate"] = LearningRateConfig,
        ["weight_decay"] = WeightDecay,
        ["clipnorm"] = ClipNorm,
        ["global_clipnorm"] = GlobalClipNorm,
        ["clipvalue"] = ClipValue,
    };

    /// <summary>Updates one parameter and returns the largest |w| after the update (NaN or ∞ when the update
    /// overflowed).</summary>
    private double Step<T>(int index, Parameter parameter, double learningRate, double globalScale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var weight = parameter.ValueAs<T>();
        var gradient = ClippedGradient(index, parameter.GradientAs<T>(), globalScale);
        if (WeightDecay is double wd && wd > 0 && UsesWeightDecay(parameter))
        {
            T factor = T.CreateChecked(wd * learningRate);
            var w = weight.AsSpan();
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= w[i] * factor;
            }
        }

        _largestReported = false;
        Update(index, weight, gradient, learningRate);
        if (parameter.Constraint is null && _largestReported)
        {
            return _largestReportedMagnitude;
        }

        parameter.Constraint?.Apply(weight);
        return LargestMagnitude.Of<T>(weight.AsSpan());
    }

    // Runs every step: compiled optimised at its first call, as the kernels are, so a short Fit in a fresh process does
    // not loop at tier 0 (no virtual calls here for tiered PGO to speed up later).
    /// <summary>The non-finite guard, before anything changes: every trainable gradient must be finite (else
    /// <see cref="NonFiniteGradientException"/>) — shown by the bound its backward pass vouched for
    /// (<see cref="Parameter.GradientBound"/>) when there is one, else by reading it — and when an update could come near overflow — |w| + η·max(1, |g|)·10⁶
    /// above 10⁻⁶ of the largest finite value, or |g| above 10⁻⁶ of its square root, never the case in ordinary
    /// training — every trainable weight and slot is copied so an overflowing step can be put back (weights and slots
    /// are then checked after the update). Returns whether it copied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CheckGradientsAndBackUpIfNeeded(ReadOnlySpan<Parameter> parameters, double learningRate)
    {
        bool atRisk = false;
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (!p.Trainable)
            {
                continue;
            }

            if (double.IsNaN(_weightMagnitude[i]))
            {
                _weightMagnitude[i] = p.Value switch
                {
                    Tensor<float> f => LargestMagnitude.Of<float>(f.AsSpan()),
                    _ => LargestMagnitude.Of<double>(((Tensor<double>)p.Value).AsSpan()),
                };
            }

            // A bound the backward pass vouched for settles it without reading the gradient when it is finite and far
            // from overflow (then so is every element); otherwise the gradient itself is measured.
            double gradient = p.GradientBound;
            bool nearOverflow = !double.IsFinite(gradient) || NearOverflow(p, _weightMagnitude[i], gradient, learningRate);
            if (nearOverflow)
            {
                gradient = p.Gradient switch
                {
                    Tensor<float> f => LargestMagnitude.Of<float>(f.AsSpan()),
                    Tensor<double> d => LargestMagnitude.Of<double>(d.AsSpan()),
                    _ => 0,
                };
                if (!double.IsFinite(gradient))
                {
                    throw new NonFiniteGradientException(i, p.Name, p.Shape, gradient);
                }

                nearOverflow = NearOverflow(p, _weightMagnitude[i], gradient, learningRate);
            }

            atRisk |= nearOverflow;
        }

        if (!atRisk)
        {
            return false;
        }

        while (_backups.Count < parameters.Length)
        {
            _backups.Add(new Tensor?[SlotCount + 1]);
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            if (!parameters[i].Trainable)
            {
                continue;
            }

            var backup = _backups[i];
            backup[0] = Copy(parameters[i].Value, backup[0]);
            for (int s = 0; s < SlotCount; s++)
            {
                backup[s + 1] = _slots[i][s] is { } slot ? Copy(slot, backup[s + 1]) : null;
            }
        }

        return true;
    }

    /// <summary>Whether an update could come near overflow: a weight or an η-scaled gradient within 10⁶·10⁶ of the
    /// largest value, or a gradient whose square (Adam's, RMSprop's second moments) could overflow. Grows with both
    /// magnitudes, so upper bounds for them answer it safely.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool NearOverflow(Parameter p, double weightMagnitude, double gradientMagnitude, double learningRate)
    {
        double max = p.Value is Tensor<float> ? float.MaxValue : double.MaxValue;
        return !(weightMagnitude + learningRate * Math.Max(1, gradientMagnitude) * 1e6 < 1e-6 * max)
            || !(gradientMagnitude < 1e-6 * Math.Sqrt(max));
    }

    private void Restore(ReadOnlySpan<Parameter> parameters)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!parameters[i].Trainable)
            {
                continue;
            }

            Copy(_backups[i][0]!, parameters[i].Value);
            for (int s = 0; s < SlotCount; s++)
            {
                _slots[i][s] = _backups[i][s + 1] is { } saved ? Copy(saved, _slots[i][s]) : null;
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (created when null or of
    /// another shape) and returns it.</summary>
    private static Tensor Copy(Tensor source, Tensor? destination)
    {
        switch (source)
        {
            case Tensor<float> f:
                var df = destination as Tensor<float> is { } existingF && existingF.Shape == f.Shape ? existingF : Tensor<float>.LongLived(f.Shape);
                df.CopyFrom(f);
                return df;
            default:
                var d = (Tensor<double>)source;
                var dd = destination as Tensor<double> is { } existingD && existingD.Shape == d.Shape ? existingD : Tensor<double>.LongLived(d.Shape);
                dd.CopyFrom(d);
                return dd;
        }
    }

    /// <summary>The largest magnitude over parameter <paramref name="index"/>'s slots (NaN or ∞ when one is not finite).</summary>
    private double SlotMagnitude(int index)
    {
        double largest = 0;
        foreach (var slot in _slots[index])
        {
            double magnitude = slot switch
            {
                Tensor<float> f => LargestMagnitude.Of<float>(f.AsSpan()),
                Tensor<double> d => LargestMagnitude.Of<double>(d.AsSpan()),
                _ => 0,
            };
            if (!double.IsFinite(magnitude))
            {
                return magnitude;
            }

            largest = Math.Max(largest, magnitude);
        }

        return largest;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor<T> ClippedGradient<T>(int index, Tensor<T> gradient, double globalScale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ClipNorm is null && ClipValue is null && GlobalClipNorm is null)
        {
            return gradient;
        }

        if (_clippedGradients[index] is not Tensor<T> clipped || clipped.Shape != gradient.Shape)
        {
            clipped = Tensor<T>.LongLived(gradient.Shape);
            _clippedGradients[index] = clipped;
        }

        var source = gradient.AsSpan();
        var destination = clipped.AsSpan();
        if (ClipValue is double limit)
        {
            T high = T.CreateChecked(limit);
            T low = -high;
            for (int i = 0; i < source.Length; i++)
            {
                T g = source[i];
                destination[i] = g > high ? high : g < low ? low : g;
            }
        }
        else if (ClipNorm is double clipNorm)
        {
            // Keras: g·c / max(‖g‖, c), multiplied before dividing.
            T c = T.CreateChecked(clipNorm);
            T denominator = T.CreateChecked(Math.Max(_norms[index], clipNorm));
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = source[i] * c / denominator;
            }
        }
        else
        {
            T scale = T.CreateChecked(globalScale);
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = source[i] * scale;
            }
        }

        return clipped;
    }

    /// <summary>Fills the per-parameter norms when norm clipping is on and returns the global scale
    /// <c>c / max(‖g‖, c)</c> (1 when global clipping is off); throws before anything changes when a norm is not
    /// finite.</summary>
    private double ComputeNorms(ReadOnlySpan<Parameter> parameters)
    {
        if (ClipNorm is null && GlobalClipNorm is null)
        {
            return 1.0;
        }

        double total = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (!p.Trainable)
            {
                continue;
            }

            double sumOfSquares = p.Gradient switch
            {
                Tensor<float> f => SumOfSquares<float>(f.AsSpan()),
                Tensor<double> d => SumOfSquares<double>(d.AsSpan()),
                _ => 0,
            };
            double norm = Math.Sqrt(sumOfSquares);
            if (!double.IsFinite(norm))
            {
                throw new NonFiniteGradientException(i, p.Name, p.Shape, norm, ClipNorm is null ? "global_clipnorm" : "clipnorm");
            }

            _norms[i] = norm;
            total += sumOfSquares;
        }

        if (GlobalClipNorm is not double globalClipNorm)
        {
            return 1.0;
        }

        double globalNorm = Math.Sqrt(total);
        if (!double.IsFinite(globalNorm))
        {
            // Every single norm was finite but their squares overflowed together: rescale exactly instead.
            double largest = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                largest = Math.Max(largest, parameters[i].Trainable ? _norms[i] : 0);
            }

            double scaled = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                double r = parameters[i].Trainable ? _norms[i] / largest : 0;
                scaled += r * r;
            }

            globalNorm = largest * Math.Sqrt(scaled);
        }

        return globalClipNorm / Math.Max(globalNorm, globalClipNorm);
    }

    /// <summary>The list as a span without copying when it is a <see cref="List{T}"/> or an array (the trainer
    /// passes a list; indexing through <see cref="IReadOnlyList{T}"/> is an interface call per access), else a copy.</summary>
    private ReadOnlySpan<Parameter> AsSpan(IReadOnlyList<Parameter> parameters)
    {
        switch (parameters)
        {
            case List<Parameter> list: return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);
            case Parameter[] array: return array;
        }

        if (_parameterCopy.Length < parameters.Count)
        {
            _parameterCopy = new Parameter[parameters.Count];
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            _parameterCopy[i] = parameters[i];
        }

        return _parameterCopy.AsSpan(0, parameters.Count);
    }

    private static double SumOfSquares<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (T v in values)
        {
            double d = double.CreateTruncating(v);
            sum += d * d;
        }

        return sum;
    }

    private bool UsesWeightDecay(Parameter parameter)
    {
        foreach (string fragment in _weightDecayExclusions)
        {
            if (parameter.Name.Contains(fragment, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
