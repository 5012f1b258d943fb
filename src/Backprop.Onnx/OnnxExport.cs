using System.Reflection;
using Backprop.Layers;
using Backprop.Models;
using Google.Protobuf;
using Onnx;

namespace Backprop.Onnx;

/// <summary>ONNX export of a <see cref="Sequential"/> model: <c>model.ExportOnnx("model.onnx")</c> (import
/// <c>Backprop.Onnx</c>) writes the inference-time network — dropout as the identity, batch normalisation with its
/// moving statistics — as an ONNX model of opset 17 (IR version 8) in float32, with one input and one output whose
/// first axis is a symbolic batch dimension ("batch"). ONNX Runtime, and any other ONNX consumer, then runs it:
/// the counterpart of Keras's <c>tf2onnx.convert.from_keras</c> or PyTorch's <c>torch.onnx.export</c>.
/// <para>Exported layers: Dense, Activation, Flatten, Reshape, Dropout, BatchNormalization, Normalization, LeakyReLU,
/// PReLU, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D and ZeroPadding2D, with every named
/// activation; any other layer (a custom one) fails with <see cref="UnsupportedLayerException"/> naming it, before
/// anything is written. Images stay channels-last at the input and output, as in Backprop; inside the graph runs of
/// convolution and pooling layers compute channels-first, as ONNX's operators require.</para>
/// <para>A float64 model is exported in float32 (its weights rounded to float32), as ONNX deployments run; feed the
/// exported model float32 inputs.</para></summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graph uses (the default domain's).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version written, the one onnx 1.12 (opset 17) defines.</summary>
    public const long IrVersion = 8;

    /// <summary>The name of the symbolic batch dimension of the input and output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The layer types that export.</summary>
    public static IReadOnlyList<string> SupportedLayers => LayerExport.Supported;

    /// <summary>The activations (Keras names) that export, inside any layer that takes one.</summary>
    public static IReadOnlyList<string> SupportedActivations => ActivationExport.Supported;

    extension(Sequential model)
    {
        /// <summary>Writes the model to <paramref name="path"/> as ONNX (see <see cref="OnnxExport"/>), replacing
        /// the file if it exists; the file is written whole or not at all. The model must be built (an input shape
        /// on its first layer, an <see cref="Input"/>, or one call).</summary>
        /// <param name="path">The .onnx file to write.</param>
        /// <param name="inputName">The graph input's name (default "input").</param>
        /// <param name="outputName">The graph output's name (default "output").</param>
        /// <exception cref="UnsupportedLayerException">A layer or activation has no ONNX translation.</exception>
        /// <exception cref="InvalidOperationException">The model is not built or has no layers.</exception>
        public void ExportOnnx(string path, string inputName = "input", string outputName = "output")
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            byte[] bytes = ToModelProto(model, inputName, outputName).ToByteArray();
            string full = Path.GetFullPath(path);
            string temporary = $"{full}.{Environment.ProcessId}.tmp";
            try
            {
                File.WriteAllBytes(temporary, bytes);
                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        /// <summary>Writes the model as ONNX to <paramref name="stream"/> (left open); the same model as
        /// <c>ExportOnnx(path)</c>.</summary>
        /// <exception cref="UnsupportedLayerException">A layer or activation has no ONNX translation.</exception>
        /// <exception cref="InvalidOperationException">The model is not built or has no layers.</exception>
        public void ExportOnnx(Stream stream, string inputName = "input", string outputName = "output")
        {
            ArgumentNullException.ThrowIfNull(stream);
            ToModelProto(model, inputName, outputName).WriteTo(stream);
        }

        /// <summary>The model as ONNX bytes, for an in-memory session (<c>new InferenceSession(model.ToOnnx())</c>);
        /// the same model as <c>ExportOnnx(path)</c>.</summary>
        /// <exception cref="UnsupportedLayerException">A layer or activation has no ONNX translation.</exception>
        /// <exception cref="InvalidOperationException">The model is not built or has no layers.</exception>
        public byte[] ToOnnx(string inputName = "input", string outputName = "output") =>
            ToModelProto(model, inputName, outputName).ToByteArray();
    }

    /// <summary>The ONNX model of <paramref name="model"/>: checks it, then translates layer by layer.</summary>
    internal static ModelProto ToModelProto(Sequential model, string inputName, string outputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputName);
        if (inputName == outputName)
        {
            throw new ArgumentException($"The input and output need different names; both are '{inputName}'.", nameof(outputName));
        }

        if (model.Layers.Count == 0)
        {
            throw new InvalidOperationException($"Model '{model.Name}' has no layers to export.");
        }

        if (!model.IsBuilt || model.InputShape is not Shape inputShape)
        {
            throw new InvalidOperationException(
                $"Model '{model.Name}' is not built, so its input shape is unknown: give the first layer an inputShape (or start with an Input), or call Build/Predict once before ExportOnnx.");
        }

        // Fail on the first layer without a translation before anything else happens.
        var graph = new OnnxGraph();
        graph.UniqueName(inputName);
        graph.UniqueName(outputName);
        var layers = new LayerExport(graph, inputName);
        foreach (var layer in model.Layers)
        {
            layers.Emit(layer);
        }

        layers.Require(TensorLayout.ChannelsLast, null);
        NameOutput(graph, layers.Current, inputName, outputName);

        var proto = graph.Proto;
        proto.Name = model.Name;
        proto.Input.Add(OnnxGraph.FloatValue(inputName, BatchDimension, inputShape.ToArray()));
        proto.Output.Add(OnnxGraph.FloatValue(outputName, BatchDimension, model.Layers[^1].OutputShape.ToArray()));
        proto.DocString = $"Backprop Sequential '{model.Name}': {string.Join(" → ", model.Layers.Select(Describe))}.";

        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Backprop",
            ProducerVersion = VersionOf(typeof(Sequential).Assembly),
            Graph = proto,
            DocString = model.DType == DType.Float64
                ? "Exported by Backprop in float32 from a float64 model (weights rounded to float32)."
                : "Exported by Backprop.",
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return onnx;
    }

    /// <summary>Makes the last node's output the graph output; when the layers added no node (only dropout), an
    /// Identity does.</summary>
    private static void NameOutput(OnnxGraph graph, string current, string inputName, string outputName)
    {
        var last = graph.Proto.Node.LastOrDefault();
        if (current == inputName || last is null || last.Output[0] != current)
        {
            graph.Proto.Node.Add(new NodeProto { OpType = "Identity", Name = graph.UniqueName($"{outputName}/Identity"), Input = { current }, Output = { outputName } });
            return;
        }

        last.Output[0] = outputName;
    }

    private static string Describe(Layer layer) => $"{layer.Name} ({layer.GetType().Name})";

    private static string VersionOf(Assembly assembly)
    {
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return version is null ? assembly.GetName().Version?.ToString() ?? "0.0.0" : version.Split('+')[0];
    }
}
