using System.Runtime.CompilerServices;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Layers;

/// <summary>Applies an activation function as a layer: <c>y = f(x)</c>. Keras <c>layers.Activation</c>.
/// (The function type itself is <see cref="Backprop.Activations.Activation"/>; import one namespace or qualify.)</summary>
public sealed class Activation : Layer, IActivationOutput
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private Tensor? _input;

    /// <param name="activation">The function, by Keras name ("relu") or object.</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "activation", "activation_1", ….</param>
    public Activation(ActivationFunction activation, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Function = activation;
    }

    /// <summary>The function applied.</summary>
    public ActivationFunction Function { get; }

    /// <summary>f (<see cref="Function"/>): this layer is nothing but the activation.</summary>
    public ActivationFunction OutputActivation => Function;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        _input = input;
        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        Function.Forward(input, y);
        return y;
    }

    // dx = dy ⊙ f′(x)
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        var x = (Tensor<T>)_input!;
        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        Function.Backward(x, _output.Rows<T>(x.Shape[0], OutputShape), outputGradient, dx);
        return dx;
    }

    /// <summary>z is this layer's input, so ∂L/∂input is ∂L/∂z itself.</summary>
    public Tensor<T>? BackwardFromPreActivation<T>(Tensor<T> preActivationGradient, bool needInputGradient)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        CheckOutputGradient(preActivationGradient);
        return needInputGradient ? preActivationGradient : null;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["activation"] = Function.Describe(),
    };
}
