using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Layers;

/// <summary>Max pooling: <c>y[b, i, j, c] = max over the window of x[b, ·, ·, c]</c>; the gradient flows to the
/// (first) maximum of each window, summed where windows overlap. Keras <c>layers.MaxPooling2D(pool_size=(2, 2),
/// strides=None, padding="valid")</c>; PyTorch <c>nn.MaxPool2d</c> (channels first, symmetric padding).</summary>
public sealed class MaxPooling2D : Pooling2D
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _positions = new();
    private readonly BatchBuffer _inputGradient = new();

    /// <param name="poolSize">(height, width) of the window, or one value for both; default (2, 2).</param>
    /// <param name="strides">(height, width) steps, or one value; default: the pool size.</param>
    /// <param name="padding">"valid" or "same" (padded cells never win).</param>
    /// <param name="inputShape">Per-sample input shape (height, width, channels) for the first layer.</param>
    /// <param name="name">Unique layer name; default "max_pooling2d", ….</param>
    public MaxPooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", int[]? inputShape = null, string? name = null)
        : base(poolSize, strides, padding, inputShape, name)
    {
    }

    // y = max over each window; remember where the maximum was
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int batch = input.Shape[0];
        var y = _output.Rows<T>(batch, OutputShape);
        PoolingKernels.MaxForward<T>(Geometry, batch, input.AsSpan(), y.AsSpan(), _positions.Rows<T>(batch, OutputShape).AsSpan());
        return y;
    }

    // ∂x[cell] = Σ over the windows whose maximum was that cell of dy
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        int batch = outputGradient.Shape[0];
        var dx = _inputGradient.Rows<T>(batch, InputShape);
        PoolingKernels.MaxBackward<T>(Geometry, batch, _positions.Rows<T>(batch, OutputShape).AsSpan(), outputGradient.AsSpan(), dx.AsSpan());
        return dx;
    }
}
