using Backprop.Kernels;

namespace Backprop.Layers;

/// <summary>What <see cref="MaxPooling2D"/> and <see cref="AveragePooling2D"/> share: a pool window slid over
/// channels-last images (batch, height, width, channels), each channel pooled on its own. As in Keras, strides
/// default to the pool size, "valid" keeps the windows that fit (<c>⌊(in − pool)/stride⌋ + 1</c> per axis) and
/// "same" gives <c>⌈in/stride⌉</c> with TensorFlow's padding (the odd cell at the bottom/right).</summary>
public abstract class Pooling2D : Layer
{
    private protected Pooling2D(int[]? poolSize, int[]? strides, string padding, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        PoolSize = WindowArguments.Pair(poolSize, (2, 2), nameof(poolSize));
        Strides = WindowArguments.Pair(strides, PoolSize, nameof(strides));
        Padding = WindowArguments.Padding(padding);
    }

    /// <summary>(height, width) of the window; default (2, 2).</summary>
    public (int Height, int Width) PoolSize { get; }

    /// <summary>(height, width) steps; default: the pool size.</summary>
    public (int Height, int Width) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    private protected WindowGeometry Geometry { get; private set; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var g = GeometryFor(inputShape);
        return new Shape(g.OutputHeight, g.OutputWidth, g.Channels);
    }

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape) => Geometry = GeometryFor(inputShape);

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["pool_size"] = new[] { PoolSize.Height, PoolSize.Width },
        ["padding"] = Padding,
        ["strides"] = new[] { Strides.Height, Strides.Width },
        ["data_format"] = "channels_last",
    };

    private WindowGeometry GeometryFor(Shape inputShape)
    {
        WindowArguments.CheckImage(inputShape, this);
        return WindowGeometry.Create(inputShape[0], inputShape[1], inputShape[2], PoolSize.Height, PoolSize.Width,
            Strides.Height, Strides.Width, 1, 1, Padding == "same", $"{GetType().Name} '{Name}' on input {WithNone(inputShape)}");
    }
}
