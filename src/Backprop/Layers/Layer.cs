using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Numerics;
using System.Text;
using Backprop.Config;
using Backprop.Initializers;
using Backprop.Kernels;
using Backprop.Regularizers;

namespace Backprop.Layers;

/// <summary>A layer of a network: its parameters, a forward pass and a hand-written backward pass (no tape).
/// <para>A layer is built for a per-sample input shape and a dtype, either when a model is constructed with a
/// known input shape or lazily on its first <see cref="Forward{T}"/>. <see cref="Forward{T}"/> keeps what the
/// backward pass needs; <see cref="Backward{T}"/> takes ∂L/∂output, ADDS ∂L/∂θ into each
/// <see cref="Parameter.Gradient"/> and returns ∂L/∂input. Adding (never overwriting) is the one gradient rule, as in
/// PyTorch and micrograd: whoever runs a training step zeroes the gradients first (Fit and TrainOnBatch do), so a
/// parameter used twice gets the sum of both contributions. Output and workspace tensors belong to the layer and
/// are reused by the next call (copy them to keep them; <see cref="BatchBuffer"/> gives a custom layer the same),
/// so a steady-state training step allocates nothing.</para>
/// <para>A custom layer subclasses this, creates its parameters in <see cref="BuildCore"/> with
/// <see cref="AddParameter"/>, and implements <see cref="ComputeOutputShape"/>, <see cref="ForwardCore{T}"/> and
/// <see cref="BackwardCore{T}"/>; registering it in <see cref="Registry"/> lets models holding it round-trip
/// through their config. <c>docs/extending.md</c> walks through one.</para>
/// Keras: <c>keras.layers.Layer</c> (names "dense", "dense_1", … are unique per process as in Keras).</summary>
public abstract partial class Layer
{
    private static readonly ConcurrentDictionary<string, int> s_nameCounts = new(StringComparer.Ordinal);

    private readonly List<Parameter> _parameters = [];
    private readonly BatchBuffer _activityGradient = new();
    private Shape _inputShape;
    private Shape _outputShape;
    private Tensor? _lastOutput;
    private double _activityPenalty;

    /// <param name="name">Unique name; default: the snake_case class name with a Keras-style counter suffix.</param>
    /// <param name="inputShape">Per-sample input shape (Keras <c>input_shape</c>), for the first layer of a model.</param>
    protected Layer(string? name = null, int[]? inputShape = null)
    {
        KernelWarmup.Start();
        Name = name ?? UniqueName(ToSnakeCase(GetType().Name));
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A layer name must not be blank.", nameof(name));
        }

        DeclaredInputShape = inputShape is null ? (Shape?)null : new Shape(inputShape);
    }

    /// <summary>The layer's name, unique within a model ("dense_2").</summary>
    public string Name { get; }

    /// <summary>When false the optimiser leaves this layer's parameters alone and its backward pass skips their
    /// gradients (Keras <c>layer.trainable = False</c>, e.g. to freeze layers for fine-tuning).</summary>
    public bool Trainable { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; set; } = true;

    /// <summary>The per-sample input shape given at construction (Keras <c>input_shape</c>), if any.</summary>
    public Shape? DeclaredInputShape { get; private protected set; }

    /// <summary>True once parameters exist for an input shape and dtype.</summary>
    public bool IsBuilt { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; private set; }

    /// <summary>The dtype the layer was built for (float32 or float64).</summary>
    public DType DType { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; private set; } = DType.Float32;

    /// <summary>Per-sample input shape (the batch axis excluded). Throws before the layer is built.</summary>
    public Shape InputShape
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => IsBuilt ? _inputShape : throw NotBuilt();
    }

    /// <summary>Per-sample output shape. Throws before the layer is built.</summary>
    public Shape OutputShape
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        get => IsBuilt ? _outputShape : throw NotBuilt();
    }

    /// <summary>All parameters in Keras's <c>layer.weights</c> order (kernel, bias; γ, β, moving mean, moving variance).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The same list as <see cref="Parameters"/>, typed as itself so per-step loops over it (Sequential's
    /// gradient clearing and parameter collection, compiled optimised from their first call) index it without
    /// interface dispatch.</summary>
    internal List<Parameter> ParameterList => _parameters;

    /// <summary>Parameters the optimiser updates: none when the layer is frozen.</summary>
    public IEnumerable<Parameter> TrainableParameters => _parameters.Where(p => Trainable && p.Trainable);

    /// <summary>Parameters the optimiser never touches (moving statistics, or all of a frozen layer).</summary>
    public IEnumerable<Parameter> NonTrainableParameters => _parameters.Where(p => !(Trainable && p.Trainable));

    /// <summary>Penalty on this layer's output added to the loss (Keras <c>activity_regularizer</c>:
    /// <c>R(output)</c>, not divided by the batch size, as in Keras 3).</summary>
    public Regularizer? ActivityRegularizer { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; set; }

    /// <summary>The layer classes a model config may name: the built-ins, and any a user registers once
    /// (Keras's <c>@register_keras_serializable</c>): <c>Layer.Registry.Register("MyDense", c =&gt; new
    /// MyDense(c.Int("units"), c.NullableIntArray("input_shape"), c.String("name")))</c>. The common keys
    /// (trainable, dtype, activity_regularizer) are read by the registry itself; a factory reads its own.</summary>
    public static ConfigRegistry<Layer> Registry { get; } = LayerRegistry.CreateBuiltIns();

    /// <summary>Number of scalars in all parameters (Keras <c>count_params()</c>).</summary>
    public long CountParams()
    {
        long n = 0;
        foreach (var p in _parameters)
        {
            n += p.Value.Length;
        }

        return n;
    }

    /// <summary>The per-sample output shape for a per-sample input shape (Keras <c>compute_output_shape</c>
    /// without the batch axis); throws <see cref="ShapeMismatchException"/> when the input does not fit.</summary>
    public abstract Shape ComputeOutputShape(Shape inputShape);

    /// <summary>Creates the parameters for a per-sample input shape and dtype. Building again with the same shape
    /// and dtype does nothing; a built layer cannot be rebuilt for another shape.</summary>
    public void Build(Shape inputShape, DType dtype = DType.Float32)
    {
        if (dtype is not (DType.Float32 or DType.Float64))
        {
            throw new ArgumentException($"Layers compute in float32 or float64; got {dtype.Name()} for layer '{Name}'.", nameof(dtype));
        }

        if (IsBuilt)
        {
            if (inputShape != _inputShape || dtype != DType)
            {
                throw new ShapeMismatchException(
                    $"Layer '{Name}' ({GetType().Name}) was built for inputs {WithNone(_inputShape)} {DType.Name()} and cannot take {WithNone(inputShape)} {dtype.Name()}.");
            }

            return;
        }

        for (int i = 0; i < inputShape.Rank; i++)
        {
            if (inputShape[i] == 0)
            {
                throw new ShapeMismatchException(
                    $"Layer '{Name}' ({GetType().Name}) cannot take inputs of shape {WithNone(inputShape)}: a sample with a zero-size dimension has nothing to compute on.");
            }
        }

        var output = ComputeOutputShape(inputShape);
        DType = dtype;
        _inputShape = inputShape;
        _outputShape = output;
        BuildCore(inputShape);
        IsBuilt = true;
    }

    /// <summary>The forward pass on a batch (axis 0 is the batch). <paramref name="training"/> switches
    /// dropout on and batch normalisation to batch statistics, as Keras's <c>training=True</c>. The result is
    /// owned by the layer and overwritten by its next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor<T> Forward<T>(Tensor<T> input, bool training = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0)
        {
            throw ScalarInput();
        }

        var sample = BatchBuffer.SampleOf(input.Shape);
        if (!IsBuilt)
        {
            Build(sample, DTypes.Of<T>());
        }
        else if (DTypes.Of<T>() != DType)
        {
            throw WrongDType(input);
        }

        if (sample != _inputShape)
        {
            throw WrongInputShape(input.Shape);
        }

        var output = ForwardCore(input, training);
        _lastOutput = output;
        _activityPenalty = ActivityRegularizer is null ? 0 : ActivityRegularizer.Penalty(output);
        return output;
    }

    /// <summary>The backward pass for the last <see cref="Forward{T}"/>: adds ∂L/∂θ into the parameters'
    /// gradients and returns ∂L/∂input (owned by the layer, overwritten by its next call).</summary>
    public Tensor<T> Backward<T>(Tensor<T> outputGradient)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        BackwardInternal(outputGradient, needInputGradient: true)!;

    /// <summary>The backward pass used by models, which skip ∂L/∂input where nothing consumes it (the first
    /// layer in training): returns null when <paramref name="needInputGradient"/> is false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Tensor<T>? BackwardInternal<T>(Tensor<T> outputGradient, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        var output = CheckOutputGradient(outputGradient);
        if (ActivityRegularizer is not null)
        {
            // ∂(L + R(y))/∂y = dy + ∂R/∂y, in a buffer of our own so the caller's dy stays intact.
            var total = _activityGradient.Rows<T>(output.Shape[0], _outputShape);
            total.CopyFrom(outputGradient);
            ActivityRegularizer.AddGradient(output, total);
            outputGradient = total;
        }

        return BackwardCore(outputGradient, needInputGradient);
    }

    /// <summary>Checks that a backward pass follows a forward pass of the same dtype and that
    /// <paramref name="outputGradient"/> has the shape of that pass's output, which it returns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected Tensor<T> CheckOutputGradient<T>(Tensor<T> outputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_lastOutput is not Tensor<T> output)
        {
            throw NoForwardPass();
        }

        if (outputGradient.Shape != output.Shape)
        {
            throw WrongOutputGradientShape(outputGradient.Shape, output.Shape);
        }

        return output;
    }

    /// <summary>Sum of the parameter penalties (kernel/bias regularisers) and the activity penalty of the last
    /// forward pass: what Keras adds to the loss as <c>layer.losses</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double RegularizationPenalty()
    {
        double total = _activityPenalty;
        foreach (var p in _parameters)
        {
            if (p.Regularizer is null)
            {
                continue;
            }

            total += p.Value switch
            {
                Tensor<float> f => p.Regularizer.Penalty(f),
                Tensor<double> d => p.Regularizer.Penalty(d),
                _ => 0,
            };
        }

        return total;
    }

    /// <summary>Adds ∂R/∂θ of the kernel/bias regularisers into the trainable parameters' gradients: the part of
    /// ∂(loss + penalties)/∂θ that the backward pass, which only sees ∂L/∂output, cannot know. Call it once per step
    /// after the backward pass (the model's does it for every layer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRegularizationGradients()
    {
        if (!Trainable)
        {
            return;
        }

        foreach (var p in _parameters)
        {
            if (p.Regularizer is null || !p.Trainable)
            {
                continue;
            }

            switch (p.Value)
            {
                case Tensor<float> f: p.Regularizer.AddGradient(f, p.GradientAs<float>()); break;
                case Tensor<double> d: p.Regularizer.AddGradient(d, p.GradientAs<double>()); break;
            }
        }
    }

    /// <summary>Copies of the parameter values in Keras's <c>get_weights()</c> order ([kernel (in, out), bias (out)]
    /// for Dense).</summary>
    public Tensor[] GetWeights()
    {
        var result = new Tensor[_parameters.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _parameters[i].Value switch
            {
                Tensor<float> f => f.Clone(),
                Tensor<double> d => d.Clone(),
                var other => throw new InvalidOperationException($"Unexpected parameter dtype {other.DType.Name()}."),
            };
        }

        return result;
    }

    /// <summary>Overwrites the parameters with copies of <paramref name="weights"/> (Keras <c>set_weights</c>), in
    /// <see cref="Parameters"/> order; shapes must match exactly, and float32/float64 values are converted to the
    /// layer's dtype. An unbuilt layer with a declared input shape is built first.</summary>
    public void SetWeights(params Tensor[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!IsBuilt && DeclaredInputShape is Shape declared)
        {
            Build(declared, DType);
        }

        if (!IsBuilt)
        {
            throw new InvalidOperationException($"Layer '{Name}' is not built yet: give it an input shape or call it once before SetWeights.");
        }

        if (weights.Length != _parameters.Count)
        {
            throw new ArgumentException(
                $"Layer '{Name}' ({GetType().Name}) has {_parameters.Count} weights ({string.Join(", ", _parameters.Select(p => $"{p.Name} {p.Shape}"))}) but {weights.Length} were given.",
                nameof(weights));
        }

        for (int i = 0; i < weights.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(weights[i], $"weights[{i}]");
            if (weights[i].Shape != _parameters[i].Shape)
            {
                throw new ShapeMismatchException(
                    $"Layer '{Name}' ({GetType().Name}): weight {i} '{_parameters[i].Name}' has shape {_parameters[i].Shape} but the given tensor has shape {weights[i].Shape}.");
            }
        }

        for (int i = 0; i < weights.Length; i++)
        {
            CopyInto(_parameters[i].Value, weights[i]);
        }

        OnWeightsChanged();
    }

    /// <summary>Arguments that recreate this layer (Keras <c>get_config()</c>): name, trainable, dtype and the
    /// layer's own arguments.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = new Dictionary<string, object?>
        {
            ["name"] = Name,
            ["trainable"] = Trainable,
            ["dtype"] = DType.Name(),
        };
        if (DeclaredInputShape is Shape declared)
        {
            config["input_shape"] = declared.ToArray();
        }

        if (ActivityRegularizer is not null)
        {
            config["activity_regularizer"] = ActivityRegularizer.Describe();
        }

        return config;
    }

    /// <summary>Reads the keys every layer's config carries besides the constructor's (trainable, dtype — which
    /// the model decides — and activity_regularizer); the layer registry calls it after a factory.</summary>
    internal void ReadCommonConfig(ConfigReader config)
    {
        Trainable = config.Bool("trainable", true);
        config.Ignore("dtype");
        ActivityRegularizer = config.Object("activity_regularizer", Regularizer.Registry);
    }

    /// <inheritdoc/>
    public override string ToString() => IsBuilt
        ? $"{GetType().Name} '{Name}' {WithNone(_inputShape)} → {WithNone(_outputShape)}"
        : $"{GetType().Name} '{Name}' (not built)";

    /// <summary>Creates the parameters with <see cref="AddParameter"/> (the input shape is per sample).</summary>
    protected virtual void BuildCore(Shape inputShape)
    {
    }

    /// <summary>The forward pass; the input has already been checked against <see cref="InputShape"/>.</summary>
    protected abstract Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The backward pass: ADDS ∂L/∂θ into each trainable parameter's gradient (skip them when the layer
    /// is not <see cref="Trainable"/>) and returns ∂L/∂input, or null when <paramref name="needInputGradient"/>
    /// is false. ∂L/∂output has been checked against the last output's shape.</summary>
    protected abstract Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Called after <see cref="SetWeights"/> (layers caching derived values refresh them).</summary>
    protected virtual void OnWeightsChanged()
    {
    }

    /// <summary>Creates a parameter of the layer's dtype filled by <paramref name="initializer"/>.</summary>
    /// <param name="name">The parameter's name within the layer ("kernel", "bias").</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="initializer">Fills its initial value.</param>
    /// <param name="trainable">False for state such as BatchNormalization's moving statistics.</param>
    /// <param name="regularizer">Penalty on the parameter added to the loss.</param>
    /// <param name="constraint">Projection of the parameter after each step.</param>
    /// <param name="fanShape">Whose fans the initialiser should use, when not the parameter's own: a bias passes its
    /// kernel's shape (only initialisers that use it, such as <see cref="FanInUniform"/>, read it).</param>
    protected Parameter AddParameter(string name, Shape shape, Initializer initializer, bool trainable = true,
        Regularizer? regularizer = null, Constraint? constraint = null, Shape? fanShape = null)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        Tensor value;
        if (DType == DType.Float64)
        {
            var t = Tensor<double>.LongLived(shape);
            Fill(initializer, t, fanShape);
            value = t;
        }
        else
        {
            var t = Tensor<float>.LongLived(shape);
            Fill(initializer, t, fanShape);
            value = t;
        }

        var parameter = new Parameter(name, value, trainable, regularizer, constraint);
        _parameters.Add(parameter);
        return parameter;
    }

    private static void Fill<T>(Initializer initializer, Tensor<T> tensor, Shape? fanShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (fanShape is { } fans)
        {
            initializer.Initialize(tensor, fans);
        }
        else
        {
            initializer.Initialize(tensor);
        }
    }

    /// <summary>The shape formatted with the batch axis as Keras prints it: "(None, 32)".</summary>
    public static string WithNone(Shape sampleShape)
    {
        var dims = sampleShape.ToArray();
        return dims.Length == 0 ? "(None,)" : $"(None, {string.Join(", ", dims)})";
    }

    /// <summary>Keras's automatic name: "dense", then "dense_1", "dense_2", … per prefix and process.</summary>
    internal static string UniqueName(string prefix)
    {
        int n = s_nameCounts.AddOrUpdate(prefix, 0, (_, count) => count + 1);
        return n == 0 ? prefix : $"{prefix}_{n}";
    }

    /// <summary>Keras's <c>to_snake_case</c>: "BatchNormalization" → "batch_normalization", "LeakyReLU" → "leaky_re_lu".
    /// Keras substitutes <c>(.)([A-Z][a-z]+)</c> with <c>\1_\2</c>, then <c>([a-z])([A-Z])</c> likewise, and lowers the
    /// result; both substitutions are written out as scans (the same output, tested against those regular expressions):
    /// the first layer of a process paid ≈ 12 ms for loading and compiling the regular-expression engine.</summary>
    internal static string ToSnakeCase(string name)
    {
        // (.)([A-Z][a-z]+): a break before every capital that starts a lowercase word, except at the very start.
        var words = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length;)
        {
            if (name[i] != '\n' && i + 2 < name.Length && char.IsAsciiLetterUpper(name[i + 1]) && char.IsAsciiLetterLower(name[i + 2]))
            {
                int end = i + 3;
                while (end < name.Length && char.IsAsciiLetterLower(name[end]))
                {
                    end++;
                }

                words.Append(name[i]).Append('_').Append(name, i + 1, end - i - 1);
                i = end;
            }
            else
            {
                words.Append(name[i++]);
            }
        }

        // ([a-z])([A-Z]): a break between a lowercase letter and the capital after it.
        var snake = new StringBuilder(words.Length + 8);
        for (int i = 0; i < words.Length;)
        {
            if (i + 1 < words.Length && char.IsAsciiLetterLower(words[i]) && char.IsAsciiLetterUpper(words[i + 1]))
            {
                snake.Append(words[i]).Append('_').Append(words[i + 1]);
                i += 2;
            }
            else
            {
                snake.Append(words[i++]);
            }
        }

        return snake.ToString().ToLowerInvariant();
    }

    private static void CopyInto(Tensor destination, Tensor source)
    {
        switch (destination, source)
        {
            case (Tensor<float> d, Tensor<float> s): d.CopyFrom(s); break;
            case (Tensor<double> d, Tensor<double> s): d.CopyFrom(s); break;
            case (Tensor<float> d, _):
                {
                    var span = d.AsSpan();
                    for (int i = 0; i < span.Length; i++)
                    {
                        span[i] = (float)source.GetDouble(i);
                    }

                    break;
                }

            case (Tensor<double> d, _):
                {
                    var span = d.AsSpan();
                    for (int i = 0; i < span.Length; i++)
                    {
                        span[i] = source.GetDouble(i);
                    }

                    break;
                }
        }
    }

    // The errors of the per-step methods, built apart from them so that their optimised compile stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException NotBuilt() =>
        new($"Layer '{Name}' ({GetType().Name}) is not built yet: give the first layer an input shape or call the model once.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ShapeMismatchException ScalarInput() => new($"Layer '{Name}' ({GetType().Name}) needs a batch axis; got a scalar.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ArgumentException WrongDType<T>(Tensor<T> input)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new($"Layer '{Name}' ({GetType().Name}) was built for {DType.Name()} but received {DTypes.Of<T>().Name()} input.", nameof(input));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ShapeMismatchException WrongInputShape(Shape received) =>
        new($"Layer '{Name}' ({GetType().Name}) expects input of shape {WithNone(_inputShape)} but received {received}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException NoForwardPass() => new($"Layer '{Name}': Backward needs a Forward of the same dtype first.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ShapeMismatchException WrongOutputGradientShape(Shape gradient, Shape output) =>
        new($"Layer '{Name}' ({GetType().Name}): the output gradient has shape {gradient} but the last output had {output}.");
}
