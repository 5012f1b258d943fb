using Backprop.Layers;
using Onnx;
using static Backprop.Onnx.OnnxGraph;

namespace Backprop.Onnx;

/// <summary>Conv2D and the pooling layers as ONNX's channels-first Conv, MaxPool and AveragePool. Padding is always
/// explicit: TensorFlow's (and so Keras's and Backprop's) "same" puts the odd row/column at the bottom/right, which
/// ONNX's auto_pad="SAME_UPPER" also does but not every consumer implements alike, so the pads are written out.</summary>
internal static class ImageLayerExport
{
    /// <summary>conv(x, W) + b on channels-first x; the kernel (kh, kw, C, F) is stored as ONNX's (F, C, kh, kw).
    /// The activation is left to the caller.</summary>
    public static void Conv(OnnxGraph g, Conv2D conv, string x, out string output)
    {
        var kernel = conv.Kernel;
        int kh = kernel.Shape[0], kw = kernel.Shape[1], channels = kernel.Shape[2], filters = kernel.Shape[3];
        float[] hwcf = kernel.Value.ToSingleArray();
        var fchw = new float[hwcf.Length];
        for (int u = 0; u < kh; u++)
        {
            for (int v = 0; v < kw; v++)
            {
                for (int c = 0; c < channels; c++)
                {
                    for (int f = 0; f < filters; f++)
                    {
                        fchw[((f * channels + c) * kh + u) * kw + v] = hwcf[((u * kw + v) * channels + c) * filters + f];
                    }
                }
            }
        }

        string p = conv.Name;
        List<string> inputs = [x, g.Float($"{p}/kernel", fchw, filters, channels, kh, kw)];
        if (conv.Bias is { } bias)
        {
            inputs.Add(g.Float($"{p}/bias", bias.Value.ToSingleArray(), filters));
        }

        output = g.Node("Conv", p, inputs,
            Attribute("kernel_shape", kh, kw),
            Attribute("strides", conv.Strides.Height, conv.Strides.Width),
            Attribute("dilations", conv.DilationRate.Height, conv.DilationRate.Width),
            Attribute("pads", Pads(conv.InputShape, conv.OutputShape, (kh, kw), conv.Strides, conv.DilationRate)));
    }

    /// <summary>Max or average pooling on channels-first x. Average pooling over "same" padding divides by the real
    /// cells only (count_include_pad = 0), as TensorFlow and the layer do; padded cells never win a max.</summary>
    public static string Pool(OnnxGraph g, Pooling2D layer, string x)
    {
        var attributes = new List<AttributeProto>
        {
            Attribute("kernel_shape", layer.PoolSize.Height, layer.PoolSize.Width),
            Attribute("strides", layer.Strides.Height, layer.Strides.Width),
            Attribute("pads", Pads(layer.InputShape, layer.OutputShape, layer.PoolSize, layer.Strides, (1, 1))),
        };
        if (layer is AveragePooling2D)
        {
            attributes.Add(Attribute("count_include_pad", 0L));
            return g.Node("AveragePool", layer.Name, [x], [.. attributes]);
        }

        return g.Node("MaxPool", layer.Name, [x], [.. attributes]);
    }

    /// <summary>ONNX pads (top, left, bottom, right) for a window layer with input and output (H, W, C): the total
    /// <c>(out − 1)·stride + (window − 1)·dilation + 1 − in</c> per axis (never negative: "valid" leaves the rows
    /// no window reaches unread), its smaller half at the top/left as in TensorFlow.</summary>
    private static long[] Pads(Shape input, Shape output, (int Height, int Width) window, (int Height, int Width) strides,
        (int Height, int Width) dilation)
    {
        long Total(int inSize, int outSize, int size, int stride, int rate) =>
            Math.Max((long)(outSize - 1) * stride + (long)(size - 1) * rate + 1 - inSize, 0);

        long height = Total(input[0], output[0], window.Height, strides.Height, dilation.Height);
        long width = Total(input[1], output[1], window.Width, strides.Width, dilation.Width);
        return [height / 2, width / 2, height - height / 2, width - width / 2];
    }
}
