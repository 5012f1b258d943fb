using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Layers;

/// <summary>The mean of each channel over all pixels: (batch, height, width, channels) → (batch, channels),
/// <c>y[b, c] = (1/(H·W)) Σ_{i,j} x[b, i, j, c]</c>, and <c>∂x[b, i, j, c] = dy[b, c]/(H·W)</c>. Keras
/// <c>layers.GlobalAveragePooling2D()</c> (channels last, keepdims False); PyTorch
/// <c>nn.AdaptiveAvgPool2d(1)</c> followed by a flatten.</summary>
public sealed class GlobalAveragePooling2D : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();

    /// <param name="inputShape">Per-sample input shape (height, width, channels) for the first layer.</param>
    /// <param name="name">Unique layer name; default "global_average_pooling2d", ….</param>
    public GlobalAveragePooling2D(int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        WindowArguments.CheckImage(inputShape, this);
        return new Shape(inputShape[2]);
    }

    // y = mean over the pixels, per channel
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int batch = input.Shape[0];
        var y = _output.Rows<T>(batch, OutputShape);
        PoolingKernels.GlobalAverageForward<T>(batch, InputShape[0] * InputShape[1], InputShape[2], input.AsSpan(), y.AsSpan());
        return y;
    }

    // ∂x = dy / (H·W) on every pixel
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        int batch = outputGradient.Shape[0];
        var dx = _inputGradient.Rows<T>(batch, InputShape);
        PoolingKernels.GlobalAverageBackward<T>(batch, InputShape[0] * InputShape[1], InputShape[2], outputGradient.AsSpan(), dx.AsSpan());
        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["data_format"] = "channels_last",
        ["keepdims"] = false,
    };
}
