using System.Runtime.CompilerServices;
namespace Backprop.Layers;

/// <summary>Declares the per-sample input shape of a model: <c>new Sequential(new Input([13]), new Dense(32), …)</c>,
/// the same as <c>inputShape:</c> on the first layer. Keras <c>keras.Input(shape)</c>; like Keras 3 it is not
/// listed in <c>model.Layers</c>.</summary>
public sealed class Input : Layer
{
    /// <param name="shape">Per-sample shape, e.g. <c>[13]</c> or <c>[28, 28]</c>.</param>
    /// <param name="name">Unique layer name; default "input_layer", ….</param>
    public Input(int[] shape, string? name = null)
        : base(name ?? UniqueName("input_layer"), shape ?? throw new ArgumentNullException(nameof(shape)))
    {
        if (shape.Length >= Shape.MaxRank || shape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Input shape ({string.Join(", ", shape)}) must have 0 to {Shape.MaxRank - 1} positive dimensions.", nameof(shape));
        }
    }

    /// <summary>The declared per-sample shape.</summary>
    public Shape Shape => DeclaredInputShape!.Value;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training) => input;

    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient) =>
        needInputGradient ? outputGradient : null;
}
