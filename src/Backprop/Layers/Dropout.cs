using System.Runtime.CompilerServices;
using System.Globalization;
using Backprop.Random;

namespace Backprop.Layers;

/// <summary>Inverted dropout: in training each element is kept with probability 1 − rate and scaled by
/// 1/(1 − rate), otherwise zeroed; at inference the layer is the identity. Keras <c>layers.Dropout(rate, seed)</c>
/// and PyTorch <c>nn.Dropout(p)</c>. The masks come from a Philox stream of <see cref="Seed"/> (vectorised, the
/// same at any thread count): the same seed gives the same masks in the same order; without a seed, one is drawn
/// from <see cref="RandomSeed"/>. Set <see cref="FreezeMask"/> to reuse the last mask (for gradient checks).</summary>
public sealed class Dropout : Layer, IRandomStateOwner
{
    private readonly BatchBuffer _mask = new();
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private readonly RandomGenerator _masks;
    private bool _lastTraining;
    private bool _hasMask;

    /// <param name="rate">Fraction of elements dropped, in [0, 1).</param>
    /// <param name="seed">Seed of the mask stream; default: the next seed of <see cref="RandomSeed"/>.</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "dropout", ….</param>
    public Dropout(double rate, ulong? seed = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!(rate is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Dropout rate must be in [0, 1); received {rate.ToString(CultureInfo.InvariantCulture)}.");
        }

        Rate = rate;
        Seed = seed ?? RandomSeed.NextSeed();
        _masks = new RandomGenerator(Seed);
    }

    /// <summary>The fraction of inputs set to zero during training, in [0, 1); the others are scaled by 1/(1 − rate).</summary>
    public double Rate { get; }

    /// <summary>The seed the mask stream started from.</summary>
    public ulong Seed { get; }

    /// <summary>Where the mask stream is: a checkpoint saves it so that a resumed run draws the masks the
    /// uninterrupted one would have.</summary>
    public RandomState RandomState
    {
        get => _masks.State;
        set => _masks.State = value;
    }

    /// <summary>When true, training-mode forward passes reuse the last mask (drawn once if none exists yet) instead
    /// of drawing a new one, so the layer is a fixed linear map — what a gradient check needs.</summary>
    public bool FreezeMask { get; set; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    // training: y = x ⊙ m with m ∈ {0, 1/(1−rate)};  inference: y = x
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        _lastTraining = training && Rate > 0;
        if (!_lastTraining)
        {
            return input;
        }

        int rows = input.Shape[0];
        var mask = _mask.Rows<T>(rows, InputShape);
        if (!FreezeMask || !_hasMask || mask.Length != input.Length)
        {
            _masks.FillDropoutMask(mask.AsSpan(), keepProbability: 1 - Rate);
            _hasMask = true;
        }

        var y = _output.Rows<T>(rows, OutputShape);
        Kernels.Elementwise.Multiply<T>(input.AsSpan(), mask.AsSpan(), y.AsSpan());
        return y;
    }

    // dx = dy ⊙ m  (identity at inference)
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        if (!_lastTraining)
        {
            return outputGradient;
        }

        var dx = _inputGradient.Rows<T>(outputGradient.Shape[0], InputShape);
        Kernels.Elementwise.Multiply<T>(outputGradient.AsSpan(), _mask.Rows<T>(outputGradient.Shape[0], InputShape).AsSpan(), dx.AsSpan());
        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["rate"] = Rate,
        ["seed"] = Seed,
    };
}
