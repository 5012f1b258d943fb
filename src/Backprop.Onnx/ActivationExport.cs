using Backprop.Activations;
using Backprop.Layers;
using static Backprop.Onnx.OnnxGraph;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Onnx;

/// <summary>Every named activation of <see cref="ActivationFunction.Registry"/> as standard ONNX operators (opset 17),
/// each computing the formula of the library's Forward: an ONNX operator where one has the same definition, else the
/// formula spelled out with elementary operators.</summary>
internal static class ActivationExport
{
    /// <summary>The activations <see cref="Emit"/> translates, by Keras name.</summary>
    public static IReadOnlyList<string> Supported { get; } =
    [
        "linear", "relu", "relu6", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "gelu", "swish", "silu", "softplus",
        "softsign", "hard_sigmoid", "hard_silu", "hard_swish", "exponential", "mish", "softmax", "log_softmax",
    ];

    /// <summary>Appends f(x) to the graph and returns its output (x itself for linear). Softmax and log-softmax act on
    /// the feature axis: the last one, or axis 1 of channels-first images.</summary>
    public static string Emit(OnnxGraph g, Layer layer, ActivationFunction f, string x, TensorLayout layout)
    {
        string p = layer.Name;
        switch (f)
        {
            case Linear:
                return x;
            case Relu { NegativeSlope: 0, MaxValue: null, Threshold: 0 }:
                return g.Node("Relu", p, [x]);
            case Relu relu:
                return GeneralRelu(g, p, relu, x);
            case Relu6:
                return g.Node("Clip", p, [x, g.Scalar($"{p}/zero", 0f), g.Scalar($"{p}/six", 6f)]);
            case Sigmoid:
                return g.Node("Sigmoid", p, [x]);
            case Tanh:
                return g.Node("Tanh", p, [x]);
            case LeakyRelu leaky:
                // x ≥ 0 ? x : α·x (ONNX: x < 0 ? α·x : x, the same function).
                return g.Node("LeakyRelu", p, [x], Attribute("alpha", (float)leaky.NegativeSlope));
            case Elu elu:
                return g.Node("Elu", p, [x], Attribute("alpha", (float)elu.Alpha));
            case Selu:
                return g.Node("Selu", p, [x], Attribute("alpha", (float)Selu.Alpha), Attribute("gamma", (float)Selu.Scale));
            case Gelu { Approximate: false }:
                {
                    // ½·x·(1 + erf(x/√2)); ONNX's Gelu operator needs opset 20.
                    string scaled = g.Node("Mul", p, [x, g.Scalar($"{p}/inverse_sqrt2", (float)(1 / Math.Sqrt(2)))]);
                    string erf = g.Node("Erf", p, [scaled]);
                    string onePlus = g.Node("Add", p, [erf, g.Scalar($"{p}/one", 1f)]);
                    string half = g.Node("Mul", p, [x, g.Scalar($"{p}/half", 0.5f)]);
                    return g.Node("Mul", p, [half, onePlus]);
                }

            case Gelu:
                {
                    // ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
                    string square = g.Node("Mul", p, [x, x]);
                    string cube = g.Node("Mul", p, [square, x]);
                    string cubic = g.Node("Mul", p, [cube, g.Scalar($"{p}/cubic", 0.044715f)]);
                    string inner = g.Node("Add", p, [x, cubic]);
                    string scaled = g.Node("Mul", p, [inner, g.Scalar($"{p}/sqrt_2_over_pi", (float)Math.Sqrt(2 / Math.PI))]);
                    string tanh = g.Node("Tanh", p, [scaled]);
                    string onePlus = g.Node("Add", p, [tanh, g.Scalar($"{p}/one", 1f)]);
                    string half = g.Node("Mul", p, [x, g.Scalar($"{p}/half", 0.5f)]);
                    return g.Node("Mul", p, [half, onePlus]);
                }

            case Swish:
                return g.Node("Mul", p, [x, g.Node("Sigmoid", p, [x])]);
            case Softplus:
                return g.Node("Softplus", p, [x]);
            case Softsign:
                return g.Node("Softsign", p, [x]);
            case HardSigmoid:
                // Keras 3: relu6(x + 3)/6 = clip(x/6 + ½, 0, 1) (Keras 2's 0.2·x + 0.5 is ONNX's default, not ours).
                return g.Node("HardSigmoid", p, [x], Attribute("alpha", 1f / 6), Attribute("beta", 0.5f));
            case HardSwish:
                // x·relu6(x + 3)/6: ONNX's HardSwish is x·max(0, min(1, x/6 + ½)).
                return g.Node("HardSwish", p, [x]);
            case Exponential:
                return g.Node("Exp", p, [x]);
            case Mish:
                // x·tanh(softplus(x)); ONNX's Mish operator needs opset 18.
                return g.Node("Mul", p, [x, g.Node("Tanh", p, [g.Node("Softplus", p, [x])])]);
            case Softmax:
                return g.Node("Softmax", p, [x], Attribute("axis", FeatureAxis(layout)));
            case LogSoftmax:
                return g.Node("LogSoftmax", p, [x], Attribute("axis", FeatureAxis(layout)));
            default:
                throw new UnsupportedLayerException(
                    $"Layer '{layer.Name}' ({layer.GetType().Name}) uses the activation '{f.Name}' ({f.GetType().FullName}), which has no ONNX translation. " +
                    $"Activations that export: {string.Join(", ", Supported)}.")
                {
                    LayerName = layer.Name,
                    TypeName = f.GetType().FullName,
                };
        }
    }

    /// <summary>Keras's relu(x, negative_slope, max_value, threshold), term by term as the library computes it:
    /// positive = x·[x &gt; t] (max(x, 0) when t = 0), clipped to [0, max_value], minus negative_slope·max(t − x, 0).</summary>
    private static string GeneralRelu(OnnxGraph g, string p, Relu relu, string x)
    {
        string zero = g.Scalar($"{p}/zero", 0f);
        string positive;
        string? threshold = null;
        if (relu.Threshold != 0)
        {
            threshold = g.Scalar($"{p}/threshold", (float)relu.Threshold);
            positive = g.Node("Where", p, [g.Node("Greater", p, [x, threshold]), x, zero]);
        }
        else
        {
            positive = g.Node("Relu", p, [x]);
        }

        if (relu.MaxValue is double max)
        {
            positive = g.Node("Clip", p, [positive, zero, g.Scalar($"{p}/max_value", (float)max)]);
        }

        if (relu.NegativeSlope == 0)
        {
            return positive;
        }

        threshold ??= zero;
        string below = g.Node("Relu", p, [g.Node("Sub", p, [threshold, x])]);
        string scaled = g.Node("Mul", p, [g.Scalar($"{p}/negative_slope", (float)relu.NegativeSlope), below]);
        return g.Node("Sub", p, [positive, scaled]);
    }

    /// <summary>The axis softmax normalises over: channels (the last axis), which is axis 1 of channels-first images.</summary>
    private static long FeatureAxis(TensorLayout layout) => layout == TensorLayout.ChannelsFirst ? 1 : -1;
}
