using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using System.Text;
using Backprop.Layers;

namespace Backprop.Models;

/// <summary>A stack of layers, each feeding the next: Keras's <c>keras.Sequential</c>, in float32 (default) or
/// float64 (<c>new Sequential(DType.Float64, …)</c>). The model is built (parameters created) as soon as the first
/// layer's input shape is known, from <c>inputShape:</c>, a leading <see cref="Input"/>, or the first batch.
/// <para>The model is the layer stack and nothing else: <see cref="Forward{T}"/>, <see cref="Backward{T}"/>,
/// <see cref="ZeroGradients"/> and the parameters, which is all a PyTorch-style loop needs
/// (<c>ZeroGradients → Forward → loss → Backward → optimizer.Apply</c>). Keras's workflow — <c>Compile</c>,
/// <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>, <c>TrainOnBatch</c> — comes from the namespace
/// <c>Backprop.Training</c>, which trains a model through a <c>Trainer</c> whose step can be overridden.</para>
/// <para>A model is not thread-safe: use one model from one thread at a time (separate models on separate threads
/// are fine).</para></summary>
public sealed class Sequential
{
    private readonly List<Layer> _layers = [];
    private Shape? _inputShape;

    /// <summary>A float32 model of <paramref name="layers"/> (a leading <see cref="Input"/> only declares the shape).</summary>
    public Sequential(params Layer[] layers)
        : this(DType.Float32, layers)
    {
    }

    /// <summary>A model computing in <paramref name="dtype"/> (float32 or float64).</summary>
    public Sequential(DType dtype, params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (dtype is not (DType.Float32 or DType.Float64))
        {
            throw new ArgumentException($"A model computes in float32 or float64; got {dtype.Name()}.", nameof(dtype));
        }

        DType = dtype;
        Name = Layer.UniqueName("sequential");
        foreach (var layer in layers)
        {
            Add(layer);
        }
    }

    /// <summary>The model's name ("sequential", "sequential_1", …).</summary>
    public string Name { get; init; }

    /// <summary>The dtype of parameters and of the tensors Fit/Predict accept.</summary>
    public DType DType { get; }

    /// <summary>The layers in order (without a leading <see cref="Input"/>, as Keras 3).</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Per-sample input shape once known.</summary>
    public Shape? InputShape => _inputShape;

    /// <summary>True once every layer has its parameters.</summary>
    public bool IsBuilt => _inputShape is not null && _layers.All(l => l.IsBuilt);

    /// <summary>All parameters of all layers in order (Keras <c>model.weights</c>).</summary>
    public IReadOnlyList<Parameter> Parameters => _layers.SelectMany(l => l.Parameters).ToArray();

    /// <summary>The parameters the optimiser updates (Keras <c>model.trainable_weights</c>).</summary>
    public IReadOnlyList<Parameter> TrainableParameters => _layers.SelectMany(l => l.TrainableParameters).ToArray();

    /// <summary>The rest (moving statistics, frozen layers).</summary>
    public IReadOnlyList<Parameter> NonTrainableParameters => _layers.SelectMany(l => l.NonTrainableParameters).ToArray();

    /// <summary>Appends a layer (Keras <c>model.add</c>); builds it when the previous output shape is known.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is Input input)
        {
            if (_layers.Count > 0 || _inputShape is not null)
            {
                throw new ArgumentException("An Input can only come first in a Sequential model.", nameof(layer));
            }

            _inputShape = input.Shape;
            return;
        }

        if (_layers.Any(l => l.Name == layer.Name))
        {
            throw new ArgumentException($"The model already has a layer named '{layer.Name}'; layer names must be unique.", nameof(layer));
        }

        if (_layers.Contains(layer))
        {
            throw new ArgumentException($"Layer '{layer.Name}' is already in the model.", nameof(layer));
        }

        if (_layers.Count == 0 && _inputShape is null && layer.DeclaredInputShape is Shape declared)
        {
            _inputShape = declared;
        }

        if (layer.IsBuilt && layer.DType != DType)
        {
            throw new ArgumentException($"Layer '{layer.Name}' was built for {layer.DType.Name()} but the model is {DType.Name()}.", nameof(layer));
        }

        _layers.Add(layer);
        if (_inputShape is Shape shape)
        {
            BuildLayers(shape);
        }
    }

    /// <summary>Builds every layer for a per-sample input shape (Keras <c>model.build((None,) + shape)</c>).</summary>
    public void Build(Shape inputShape)
    {
        if (_inputShape is Shape existing && existing != inputShape)
        {
            throw new ShapeMismatchException($"Model '{Name}' expects inputs {Layer.WithNone(existing)}; cannot build for {Layer.WithNone(inputShape)}.");
        }

        _inputShape = inputShape;
        BuildLayers(inputShape);
    }

    /// <summary>The output of the whole stack for a batch <paramref name="x"/> (samples along axis 0): each layer's
    /// forward pass in order. <paramref name="training"/> switches dropout on and batch normalisation to batch
    /// statistics (Keras's <c>training=True</c>, PyTorch's <c>model.train()</c>). Builds the model on first use.
    /// The result belongs to the last layer and is overwritten by the next call (copy it to keep it); a steady-state
    /// call allocates nothing. PyTorch: <c>model(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor<T> Forward<T>(Tensor<T> x, bool training = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (DTypes.Of<T>() != DType)
        {
            throw WrongDType(x);
        }

        if (x.Rank == 0)
        {
            throw ScalarInput();
        }

        if (_inputShape is null || !_layers[^1].IsBuilt)
        {
            // Checked here rather than through EnsureBuilt: this runs on every step, and the sample shape is only
            // needed to build.
            EnsureBuilt(BatchBuffer.SampleOf(x.Shape));
        }

        var output = x;
        for (int i = 0; i < _layers.Count; i++)
        {
            output = _layers[i].Forward(output, training);
        }

        return output;
    }

    // Forward's errors, built apart from it so that its optimised compile stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ArgumentException WrongDType<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new($"Model '{Name}' computes in {DType.Name()} but received {DTypes.Of<T>().Name()} data; convert it (Tensor.Cast) or create the model with DType.{DTypes.Of<T>()}.", nameof(x));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ShapeMismatchException ScalarInput() => new($"Model '{Name}': inputs need a batch axis; got a scalar.");

    /// <summary>The backward pass of the last <see cref="Forward{T}"/>: given ∂L/∂output, runs every layer's
    /// backward pass in reverse, ADDS ∂L/∂θ into every trainable parameter's <see cref="Parameter.Gradient"/> (call
    /// <see cref="ZeroGradients"/> before a step) and returns ∂L/∂input (owned by the first layer). Activity
    /// regularisers' gradients are included; the kernel and bias penalties' are added by
    /// <see cref="AddRegularizationGradients"/>. PyTorch: <c>loss.backward()</c>.</summary>
    public Tensor<T> Backward<T>(Tensor<T> outputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException($"Model '{Name}' has no layers.");
        }

        return BackwardThrough(_layers.Count - 1, outputGradient, needInputGradient: true)!;
    }

    /// <summary>Runs the backward passes of layers <paramref name="lastLayer"/> down to 0 from ∂L/∂(output of
    /// <paramref name="lastLayer"/>); ∂L/∂input is computed only when <paramref name="needInputGradient"/> (the
    /// trainer skips it, as nothing consumes it) and null otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Tensor<T>? BackwardThrough<T>(int lastLayer, Tensor<T>? gradient, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = lastLayer; i >= 0; i--)
        {
            gradient = _layers[i].BackwardInternal(gradient!, needInputGradient: i > 0 || needInputGradient);
        }

        return gradient;
    }

    // Runs every step: compiled optimised at its first call, as the kernels are, so a short Fit in a fresh process does
    // not loop at tier 0 (no virtual calls here for tiered PGO to speed up later).
    /// <summary>Clears every parameter's gradient (PyTorch <c>optimizer.zero_grad()</c>); backward passes then add
    /// into zeros. O(number of parameters): the memory is cleared lazily.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ZeroGradients()
    {
        foreach (var layer in _layers)
        {
            var parameters = layer.ParameterList;
            for (int i = 0; i < parameters.Count; i++)
            {
                parameters[i].ZeroGradient();
            }
        }
    }

    /// <summary>The sum of every layer's regularisation penalties (kernel, bias and activity regularisers, the
    /// latter for the last forward pass): what Keras adds to the loss as <c>model.losses</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double RegularizationPenalty()
    {
        double total = 0;
        for (int i = 0; i < _layers.Count; i++)
        {
            total += _layers[i].RegularizationPenalty();
        }

        return total;
    }

    /// <summary>Adds the kernel and bias penalties' gradients ∂R/∂θ into every trainable parameter's gradient: the
    /// regularisation step of a training step, after <see cref="Backward{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRegularizationGradients()
    {
        for (int i = 0; i < _layers.Count; i++)
        {
            _layers[i].AddRegularizationGradients();
        }
    }

    /// <summary>Fills <paramref name="into"/> with the trainable parameters, in order, without allocating once it
    /// is large enough (the trainer refreshes it every step, as layers may be frozen in between).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void CollectTrainableParameters(List<Parameter> into)
    {
        into.Clear();
        foreach (var layer in _layers)
        {
            if (!layer.Trainable)
            {
                continue;
            }

            var parameters = layer.ParameterList;
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Trainable)
                {
                    into.Add(parameters[i]);
                }
            }
        }
    }

    /// <summary>Builds the model for a per-sample input shape unless it is built already.</summary>
    internal void EnsureBuilt(Shape sampleShape)
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException($"Model '{Name}' has no layers.");
        }

        if (_inputShape is null || !_layers[^1].IsBuilt)
        {
            Build(sampleShape);
        }
    }

    /// <summary>Number of scalars in all parameters.</summary>
    public long CountParams() => _layers.Sum(l => l.CountParams());

    /// <summary>The layer with this name; throws listing the names when absent.</summary>
    public Layer GetLayer(string name) =>
        _layers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"Model '{Name}' has no layer '{name}'. Layers: {string.Join(", ", _layers.Select(l => l.Name))}.");

    /// <summary>Copies of all parameter values, layer by layer in Keras's <c>model.get_weights()</c> order.</summary>
    public Tensor[] GetWeights() => _layers.SelectMany(l => l.GetWeights()).ToArray();

    /// <summary>Sets all parameter values in <see cref="GetWeights"/> order; counts and shapes must match.</summary>
    public void SetWeights(params Tensor[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int expected = _layers.Sum(l => l.Parameters.Count);
        if (weights.Length != expected)
        {
            throw new ArgumentException($"Model '{Name}' has {expected} weight tensors but {weights.Length} were given.", nameof(weights));
        }

        int offset = 0;
        foreach (var layer in _layers)
        {
            int n = layer.Parameters.Count;
            layer.SetWeights(weights[offset..(offset + n)]);
            offset += n;
        }
    }

    /// <summary>A table of layers, output shapes and parameter counts in Keras 3's <c>model.summary()</c> layout.</summary>
    public string Summary()
    {
        const int nameWidth = 33, shapeWidth = 24, paramWidth = 15;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Model: \"{Name}\"\n");
        sb.Append('┏').Append('━', nameWidth).Append('┳').Append('━', shapeWidth).Append('┳').Append('━', paramWidth).Append("┓\n");
        sb.Append("┃ ").Append("Layer (type)".PadRight(nameWidth - 1)).Append("┃ ").Append("Output Shape".PadRight(shapeWidth - 1))
            .Append("┃ ").Append("Param #".PadLeft(paramWidth - 2)).Append(" ┃\n");
        sb.Append('┡').Append('━', nameWidth).Append('╇').Append('━', shapeWidth).Append('╇').Append('━', paramWidth).Append("┩\n");
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            string name = $"{layer.Name} ({layer.GetType().Name})";
            string shape = layer.IsBuilt ? Layer.WithNone(layer.OutputShape) : "?";
            string count = layer.IsBuilt ? layer.CountParams().ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)";
            // A cell too long for its column wraps at spaces onto more lines, as Keras's (rich) table does.
            var names = Wrap(name, nameWidth - 2);
            var shapes = Wrap(shape, shapeWidth - 2);
            for (int line = 0; line < Math.Max(names.Count, shapes.Count); line++)
            {
                sb.Append("│ ").Append((line < names.Count ? names[line] : "").PadRight(nameWidth - 1))
                    .Append("│ ").Append((line < shapes.Count ? shapes[line] : "").PadRight(shapeWidth - 1))
                    .Append("│ ").Append((line == 0 ? count : "").PadLeft(paramWidth - 2)).Append(" │\n");
            }

            if (i < _layers.Count - 1)
            {
                sb.Append('├').Append('─', nameWidth).Append('┼').Append('─', shapeWidth).Append('┼').Append('─', paramWidth).Append("┤\n");
            }
        }

        sb.Append('└').Append('─', nameWidth).Append('┴').Append('─', shapeWidth).Append('┴').Append('─', paramWidth).Append("┘\n");
        long total = CountParams();
        long trainable = _layers.Sum(l => l.TrainableParameters.Sum(p => (long)p.Value.Length));
        int bytes = DType.SizeOf();
        sb.Append(CultureInfo.InvariantCulture, $" Total params: {total:N0} ({MemorySize(total * bytes)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Trainable params: {trainable:N0} ({MemorySize(trainable * bytes)})\n");
        sb.Append(CultureInfo.InvariantCulture, $" Non-trainable params: {total - trainable:N0} ({MemorySize((total - trainable) * bytes)})\n");
        return sb.ToString();

        // Greedy word wrap; a word longer than the width is folded, as rich folds it.
        static List<string> Wrap(string text, int width)
        {
            var lines = new List<string>();
            var current = new StringBuilder();
            foreach (string word in text.Split(' '))
            {
                if (current.Length > 0 && current.Length + 1 + word.Length > width)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }

                if (current.Length > 0)
                {
                    current.Append(' ');
                }

                current.Append(word);
                while (current.Length > width)
                {
                    lines.Add(current.ToString(0, width));
                    current.Remove(0, width);
                }
            }

            lines.Add(current.ToString());
            return lines;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Sequential '{Name}' ({_layers.Count} layers, {DType.Name()})";

    /// <summary>The model's config (Keras <c>get_config()</c> with its class name) as indented JSON, printable like
    /// Keras's config dump; weights are not included.</summary>
    public string GetConfig() => SequentialConfig.ToJson(this);

    /// <summary>A new model, freshly initialised, from a config made by <see cref="GetConfig"/> (Keras
    /// <c>Sequential.from_config</c>). Only layer classes in <see cref="Layer.Registry"/> can be created (the
    /// built-ins and those a user registered); anything else fails with a <see cref="FormatException"/> naming the
    /// place and listing the registered classes.</summary>
    public static Sequential FromConfig(string json) => SequentialConfig.FromJson(json);

    /// <summary>Keras's <c>readable_memory_size</c>: "3.88 KB", "0.00 B".</summary>
    internal static string MemorySize(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double size = bytes;
        int unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{size:F2} {units[unit]}");
    }

    private void BuildLayers(Shape inputShape)
    {
        var shape = inputShape;
        foreach (var layer in _layers)
        {
            layer.Build(shape, DType);
            shape = layer.OutputShape;
        }
    }
}
