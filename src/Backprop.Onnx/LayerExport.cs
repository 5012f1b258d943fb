using Backprop.Layers;
using static Backprop.Onnx.OnnxGraph;

namespace Backprop.Onnx;

/// <summary>Translates a model's layers, in order, into ONNX nodes: each layer's inference-time forward pass
/// (dropout is the identity, batch normalisation uses its moving statistics) as standard operators, the tensor
/// flowing between them tracked with its <see cref="TensorLayout"/>.</summary>
internal sealed class LayerExport(OnnxGraph graph, string input)
{
    /// <summary>The layer types <see cref="Emit"/> translates.</summary>
    public static IReadOnlyList<string> Supported { get; } =
    [
        nameof(Dense), nameof(Layers.Activation), nameof(Flatten), nameof(Reshape), nameof(Dropout), nameof(BatchNormalization),
        nameof(Normalization), nameof(LeakyReLU), nameof(PReLU), nameof(Conv2D), nameof(MaxPooling2D), nameof(AveragePooling2D),
        nameof(GlobalAveragePooling2D), nameof(ZeroPadding2D),
    ];

    private readonly OnnxGraph _g = graph;

    /// <summary>The tensor the next layer reads.</summary>
    public string Current { get; private set; } = input;

    public TensorLayout Layout { get; private set; } = TensorLayout.ChannelsLast;

    /// <summary>Appends <paramref name="layer"/>'s forward pass; throws <see cref="UnsupportedLayerException"/> for a
    /// layer type without a translation.</summary>
    public void Emit(Layer layer)
    {
        switch (layer)
        {
            case Dense dense:
                EmitDense(dense);
                break;
            case Layers.Activation activation:
                Current = ActivationExport.Emit(_g, layer, activation.Function, Current, Layout);
                break;
            case Flatten:
                Require(TensorLayout.ChannelsLast, layer);
                Current = _g.Node("Flatten", layer.Name, [Current], Attribute("axis", 1L));
                break;
            case Reshape:
                {
                    // 0 copies the batch dimension, so the batch axis stays dynamic.
                    Require(TensorLayout.ChannelsLast, layer);
                    long[] shape = [0, .. layer.OutputShape.ToArray().Select(d => (long)d)];
                    Current = _g.Node("Reshape", layer.Name, [Current, _g.Int64s($"{layer.Name}/shape", shape)]);
                    break;
                }

            case Dropout:
                // Inference: the identity.
                break;
            case BatchNormalization batchNormalization:
                EmitBatchNormalization(batchNormalization);
                break;
            case Normalization normalization:
                EmitNormalization(normalization);
                break;
            case LeakyReLU leaky:
                Current = _g.Node("LeakyRelu", layer.Name, [Current], Attribute("alpha", (float)leaky.NegativeSlope));
                break;
            case PReLU prelu:
                {
                    // α has the per-sample shape with shared axes set to 1, which broadcasts against (batch, …).
                    var alpha = prelu.Alpha;
                    var (values, dims) = PerFeature(alpha.Value.ToSingleArray(), alpha.Shape);
                    Current = _g.Node("PRelu", layer.Name, [Current, _g.Float($"{layer.Name}/alpha", values, dims)]);
                    break;
                }

            case Conv2D conv:
                ImageLayerExport.Conv(_g, conv, ToChannelsFirst(layer), out string convOutput);
                Current = ActivationExport.Emit(_g, layer, conv.Activation, convOutput, Layout);
                break;
            case MaxPooling2D or AveragePooling2D:
                Current = ImageLayerExport.Pool(_g, (Pooling2D)layer, ToChannelsFirst(layer));
                break;
            case GlobalAveragePooling2D:
                {
                    // The mean over height and width, wherever they are; the result (batch, channels) has no layout.
                    long[] axes = Layout == TensorLayout.ChannelsFirst ? [2, 3] : [1, 2];
                    Current = _g.Node("ReduceMean", layer.Name, [Current], Attribute("axes", axes), Attribute("keepdims", 0L));
                    Layout = TensorLayout.ChannelsLast;
                    break;
                }

            case ZeroPadding2D padding:
                {
                    // Pad's pads are (begin of every axis, end of every axis).
                    long[] pads = Layout == TensorLayout.ChannelsFirst
                        ? [0, 0, padding.Top, padding.Left, 0, 0, padding.Bottom, padding.Right]
                        : [0, padding.Top, padding.Left, 0, 0, padding.Bottom, padding.Right, 0];
                    Current = _g.Node("Pad", layer.Name, [Current, _g.Int64s($"{layer.Name}/pads", pads)], Attribute("mode", "constant"));
                    break;
                }

            default:
                throw new UnsupportedLayerException(
                    $"Layer '{layer.Name}' ({layer.GetType().FullName}) has no ONNX translation. Layers that export: {string.Join(", ", Supported)}.")
                {
                    LayerName = layer.Name,
                    TypeName = layer.GetType().FullName,
                };
        }
    }

    /// <summary>Brings the tensor to <paramref name="layout"/>, transposing images when it is not there yet.</summary>
    public void Require(TensorLayout layout, Layer? layer)
    {
        if (Layout == layout)
        {
            return;
        }

        string prefix = layer?.Name ?? "output";
        long[] permutation = layout == TensorLayout.ChannelsFirst ? [0, 3, 1, 2] : [0, 2, 3, 1];
        string suffix = layout == TensorLayout.ChannelsFirst ? "to_channels_first" : "to_channels_last";
        Current = _g.Node("Transpose", $"{prefix}/{suffix}", [Current], Attribute("perm", permutation));
        Layout = layout;
    }

    private string ToChannelsFirst(Layer layer)
    {
        Require(TensorLayout.ChannelsFirst, layer);
        return Current;
    }

    // y = f(x·W + b): Gemm for (batch, features), MatMul + Add when Dense acts on the last axis of a longer shape.
    private void EmitDense(Dense dense)
    {
        Require(TensorLayout.ChannelsLast, dense);
        var kernel = dense.Kernel;
        string w = _g.Float($"{dense.Name}/kernel", kernel.Value.ToSingleArray(), kernel.Shape[0], kernel.Shape[1]);
        string? b = dense.Bias is { } bias ? _g.Float($"{dense.Name}/bias", bias.Value.ToSingleArray(), bias.Shape[0]) : null;
        string z;
        if (dense.InputShape.Rank == 1)
        {
            z = _g.Node("Gemm", dense.Name, b is null ? [Current, w] : [Current, w, b]);
        }
        else
        {
            z = _g.Node("MatMul", dense.Name, [Current, w]);
            if (b is not null)
            {
                z = _g.Node("Add", dense.Name, [z, b]);
            }
        }

        Current = ActivationExport.Emit(_g, dense, dense.Activation, z, Layout);
    }

    // Inference: y = (x − moving_mean)·γ/√(moving_variance + ε) + β, the scale γ/√(σ² + ε) computed in double as the
    // layer does. Subtracting the mean first (rather than folding it into the shift, as ONNX's BatchNormalization
    // kernels do) keeps the result accurate when the mean is large against the spread.
    private void EmitBatchNormalization(BatchNormalization layer)
    {
        double[] mean = layer.MovingMean.Value.ToDoubleArray();
        double[] variance = layer.MovingVariance.Value.ToDoubleArray();
        double[]? gamma = layer.Gamma?.Value.ToDoubleArray();
        var scale = new float[mean.Length];
        for (int j = 0; j < scale.Length; j++)
        {
            scale[j] = (float)((gamma?[j] ?? 1) / Math.Sqrt(variance[j] + layer.Epsilon));
        }

        string p = layer.Name;
        var features = layer.MovingMean.Shape;
        var (meanValues, dims) = PerFeature(layer.MovingMean.Value.ToSingleArray(), features);
        string centered = _g.Node("Sub", p, [Current, _g.Float($"{p}/moving_mean", meanValues, dims)]);
        Current = _g.Node("Mul", p, [centered, _g.Float($"{p}/scale", scale, dims)]);
        if (layer.Beta is { } beta)
        {
            Current = _g.Node("Add", p, [Current, _g.Float($"{p}/beta", beta.Value.ToSingleArray(), dims)]);
        }
    }

    // y = (x − mean)/max(√variance, 1e-7), or mean + x·max(√variance, 1e-7) inverted: the standard deviation in float32
    // exactly as the layer computes it.
    private void EmitNormalization(Normalization layer)
    {
        float[] mean = layer.Mean.Value.ToSingleArray();
        float[] variance = layer.Variance.Value.ToSingleArray();
        var std = new float[variance.Length];
        for (int j = 0; j < std.Length; j++)
        {
            std[j] = MathF.Max(MathF.Sqrt(variance[j]), (float)Normalization.StdFloor);
        }

        string p = layer.Name;
        var (meanValues, dims) = PerFeature(mean, layer.Mean.Shape);
        string meanName = _g.Float($"{p}/mean", meanValues, dims);
        string stdName = _g.Float($"{p}/std", PerFeature(std, layer.Variance.Shape).Values, dims);
        Current = layer.Invert
            ? _g.Node("Add", p, [_g.Node("Mul", p, [Current, stdName]), meanName])
            : _g.Node("Div", p, [_g.Node("Sub", p, [Current, meanName]), stdName]);
    }

    /// <summary>A constant over the trailing per-sample axes (shape <paramref name="shape"/>, channels last), laid out
    /// to broadcast against the current tensor: as it is for channels-last, and for channels-first images a 1-D
    /// per-channel vector becomes (C, 1, 1) and an (H, W, C) block is transposed to (C, H, W).</summary>
    private (float[] Values, long[] Dims) PerFeature(float[] values, Shape shape)
    {
        long[] dims = shape.ToArray().Select(d => (long)d).ToArray();
        if (Layout == TensorLayout.ChannelsLast)
        {
            return (values, dims);
        }

        switch (dims.Length)
        {
            case 1:
                return (values, [dims[0], 1, 1]);
            case 3:
                {
                    int h = (int)dims[0], w = (int)dims[1], c = (int)dims[2];
                    var transposed = new float[values.Length];
                    for (int i = 0; i < h; i++)
                    {
                        for (int j = 0; j < w; j++)
                        {
                            for (int k = 0; k < c; k++)
                            {
                                transposed[(k * h + i) * w + j] = values[(i * w + j) * c + k];
                            }
                        }
                    }

                    return (transposed, [c, h, w]);
                }

            default:
                // (W, C) or other partial shapes: cannot broadcast against channels-first images.
                throw new InvalidOperationException($"A per-feature constant of shape {shape} cannot broadcast against channels-first images.");
        }
    }
}
