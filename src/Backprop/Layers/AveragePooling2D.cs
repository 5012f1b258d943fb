using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Layers;

/// <summary>Average pooling: <c>y[b, i, j, c] = mean of x[b, ·, ·, c] over the window's real cells</c>; each cell
/// receives dy / (cells in the window) from every window covering it. Keras <c>layers.AveragePooling2D(pool_size=(2,
/// 2), strides=None, padding="valid")</c>; with "same", padded cells are not counted (TensorFlow's rule; PyTorch's
/// <c>nn.AvgPool2d</c> counts them unless <c>count_include_pad=False</c>).</summary>
public sealed class AveragePooling2D : Pooling2D
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();

    /// <param name="poolSize">(height, width) of the window, or one value for both; default (2, 2).</param>
    /// <param name="strides">(height, width) steps, or one value; default: the pool size.</param>
    /// <param name="padding">"valid" or "same" (padded cells not counted).</param>
    /// <param name="inputShape">Per-sample input shape (height, width, channels) for the first layer.</param>
    /// <param name="name">Unique layer name; default "average_pooling2d", ….</param>
    public AveragePooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", int[]? inputShape = null, string? name = null)
        : base(poolSize, strides, padding, inputShape, name)
    {
    }

    // y = (Σ over the window's real cells) / count
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int batch = input.Shape[0];
        var y = _output.Rows<T>(batch, OutputShape);
        PoolingKernels.AverageForward<T>(Geometry, batch, input.AsSpan(), y.AsSpan());
        return y;
    }

    // ∂x[cell] = Σ over the windows covering the cell of dy / count
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        int batch = outputGradient.Shape[0];
        var dx = _inputGradient.Rows<T>(batch, InputShape);
        PoolingKernels.AverageBackward<T>(Geometry, batch, outputGradient.AsSpan(), dx.AsSpan());
        return dx;
    }
}
