using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Layers;

/// <summary>Standardises features: <c>y = (x − mean)/max(√variance, 1e-7)</c> per feature (last axis), with
/// mean and variance given or learned from data by <see cref="Adapt{T}"/> (population variance). With
/// <c>invert</c>, <c>y = mean + x·max(√variance, 1e-7)</c>. Keras 3 <c>layers.Normalization</c> exactly (its
/// epsilon is <c>backend.epsilon()</c> = 1e-7, applied to the standard deviation); the weights are "mean" and
/// "variance", non-trainable (Keras's legacy integer "count" weight is not kept).</summary>
public sealed class Normalization : Layer
{
    /// <summary>Keras's <c>backend.epsilon()</c>.</summary>
    public const double StdFloor = 1e-7;

    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private readonly double[]? _initialMean;
    private readonly double[]? _initialVariance;
    private Parameter? _mean;
    private Parameter? _variance;

    /// <param name="mean">Per-feature mean (or one value for all), instead of <see cref="Adapt{T}"/>.</param>
    /// <param name="variance">Per-feature variance (or one value), given together with <paramref name="mean"/>.</param>
    /// <param name="invert">Undo a normalisation instead of applying it.</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "normalization", ….</param>
    public Normalization(double[]? mean = null, double[]? variance = null, bool invert = false, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if ((mean is null) != (variance is null))
        {
            throw new ArgumentException($"Normalization '{Name}': give both mean and variance, or neither (and call Adapt).");
        }

        if (mean is not null && mean.Length != variance!.Length)
        {
            throw new ArgumentException($"Normalization '{Name}': mean has {mean.Length} values but variance has {variance.Length}.");
        }

        if (variance is not null && variance.Any(v => !(v >= 0)))
        {
            throw new ArgumentOutOfRangeException(nameof(variance), $"Normalization '{Name}': variances must be non-negative; got [{string.Join(", ", variance)}].");
        }

        _initialMean = (double[]?)mean?.Clone();
        _initialVariance = (double[]?)variance?.Clone();
        Invert = invert;
    }

    /// <summary>True when the layer undoes a normalisation (x·σ + μ) instead of applying it.</summary>
    public bool Invert { get; }

    /// <summary>Per-feature mean (non-trainable).</summary>
    public Parameter Mean => _mean ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>Per-feature variance (non-trainable).</summary>
    public Parameter Variance => _variance ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank == 0)
        {
            throw new ShapeMismatchException($"Normalization '{Name}' needs a feature axis; got per-sample shape {inputShape}.");
        }

        int features = inputShape[-1];
        if (_initialMean is not null && _initialMean.Length != 1 && _initialMean.Length != features)
        {
            throw new ShapeMismatchException($"Normalization '{Name}': {_initialMean.Length} means given for {features} features (input {WithNone(inputShape)}).");
        }

        return inputShape;
    }

    /// <summary>Learns the per-feature mean and population variance (numpy <c>var</c>, ddof 0) of
    /// <paramref name="data"/> (samples along axis 0, features on the last axis), building the layer if needed.</summary>
    public void Adapt<T>(Tensor<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rank < 2 || data.Shape[0] == 0)
        {
            throw new ShapeMismatchException($"Normalization '{Name}'.Adapt needs a non-empty batch (samples, …, features); got shape {data.Shape}.");
        }

        var sample = BatchBuffer.SampleOf(data.Shape);
        if (!IsBuilt)
        {
            Build(sample, DTypes.Of<T>());
        }
        else if (sample[-1] != InputShape[-1])
        {
            throw new ShapeMismatchException($"Normalization '{Name}' was built for inputs {WithNone(InputShape)}; Adapt received {data.Shape}.");
        }

        int features = sample[-1];
        var values = data.AsSpan();
        int rows = values.Length / features;
        var mean = new double[features];
        var variance = new double[features];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++)
            {
                mean[j] += double.CreateTruncating(values[r * features + j]);
            }
        }

        for (int j = 0; j < features; j++)
        {
            mean[j] /= rows;
        }

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++)
            {
                double d = double.CreateTruncating(values[r * features + j]) - mean[j];
                variance[j] += d * d;
            }
        }

        for (int j = 0; j < features; j++)
        {
            variance[j] /= rows;
        }

        Store(_mean!, mean);
        Store(_variance!, variance);
    }

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape)
    {
        int features = inputShape[-1];
        _mean = AddParameter("mean", new Shape(features), new Initializers.Zeros(), trainable: false);
        _variance = AddParameter("variance", new Shape(features), new Initializers.Zeros(), trainable: false);
        Store(_mean, _initialMean is null ? [0.0] : _initialMean);
        Store(_variance, _initialVariance is null ? [1.0] : _initialVariance);
    }

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int features = InputShape[-1];
        var mean = _mean!.ValueAs<T>().AsSpan();
        var variance = _variance!.ValueAs<T>().AsSpan();
        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        var xs = input.AsSpan();
        var ys = y.AsSpan();
        T floor = T.CreateChecked(StdFloor);
        for (int i = 0; i < xs.Length; i++)
        {
            int j = i % features;
            T std = T.Max(T.Sqrt(variance[j]), floor);
            ys[i] = Invert ? mean[j] + xs[i] * std : (xs[i] - mean[j]) / std;
        }

        return y;
    }

    // dx = dy / max(√var, ε)   (invert: dx = dy · max(√var, ε))
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        int features = InputShape[-1];
        var variance = _variance!.ValueAs<T>().AsSpan();
        var dx = _inputGradient.Rows<T>(outputGradient.Shape[0], InputShape);
        var dys = outputGradient.AsSpan();
        var dxs = dx.AsSpan();
        T floor = T.CreateChecked(StdFloor);
        for (int i = 0; i < dys.Length; i++)
        {
            T std = T.Max(T.Sqrt(variance[i % features]), floor);
            dxs[i] = Invert ? dys[i] * std : dys[i] / std;
        }

        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["axis"] = -1,
        ["invert"] = Invert,
        ["mean"] = _initialMean?.ToArray(),
        ["variance"] = _initialVariance?.ToArray(),
    };

    private static void Store(Parameter parameter, double[] values)
    {
        for (int j = 0; j < parameter.Value.Length; j++)
        {
            double v = values.Length == 1 ? values[0] : values[j];
            switch (parameter.Value)
            {
                case Tensor<float> f: f.AsSpan()[j] = (float)v; break;
                case Tensor<double> d: d.AsSpan()[j] = v; break;
            }
        }
    }
}
