using System.Runtime.CompilerServices;
using System.Globalization;
using Backprop.Kernels;

namespace Backprop.Layers;

/// <summary>y = x for x &gt; 0, α·x otherwise. Keras <c>layers.LeakyReLU(negative_slope=0.3)</c> (the function
/// <c>keras.activations.leaky_relu</c> defaults to 0.2 and PyTorch's <c>nn.LeakyReLU</c> to 0.01).</summary>
public sealed class LeakyReLU : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private Tensor? _input;

    /// <param name="negativeSlope">α ≥ 0 (Keras default 0.3).</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "leaky_re_lu", ….</param>
    public LeakyReLU(double negativeSlope = 0.3, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!(negativeSlope >= 0) || double.IsInfinity(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite and non-negative.");
        }

        NegativeSlope = negativeSlope;
    }

    /// <summary>α: f(x) = α·x for x &lt; 0 (Keras layer default 0.3).</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        _input = input;
        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        ActivationKernels.LeakyReluForward<T>(input.AsSpan(), y.AsSpan(), T.CreateChecked(NegativeSlope));
        return y;
    }

    // dx = dy · (1 if x > 0 else α)
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        var x = (Tensor<T>)_input!;
        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        ActivationKernels.LeakyReluBackward<T>(x.AsSpan(), outputGradient.AsSpan(), dx.AsSpan(), T.CreateChecked(NegativeSlope));
        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["negative_slope"] = NegativeSlope,
    };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{base.ToString()} (negative_slope={NegativeSlope})");
}
