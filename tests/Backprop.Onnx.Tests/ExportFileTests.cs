using Backprop.Layers;
using Backprop.Models;
using Microsoft.ML.OnnxRuntime;
using static Backprop.Onnx.Tests.OnnxAgreement;
using ActivationLayer = Backprop.Layers.Activation;

namespace Backprop.Onnx.Tests;

/// <summary>What the exported file declares (names, dynamic batch axis, opset, producer) and how ExportOnnx fails.</summary>
public sealed class ExportFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("backprop-onnx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Sequential Small() => Model([4, 4, 1], new Conv2D(2, [3, 3], activation: "relu"), new Flatten(), new Dense(3, "softmax"));

    [Fact]
    public void Input_and_output_are_named_with_a_symbolic_batch_axis()
    {
        using var session = new InferenceSession(Small().ToOnnx());
        var input = Assert.Single(session.InputMetadata);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("input", input.Key);
        Assert.Equal("output", output.Key);
        Assert.Equal(new[] { -1, 4, 4, 1 }, input.Value.Dimensions);
        Assert.Equal(new[] { -1, 3 }, output.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
        Assert.Equal("batch", output.Value.SymbolicDimensions[0]);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal(typeof(float), output.Value.ElementType);
    }

    [Fact]
    public void Names_can_be_chosen()
    {
        using var session = new InferenceSession(Small().ToOnnx(inputName: "pixels", outputName: "probabilities"));
        Assert.Equal("pixels", Assert.Single(session.InputMetadata).Key);
        Assert.Equal("probabilities", Assert.Single(session.OutputMetadata).Key);
        Assert.Throws<ArgumentException>(() => Small().ToOnnx(inputName: "x", outputName: "x"));
        Assert.Throws<ArgumentException>(() => Small().ToOnnx(inputName: " "));
    }

    [Fact]
    public void The_model_declares_opset_17_IR_8_and_its_producer()
    {
        var model = Small();
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(model.ToOnnx());
        var opset = Assert.Single(proto.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal("Backprop", proto.ProducerName);
        Assert.False(string.IsNullOrEmpty(proto.ProducerVersion));
        Assert.Equal(model.Name, proto.Graph.Name);
        // Every node is named after the layer it comes from (the last transpose after the output).
        Assert.All(proto.Graph.Node, n => Assert.Contains(n.Name.Split('/')[0], model.Layers.Select(l => l.Name).Append("output")));
        Assert.Equal(proto.Graph.Node.Count, proto.Graph.Node.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void A_run_of_image_layers_transposes_once_in_and_once_out()
    {
        var model = Model([28, 28, 1],
            new Conv2D(6, [5, 5], padding: "same", activation: "tanh"), new AveragePooling2D(), new BatchNormalization(), new Dropout(0.2),
            new Conv2D(16, [5, 5], activation: "relu"), new MaxPooling2D(), new Flatten(), new Dense(10, "softmax"));
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(model.ToOnnx());
        var transposes = proto.Graph.Node.Where(n => n.OpType == "Transpose").ToList();
        Assert.Equal(2, transposes.Count);
        Assert.Equal(new long[] { 0, 3, 1, 2 }, transposes[0].Attribute.Single().Ints);
        Assert.Equal(new long[] { 0, 2, 3, 1 }, transposes[1].Attribute.Single().Ints);
        Assert.Equal("Flatten", proto.Graph.Node[proto.Graph.Node.IndexOf(transposes[1]) + 1].OpType);
    }

    [Fact]
    public void Dropout_alone_exports_as_an_identity()
    {
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(Model([3], new Dropout(0.3)).ToOnnx());
        var node = Assert.Single(proto.Graph.Node);
        Assert.Equal("Identity", node.OpType);
        Assert.Equal("input", node.Input.Single());
        Assert.Equal("output", node.Output.Single());
    }

    [Fact]
    public void ExportOnnx_writes_a_file_ONNX_Runtime_loads_and_replaces_an_old_one()
    {
        string path = Path.Combine(_directory, "model.onnx");
        File.WriteAllText(path, "old");
        var model = Small();
        model.ExportOnnx(path);
        Assert.Equal(model.ToOnnx(), File.ReadAllBytes(path));
        Assert.Equal(["model.onnx"], Directory.GetFiles(_directory).Select(Path.GetFileName));

        using var session = new InferenceSession(path);
        var x = Enumerable.Range(0, 2 * 16).Select(i => (float)Math.Sin(i)).ToArray();
        var (actual, _) = Run(session, x, [2, 4, 4, 1]);
        Assert.True(Error(actual, Predict(model, x, [2, 4, 4, 1])) <= Tolerance);

        using var stream = new MemoryStream();
        model.ExportOnnx(stream);
        Assert.Equal(model.ToOnnx(), stream.ToArray());
    }

    [Fact]
    public void A_custom_layer_fails_naming_it_and_writes_nothing()
    {
        string path = Path.Combine(_directory, "custom.onnx");
        var model = Model([4], new Dense(3, name: "hidden"), new Doubling(name: "my_doubling"), new Dense(1));
        var error = Assert.Throws<UnsupportedLayerException>(() => model.ExportOnnx(path));
        Assert.Contains("'my_doubling'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Doubling), error.Message, StringComparison.Ordinal);
        Assert.Contains("Conv2D", error.Message, StringComparison.Ordinal);
        Assert.Equal("my_doubling", error.LayerName);
        Assert.EndsWith(nameof(Doubling), error.TypeName, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_custom_activation_fails_naming_the_layer_and_the_activation()
    {
        var model = Model([4], new Dense(3, activation: new Cube(), name: "cubed"));
        var error = Assert.Throws<UnsupportedLayerException>(() => model.ToOnnx());
        Assert.Contains("'cubed'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'cube'", error.Message, StringComparison.Ordinal);
        Assert.Contains("swish", error.Message, StringComparison.Ordinal);
        Assert.Equal("cubed", error.LayerName);
    }

    [Fact]
    public void An_unbuilt_or_empty_model_fails_with_the_reason()
    {
        var unbuilt = new Sequential(new Dense(3), new Dense(1));
        var error = Assert.Throws<InvalidOperationException>(() => unbuilt.ToOnnx());
        Assert.Contains("not built", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new Sequential().ToOnnx());
        Assert.Throws<ArgumentNullException>(() => Small().ExportOnnx((Stream)null!));
    }

    [Fact]
    public void The_supported_lists_cover_every_built_in_layer_and_activation()
    {
        // A new built-in layer or activation must be given a translation (or be listed as not exporting here).
        // Tests that register custom layers (ExportCommandTests) name them "ExportTest…"; the registry is process-wide,
        // so they are left out here whatever order the tests run in.
        var layers = Layer.Registry.Names.Where(n => !n.StartsWith("ExportTest", StringComparison.Ordinal)).Order();
        Assert.Equal(layers, OnnxExport.SupportedLayers.Order());
        Assert.Equal(Backprop.Activations.Activation.Registry.Names.Order(), OnnxExport.SupportedActivations.Order());
    }

    /// <summary>A custom layer: y = 2x.</summary>
    private sealed class Doubling(string name) : Layer(name)
    {
        private readonly BatchBuffer _output = new();

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
        {
            var y = _output.Rows<T>(input.Shape[0], OutputShape);
            var xs = input.AsSpan();
            var ys = y.AsSpan();
            for (int i = 0; i < xs.Length; i++)
            {
                ys[i] = xs[i] + xs[i];
            }

            return y;
        }

        protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient) =>
            throw new NotSupportedException();
    }

    /// <summary>A custom activation: y = x³.</summary>
    private sealed class Cube : Backprop.Activations.Activation
    {
        public override string Name => "cube";

        public override void Forward<T>(Tensor<T> x, Tensor<T> y)
        {
            var xs = x.AsSpan();
            var ys = y.AsSpan();
            for (int i = 0; i < xs.Length; i++)
            {
                ys[i] = xs[i] * xs[i] * xs[i];
            }
        }

        public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx) => throw new NotSupportedException();
    }
}
