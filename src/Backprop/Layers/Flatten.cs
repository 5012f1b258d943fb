using System.Runtime.CompilerServices;
namespace Backprop.Layers;

/// <summary>Flattens each sample to a vector: (batch, d1, d2, …) → (batch, d1·d2·…), a zero-copy view.
/// Keras <c>layers.Flatten</c>.</summary>
public sealed class Flatten : Layer
{
    private readonly ViewCache _forward = new();
    private readonly ViewCache _backward = new();

    /// <param name="inputShape">Per-sample input shape when this is the first layer, e.g. <c>[28, 28]</c>.</param>
    /// <param name="name">Unique layer name; default "flatten", "flatten_1", ….</param>
    public Flatten(int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape.Length);

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training) =>
        _forward.View(input, BatchBuffer.WithBatch(input.Shape[0], OutputShape));

    // dx = dy viewed with the input's shape
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient) =>
        needInputGradient ? _backward.View(outputGradient, BatchBuffer.WithBatch(outputGradient.Shape[0], InputShape)) : null;
}
