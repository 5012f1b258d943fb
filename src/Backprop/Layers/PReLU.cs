using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Initializers;
using Backprop.Regularizers;
using Backprop.Config;
using Backprop.Kernels;

namespace Backprop.Layers;

/// <summary>Parametric ReLU: y = x for x &gt; 0, α·x otherwise, with α learned — one per input element by
/// default, shared along <c>sharedAxes</c>. Keras <c>layers.PReLU</c>: α starts at 0 (PyTorch <c>nn.PReLU</c>
/// starts at 0.25 with one shared α). Axes count as in Keras: 1 is the first axis after the batch.</summary>
public sealed class PReLU : Layer
{
    private readonly int[] _sharedAxes;
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private int[]? _positionToAlpha;
    private Array? _slopePerPosition;
    private Array? _slopeGradientPerPosition;
    private Parameter? _alpha;
    private Tensor? _input;

    /// <param name="alphaInitializer">Default "zeros" (Keras).</param>
    /// <param name="alphaRegularizer">Penalty on α added to the loss.</param>
    /// <param name="alphaConstraint">Projection of α after each step.</param>
    /// <param name="sharedAxes">Axes (1 = first per-sample axis) along which α is shared.</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "p_re_lu", ….</param>
    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, Constraint? alphaConstraint = null,
        int[]? sharedAxes = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        AlphaInitializer = alphaInitializer ?? new Zeros();
        AlphaRegularizer = alphaRegularizer;
        AlphaConstraint = alphaConstraint;
        _sharedAxes = sharedAxes is null ? [] : (int[])sharedAxes.Clone();
        if (_sharedAxes.Any(a => a < 1 || a >= Shape.MaxRank))
        {
            throw new ArgumentOutOfRangeException(nameof(sharedAxes), $"PReLU '{Name}': shared axes ({string.Join(", ", _sharedAxes)}) must be between 1 and {Shape.MaxRank - 1} (0 is the batch axis).");
        }
    }

    /// <summary>How α starts (Keras default "zeros": the layer starts as a ReLU).</summary>
    public Initializer AlphaInitializer { get; }

    /// <summary>The penalty on α added to the loss, or null.</summary>
    public Regularizer? AlphaRegularizer { get; }

    /// <summary>The projection applied to α after each step, or null.</summary>
    public Constraint? AlphaConstraint { get; }

    /// <summary>The per-sample axes (1 = the first) along which one α is shared, e.g. [1, 2] for one α per channel of an image.</summary>
    public IReadOnlyList<int> SharedAxes => _sharedAxes;

    /// <summary>α: the per-sample input shape with the shared axes set to 1.</summary>
    public Parameter Alpha => _alpha ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        foreach (int axis in _sharedAxes)
        {
            if (axis > inputShape.Rank)
            {
                throw new ShapeMismatchException($"PReLU '{Name}': shared axis {axis} does not exist for inputs {WithNone(inputShape)}.");
            }
        }

        return inputShape;
    }

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape)
    {
        var alphaShape = inputShape;
        foreach (int axis in _sharedAxes)
        {
            alphaShape = alphaShape.WithDimension(axis - 1, 1);
        }

        _alpha = AddParameter("alpha", alphaShape, AlphaInitializer, true, AlphaRegularizer, AlphaConstraint);
    }

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        _input = input;
        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        var slope = SlopePerPosition<T>();
        var xs = input.AsSpan();
        var ys = y.AsSpan();
        int sample = InputShape.Length;
        for (int start = 0; start < xs.Length; start += sample)
        {
            ActivationKernels.PReluForward<T>(xs.Slice(start, sample), slope, ys.Slice(start, sample));
        }

        return y;
    }

    // dα += Σ (over batch and shared axes) dy · min(x, 0);  dx = dy · (1 if x > 0 else α)
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        var x = (Tensor<T>)_input!;
        var xs = x.AsSpan();
        var dys = outputGradient.AsSpan();
        int sample = InputShape.Length;
        if (Trainable)
        {
            var dAlpha = _alpha!.GradientAs<T>().AsSpan();

            // Without shared axes each position has its own α; with them, positions sum into a per-position buffer
            // first, then into the α they share.
            var perPosition = _sharedAxes.Length == 0 ? dAlpha : Scratch<T>(ref _slopeGradientPerPosition, sample);
            if (_sharedAxes.Length != 0)
            {
                perPosition.Clear();
            }

            for (int start = 0; start < xs.Length; start += sample)
            {
                ActivationKernels.PReluSlopeGradient<T>(xs.Slice(start, sample), dys.Slice(start, sample), perPosition);
            }

            if (_sharedAxes.Length != 0)
            {
                int[] map = PositionToAlpha();
                for (int j = 0; j < sample; j++)
                {
                    dAlpha[map[j]] += perPosition[j];
                }
            }
        }

        if (!needInputGradient)
        {
            return null;
        }

        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        var dxs = dx.AsSpan();
        var slope = SlopePerPosition<T>();
        for (int start = 0; start < xs.Length; start += sample)
        {
            ActivationKernels.PReluBackward<T>(xs.Slice(start, sample), slope, dys.Slice(start, sample), dxs.Slice(start, sample));
        }

        return dx;
    }

    // α laid out along one sample: α itself without shared axes, else each position's α gathered into a buffer.
    private ReadOnlySpan<T> SlopePerPosition<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var alpha = _alpha!.ValueAs<T>().AsSpan();
        if (_sharedAxes.Length == 0)
        {
            return alpha;
        }

        int[] map = PositionToAlpha();
        var slope = Scratch<T>(ref _slopePerPosition, map.Length);
        for (int j = 0; j < map.Length; j++)
        {
            slope[j] = alpha[map[j]];
        }

        return slope;
    }

    private int[] PositionToAlpha()
    {
        int sample = InputShape.Length;
        if (_positionToAlpha is null || _positionToAlpha.Length != sample)
        {
            var map = new int[sample];
            for (int j = 0; j < sample; j++)
            {
                map[j] = AlphaIndex(j);
            }

            _positionToAlpha = map;
        }

        return _positionToAlpha;
    }

    private static Span<T> Scratch<T>(ref Array? buffer, int length)
    {
        if (buffer is not T[] array || array.Length != length)
        {
            buffer = array = new T[length];
        }

        return array;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["alpha_initializer"] = AlphaInitializer.Describe(),
        ["alpha_regularizer"] = AlphaRegularizer?.Describe(),
        ["alpha_constraint"] = AlphaConstraint?.Describe(),
        ["shared_axes"] = _sharedAxes.Length == 0 ? null : _sharedAxes.ToArray(),
    };

    /// <summary>Maps a flat index within one sample to the flat index of its α (shared axes collapse to 0).</summary>
    private int AlphaIndex(int sampleIndex)
    {
        if (_sharedAxes.Length == 0)
        {
            return sampleIndex;
        }

        var input = InputShape;
        var alphaShape = _alpha!.Shape;
        int index = 0;
        int remaining = sampleIndex;
        int stride = input.Length;
        for (int axis = 0; axis < input.Rank; axis++)
        {
            stride /= input[axis];
            int coordinate = remaining / stride;
            remaining -= coordinate * stride;
            index = index * alphaShape[axis] + (alphaShape[axis] == 1 ? 0 : coordinate);
        }

        return index;
    }
}
