using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Regularizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Inspection;

/// <summary>Whole models against central differences with respect to every trainable parameter.</summary>
public sealed class GradientCheckModelTests
{
    public static TheoryData<int> Batches => new() { 1, 7, 33 };

    [Theory]
    [MemberData(nameof(Batches))]
    public void Multi_layer_model_with_every_layer_kind_passes(int batch)
    {
        var model = new Sequential(DType.Float64,
            new Normalization(mean: [0.1, -0.2, 0.3], variance: [1.5, 0.5, 2], inputShape: [2, 3]),
            new Flatten(),
            new Dense(7, activation: "tanh", kernelInitializer: "zeros", kernelRegularizer: new L2(0.01), biasRegularizer: new L2(0.02)),
            new BatchNormalization(),
            new LeakyReLU(),
            new Dropout(0.3, seed: 4) { FreezeMask = true },
            new Dense(6, activation: "swish", kernelInitializer: "zeros", activityRegularizer: new L2(0.01)),
            new PReLU(),
            new Reshape([2, 3]),
            new Flatten(),
            new Dense(3, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, batch, -0.8, 0.8);
        model.Compile("sgd", "mse");
        var x = TestData.Tensor(batch + 1, batch, 2, 3);
        var y = TestData.Tensor(batch + 2, batch, 3);
        var report = GradientCheck.CheckModel(model, x, y);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(model.TrainableParameters.Count, report.Entries.Count);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Fused_softmax_cross_entropy_and_sigmoid_binary_cross_entropy_pass(int batch)
    {
        var softmax = new Sequential(DType.Float64,
            new Dense(5, activation: "relu", kernelInitializer: "zeros", inputShape: [4]),
            new Dense(3, activation: "softmax", kernelInitializer: "zeros"));
        LayerTestKit.Randomize(softmax, batch);
        softmax.Compile("sgd", "categorical_crossentropy", ["accuracy"]);
        var labels = new Tensor<double>(batch, 3);
        for (int i = 0; i < batch; i++)
        {
            labels[i, i % 3] = 1;
        }

        var report = GradientCheck.CheckModel(softmax, TestData.Tensor(batch, batch, 4), labels);
        Assert.True(report.Passed, report.ToString());
        Assert.IsType<Backprop.Metrics.CategoricalAccuracy>(softmax.Metrics[0]);
        Assert.Equal("accuracy", softmax.Metrics[0].Name);

        var sigmoid = new Sequential(DType.Float64,
            new Dense(4, activation: "tanh", kernelInitializer: "zeros", inputShape: [3]),
            new Dense(2, kernelInitializer: "zeros"),
            new Backprop.Layers.Activation("sigmoid"));
        LayerTestKit.Randomize(sigmoid, batch + 9);
        sigmoid.Compile("sgd", new BinaryCrossentropy());
        var targets = Tensor.From(Enumerable.Range(0, batch * 2).Select(i => (double)(i % 2)).ToArray(), batch, 2);
        var sigmoidReport = GradientCheck.CheckModel(sigmoid, TestData.Tensor(batch + 3, batch, 3), targets);
        Assert.True(sigmoidReport.Passed, sigmoidReport.ToString());
    }
}
