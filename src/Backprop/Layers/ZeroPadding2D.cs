using System.Runtime.CompilerServices;
using System.Globalization;

namespace Backprop.Layers;

/// <summary>Adds rows and columns of zeros around channels-last images: (batch, H, W, C) →
/// (batch, top + H + bottom, left + W + right, C); the backward pass crops the gradient back to the image.
/// Keras <c>layers.ZeroPadding2D(padding)</c>; PyTorch <c>nn.ZeroPad2d</c> (which lists left, right, top, bottom).</summary>
public sealed class ZeroPadding2D : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();

    /// <param name="padding">[n]: n on every side; [h, w]: h above and below, w left and right;
    /// [top, bottom, left, right] (Keras's <c>((top, bottom), (left, right))</c>). Non-negative.</param>
    /// <param name="inputShape">Per-sample input shape (height, width, channels) for the first layer.</param>
    /// <param name="name">Unique layer name; default "zero_padding2d", ….</param>
    public ZeroPadding2D(int[] padding, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding.Length is not (1 or 2 or 4) || padding.Any(p => p < 0))
        {
            throw new ArgumentException(
                $"ZeroPadding2D: padding must be [n], [height, width] or [top, bottom, left, right] with non-negative values; received [{string.Join(", ", padding.Select(p => p.ToString(CultureInfo.InvariantCulture)))}].",
                nameof(padding));
        }

        (Top, Bottom, Left, Right) = padding.Length switch
        {
            1 => (padding[0], padding[0], padding[0], padding[0]),
            2 => (padding[0], padding[0], padding[1], padding[1]),
            _ => (padding[0], padding[1], padding[2], padding[3]),
        };
    }

    /// <summary>Rows of zeros added above the image.</summary>
    public int Top { get; }

    /// <summary>Rows of zeros added below the image.</summary>
    public int Bottom { get; }

    /// <summary>Columns of zeros added left of the image.</summary>
    public int Left { get; }

    /// <summary>Columns of zeros added right of the image.</summary>
    public int Right { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        WindowArguments.CheckImage(inputShape, this);
        return new Shape(Top + inputShape[0] + Bottom, Left + inputShape[1] + Right, inputShape[2]);
    }

    // y = x with zero rows/columns around it
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int batch = input.Shape[0];
        var y = _output.Rows<T>(batch, OutputShape);
        var ys = y.AsSpan();
        ys.Clear();
        var xs = input.AsSpan();
        int h = InputShape[0], rowLength = InputShape[1] * InputShape[2];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < h; i++)
            {
                xs.Slice(InputRow(b, i), rowLength).CopyTo(ys.Slice(OutputRow(b, i), rowLength));
            }
        }

        return y;
    }

    // ∂x = dy cropped to the image
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (!needInputGradient)
        {
            return null;
        }

        int batch = outputGradient.Shape[0];
        var dx = _inputGradient.Rows<T>(batch, InputShape);
        var dxs = dx.AsSpan();
        var dys = outputGradient.AsSpan();
        int h = InputShape[0], rowLength = InputShape[1] * InputShape[2];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < h; i++)
            {
                dys.Slice(OutputRow(b, i), rowLength).CopyTo(dxs.Slice(InputRow(b, i), rowLength));
            }
        }

        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["padding"] = new[] { new[] { Top, Bottom }, new[] { Left, Right } },
        ["data_format"] = "channels_last",
    };

    private int InputRow(int b, int i) => (b * InputShape[0] + i) * InputShape[1] * InputShape[2];

    /// <summary>Where input row i of image b starts in the output.</summary>
    private int OutputRow(int b, int i) => ((b * OutputShape[0] + Top + i) * OutputShape[1] + Left) * OutputShape[2];
}
