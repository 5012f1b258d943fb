using System.Text.Json;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Regularizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Serialization;

public sealed class ModelConfigTests
{
    [Fact]
    public void Config_round_trips_and_the_rebuilt_model_computes_the_same_function()
    {
        var model = new Sequential(DType.Float64,
            new Dense(8, activation: "swish", kernelRegularizer: new L2(0.05), biasConstraint: new MaxNorm(3), inputShape: [5], name: "hidden"),
            new BatchNormalization(momentum: 0.9),
            new LeakyReLU(0.2),
            new Dropout(0.25, seed: 9),
            new PReLU(sharedAxes: [1]),
            new Dense(2, activation: "softmax", kernelInitializer: new Backprop.Initializers.HeUniform(seed: 3)));
        string json = model.GetConfig();
        using (var doc = JsonDocument.Parse(json))
        {
            var root = doc.RootElement;
            Assert.Equal("Sequential", root.GetProperty("class_name").GetString());
            var first = root.GetProperty("config").GetProperty("layers")[0];
            Assert.Equal("Dense", first.GetProperty("class_name").GetString());
            Assert.Equal(8, first.GetProperty("config").GetProperty("units").GetInt32());
            Assert.Equal("swish", first.GetProperty("config").GetProperty("activation").GetString());
            Assert.Equal(0.05, first.GetProperty("config").GetProperty("kernel_regularizer").GetProperty("config").GetProperty("l2").GetDouble());
        }

        var copy = Sequential.FromConfig(json);
        Assert.Equal(json, copy.GetConfig());
        Assert.Equal(DType.Float64, copy.DType);
        Assert.Equal(model.CountParams(), copy.CountParams());
        copy.SetWeights(model.GetWeights());
        var x = TestData.Tensor(1, 6, 5);
        Assert.Equal(model.Predict(x).ToArray(), copy.Predict(x).ToArray());
    }

    [Fact]
    public void Unknown_layer_classes_and_broken_configs_fail_cleanly()
    {
        const string hostile = """{"class_name": "Sequential", "config": {"name": "m", "dtype": "float32", "layers": [{"class_name": "System.IO.File", "config": {"name": "x"}}]}}""";
        var ex = Assert.Throws<FormatException>(() => Sequential.FromConfig(hostile));
        Assert.Contains("unknown layer class", ex.Message);
        Assert.Contains("Dense", ex.Message);
        Assert.Throws<FormatException>(() => Sequential.FromConfig("{not json"));
        Assert.Throws<FormatException>(() => Sequential.FromConfig("""{"class_name": "Sequential", "config": {"name": "m", "dtype": "int8", "layers": []}}"""));
        var missing = Assert.Throws<FormatException>(() => Sequential.FromConfig("""{"class_name": "Sequential", "config": {"name": "m", "dtype": "float32", "layers": [{"class_name": "Dense", "config": {"name": "d"}}]}}"""));
        Assert.Contains("units", missing.Message);
    }

    [Fact]
    public void Summary_looks_like_keras_and_counts_non_trainable_parameters()
    {
        var model = new Sequential(
            new Dense(32, activation: "relu", inputShape: [13], name: "dense"),
            new BatchNormalization(name: "batch_normalization"),
            new Dense(1, name: "dense_1"));
        string summary = model.Summary();
        Assert.Contains("│ dense (Dense)                   │ (None, 32)             │           448 │", summary);
        // Keras wraps a cell too long for its column: the class name goes to a second line.
        Assert.Contains("│ batch_normalization             │ (None, 32)             │           128 │\n│ (BatchNormalization)            │                        │               │\n", summary);
        Assert.Contains(" Total params: 609 (2.38 KB)", summary);
        Assert.Contains(" Trainable params: 545 (2.13 KB)", summary);
        Assert.Contains(" Non-trainable params: 64 (256.00 B)", summary);
    }
}
