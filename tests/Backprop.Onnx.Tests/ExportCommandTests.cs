using Backprop.Cli;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Serialization;
using Backprop.Training;
using Microsoft.ML.OnnxRuntime;
using static Backprop.Onnx.Tests.OnnxAgreement;

namespace Backprop.Onnx.Tests;

/// <summary><c>backprop export</c>: a model saved with <c>model.Save</c> becomes an ONNX file that ONNX Runtime runs
/// to Predict's outputs; a missing, malformed or unexportable model file is one line on stderr naming what is wrong,
/// with exit code 2 (nothing to read) or 1 (the export failed), and no ONNX file is left behind.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("backprop-export-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BackpropCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A trained, compiled image model (Conv2D, pooling, batch normalisation, dropout, Dense) saved whole.</summary>
    private string SavedModel(string fileName = "model.keras")
    {
        var model = Model([8, 8, 1],
            new Conv2D(4, [3, 3], activation: "relu", padding: "same"), new BatchNormalization(), new MaxPooling2D([2, 2]),
            new Flatten(), new Dropout(0.25), new Dense(10, activation: "softmax"));
        RandomizeParameters(model, seed: 11);
        model.Compile(new Adam(learningRate: 1e-3), "categorical_crossentropy", ["accuracy"]);
        string path = Path.Combine(_directory, fileName);
        model.Save(path);
        return path;
    }

    [Fact]
    public void A_saved_model_exports_and_ONNX_Runtime_agrees_with_Predict()
    {
        string modelPath = SavedModel();
        string onnxPath = Path.Combine(_directory, "exported.onnx");
        var (code, output, error) = Run("export", modelPath, onnxPath);
        Assert.True(code == 0, error);
        Assert.Empty(error);
        Assert.StartsWith($"{onnxPath}: ONNX opset 17, 6 layers, input 'input' (batch, 8, 8, 1), output 'output'", output, StringComparison.Ordinal);

        var model = Sequential.Load(modelPath);
        using var session = new InferenceSession(onnxPath);
        var random = new System.Random(5);
        foreach (int batch in BatchSizes)
        {
            var x = Enumerable.Range(0, batch * 64).Select(_ => (float)Normal(random)).ToArray();
            long[] dims = [batch, 8, 8, 1];
            var (actual, _) = OnnxAgreement.Run(session, x, dims);
            double difference = Error(actual, Predict(model, x, dims));
            Assert.True(difference <= Tolerance, $"batch {batch}: {difference:E2}");
        }
    }

    [Fact]
    public void The_default_output_is_the_model_file_with_onnx_and_names_can_be_chosen()
    {
        string modelPath = SavedModel("digits.keras");
        var (code, _, error) = Run("export", modelPath, "--input-name", "pixels", "--output-name", "probabilities");
        Assert.True(code == 0, error);
        string expected = Path.Combine(_directory, "digits.onnx");
        using var session = new InferenceSession(expected);
        Assert.Equal("pixels", Assert.Single(session.InputMetadata).Key);
        Assert.Equal("probabilities", Assert.Single(session.OutputMetadata).Key);
    }

    [Fact]
    public void A_missing_model_file_is_a_usage_error_naming_it()
    {
        string missing = Path.Combine(_directory, "nope.keras");
        var (code, output, error) = Run("export", missing);
        Assert.Equal(BackpropCommand.UsageError, code);
        Assert.Empty(output);
        Assert.Equal($"backprop: model file '{missing}' does not exist.", error.TrimEnd());
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void No_model_named_says_what_to_give()
    {
        var (code, _, error) = Run("export");
        Assert.Equal(BackpropCommand.UsageError, code);
        Assert.Equal($"backprop: {ExportCommand.MissingModel}", error.TrimEnd());
    }

    [Fact]
    public void An_unknown_option_is_one_line_with_a_suggestion()
    {
        string modelPath = SavedModel();
        var (code, _, error) = Run("export", modelPath, "--input-nme", "x");
        Assert.Equal(BackpropCommand.UsageError, code);
        Assert.StartsWith("backprop: unknown option '--input-nme' for 'backprop export'; did you mean '--input-name'?", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("random bytes")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void A_malformed_model_file_fails_naming_the_file_and_writes_nothing(string damage)
    {
        string modelPath = SavedModel();
        byte[] bytes = File.ReadAllBytes(modelPath);
        byte[] damaged = damage switch
        {
            "random bytes" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11)).ToArray(),
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [],
        };
        File.WriteAllBytes(modelPath, damaged);
        string onnxPath = Path.Combine(_directory, "out.onnx");
        var (code, output, error) = Run("export", modelPath, onnxPath);
        Assert.Equal(BackpropCommand.LabFailed, code);
        Assert.Empty(output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"backprop: cannot read the model: {modelPath}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(onnxPath));

        // --verbose adds the stack trace of the ModelFormatException.
        var (_, _, verbose) = Run("export", modelPath, onnxPath, "--verbose");
        Assert.Contains(typeof(ModelFormatException).FullName!, verbose, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_without_an_ONNX_translation_fails_naming_it_and_writes_nothing()
    {
        if (!Layer.Registry.IsRegistered("ExportTestHalving"))
        {
            Layer.Registry.Register("ExportTestHalving", c => new Halving(c.String("name")));
        }

        var model = Model([3], new Dense(4), new Halving("halve_it"), new Dense(1));
        string modelPath = Path.Combine(_directory, "custom.keras");
        model.Save(modelPath);
        string onnxPath = Path.Combine(_directory, "custom.onnx");
        var (code, _, error) = Run("export", modelPath, onnxPath);
        Assert.Equal(BackpropCommand.LabFailed, code);
        Assert.StartsWith($"backprop: cannot export '{modelPath}' to ONNX: ", error, StringComparison.Ordinal);
        Assert.Contains("'halve_it'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(onnxPath));
    }

    [Fact]
    public void The_output_may_not_replace_the_model_or_go_into_a_missing_folder()
    {
        string modelPath = SavedModel("model.onnx");
        var (code, _, error) = Run("export", modelPath);
        Assert.Equal(BackpropCommand.UsageError, code);
        Assert.Contains("would replace the model file", error, StringComparison.Ordinal);

        string elsewhere = Path.Combine(_directory, "no-such-folder", "m.onnx");
        (code, _, error) = Run("export", modelPath, elsewhere);
        Assert.Equal(BackpropCommand.UsageError, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);

        (code, _, error) = Run("export", _directory);
        Assert.Equal(BackpropCommand.UsageError, code);
        Assert.Contains("is a folder", error, StringComparison.Ordinal);
    }

    /// <summary>A custom layer (y = x / 2) registered so a model holding it loads, but with no ONNX translation.</summary>
    private sealed class Halving(string name) : Layer(name)
    {
        private readonly BatchBuffer _output = new();

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
        {
            var y = _output.Rows<T>(input.Shape[0], OutputShape);
            var xs = input.AsSpan();
            var ys = y.AsSpan();
            T half = T.CreateChecked(0.5);
            for (int i = 0; i < xs.Length; i++)
            {
                ys[i] = xs[i] * half;
            }

            return y;
        }

        protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient) =>
            throw new NotSupportedException();
    }
}
