using System.Text.Json;
using Backprop.Activations;
using ActivationLayer = Backprop.Layers.Activation;
using ActivationFunction = Backprop.Activations.Activation;
using Backprop.Config;
using Backprop.Examples;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Regularizers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Serialization;

public sealed class ConfigRegistryTests
{
    [Fact]
    public void A_user_registered_layer_round_trips_through_config_and_summary()
    {
        if (!Layer.Registry.IsRegistered("SimpleDense"))
        {
            Layer.Registry.Register("SimpleDense", c => new SimpleDense(c.Int("units"), c.NullableIntArray("input_shape"), c.String("name")));
        }

        var model = new Sequential(DType.Float64, new SimpleDense(5, inputShape: [3], name: "mine"), new Dense(2, name: "head"));
        string json = model.GetConfig();
        var copy = Sequential.FromConfig(json);
        Assert.Equal(json, copy.GetConfig());
        Assert.Equal(model.Summary().Replace(model.Name, "m"), copy.Summary().Replace(copy.Name, "m"));
        Assert.Contains("│ mine (SimpleDense)", copy.Summary());
        copy.SetWeights(model.GetWeights());
        var x = TestData.Tensor(3, 7, 3);
        Assert.Equal(model.Predict(x).ToArray(), copy.Predict(x).ToArray());
    }

    [Fact]
    public void An_unregistered_class_fails_with_the_registered_names()
    {
        const string json = """{"class_name": "Sequential", "config": {"name": "m", "dtype": "float32", "layers": [{"class_name": "NotRegisteredAnywhere", "config": {"name": "x"}}]}}""";
        var e = Assert.Throws<FormatException>(() => Sequential.FromConfig(json));
        Assert.Contains("unknown layer class 'NotRegisteredAnywhere'", e.Message);
        foreach (string known in new[] { "Dense", "BatchNormalization", "Dropout", "PReLU" })
        {
            Assert.Contains(known, e.Message);
        }

        var nested = """{"class_name": "Sequential", "config": {"name": "m", "dtype": "float32", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 2, "kernel_initializer": {"class_name": "System.Activator", "config": {}}}}]}}""";
        var inner = Assert.Throws<FormatException>(() => Sequential.FromConfig(nested));
        Assert.Contains("unknown initializer 'System.Activator'", inner.Message);
        Assert.Contains("glorot_uniform", inner.Message);
    }

    [Fact]
    public void Unknown_keys_and_taken_names_are_refused()
    {
        const string json = """{"class_name": "Sequential", "config": {"name": "m", "dtype": "float32", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 2, "unitz": 3}}]}}""";
        Assert.Contains("'unitz'", Assert.Throws<FormatException>(() => Sequential.FromConfig(json)).Message);
        var registry = new ConfigRegistry<Layer>("layer class", ignoreCase: false);
        registry.Register("Thing", c => new Flatten(name: c.String("name")));
        Assert.Throws<ArgumentException>(() => registry.Register("Thing", c => new Dense(1)));
        registry.Register("Thing", c => new Flatten(name: c.String("name") + "_again"));
    }

    [Fact]
    public void Arguments_of_nested_objects_survive_the_round_trip()
    {
        var model = new Sequential(DType.Float64,
            new Dense(6, activation: new Relu(negativeSlope: 0.1, maxValue: 4), kernelInitializer: new Orthogonal(gain: 2, seed: 5),
                biasInitializer: new VarianceScaling(0.5, "fan_out", "uniform", seed: 9), kernelRegularizer: new L1L2(0.001, 0.002),
                kernelConstraint: new MinMaxNorm(0.5, 2, 0.7), inputShape: [4], name: "a"),
            new Dense(3, activation: new LeakyRelu(0.05), name: "b"),
            new Dense(3, activation: new Elu(0.7), name: "c"),
            new ActivationLayer(new Gelu(approximate: true), name: "d"),
            new Dropout(0.3, seed: ulong.MaxValue - 7, name: "e"));
        string json = model.GetConfig();
        var copy = Sequential.FromConfig(json);
        Assert.Equal(json, copy.GetConfig());
        var a = (Dense)copy.Layers[0];
        Assert.Equal((0.1, 4.0), (((Relu)a.Activation).NegativeSlope, ((Relu)a.Activation).MaxValue!.Value));
        Assert.Equal((2.0, 5), (((Orthogonal)a.KernelInitializer).Gain, ((Orthogonal)a.KernelInitializer).Seed!.Value));
        Assert.Equal(("fan_out", "uniform", 0.5), (((VarianceScaling)a.BiasInitializer).Mode, ((VarianceScaling)a.BiasInitializer).Distribution, ((VarianceScaling)a.BiasInitializer).Scale));
        Assert.Equal((0.001, 0.002), (((L1L2)a.KernelRegularizer!).L1Factor, ((L1L2)a.KernelRegularizer!).L2Factor));
        Assert.Equal(0.05, ((LeakyRelu)((Dense)copy.Layers[1]).Activation).NegativeSlope);
        Assert.Equal(0.7, ((Elu)((Dense)copy.Layers[2]).Activation).Alpha);
        Assert.True(((Gelu)((ActivationLayer)copy.Layers[3]).Function).Approximate);
        Assert.Equal(ulong.MaxValue - 7, ((Dropout)copy.Layers[4]).Seed);
        copy.SetWeights(model.GetWeights());
        var x = TestData.Tensor(4, 9, 4);
        Assert.Equal(model.Predict(x).ToArray(), copy.Predict(x).ToArray());
    }

    [Fact]
    public void Registries_create_by_name_with_defaults_and_describe_what_they_create()
    {
        Assert.IsType<GlorotUniform>(Initializer.Registry.FromDescription("glorot_uniform"));
        var described = new HeNormal(seed: 4, negativeSlope: 0.3).Describe();
        var back = (HeNormal)Initializer.Registry.FromDescription(JsonDocument.Parse(JsonSerializer.Serialize(described)).RootElement)!;
        Assert.Equal((4, 0.3), (back.Seed!.Value, back.NegativeSlope));
        Assert.Equal(0.01, ((L2)Regularizer.Registry.FromDescription("l2")!).Factor);
        Assert.IsType<NonNeg>(Constraint.Registry.FromDescription("non_neg"));
        Assert.Equal("swish", new Swish().Describe());
        Assert.Null(ActivationFunction.Registry.FromDescription(null));
        Assert.Throws<ArgumentException>(() => ActivationFunction.Registry.FromDescription(42));
    }
}
