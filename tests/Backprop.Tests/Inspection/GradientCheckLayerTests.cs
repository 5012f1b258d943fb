using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Regularizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using ActivationLayer = Backprop.Layers.Activation;

namespace Backprop.Tests.Inspection;

/// <summary>Every layer's hand-written backward pass against float64 central differences (ε 1e-6, atol 1e-5,
/// rtol 1e-3) on random shapes at batch sizes 1, 7 and 33.</summary>
public sealed class GradientCheckLayerTests
{
    public static TheoryData<int> Batches => new() { 1, 7, 33 };

    [Theory]
    [MemberData(nameof(Batches))]
    public void Dense_linear_and_relu_pass(int batch)
    {
        foreach (string activation in new[] { "linear", "relu" })
        {
            var dims = LayerTestKit.Dims(batch * 7 + activation.Length, 2, 9);
            var layer = new Dense(dims[1], activation: activation, kernelInitializer: "zeros");
            layer.Build(new Shape(dims[0]), DType.Float64);
            LayerTestKit.Randomize(layer, batch);
            var report = GradientCheck.CheckLayer(layer, TestData.Tensor(batch, batch, dims[0]));
            Assert.True(report.Passed, $"{activation}\n{report}");
            Assert.Equal(3, report.Entries.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Dense_without_bias_with_rank3_input_and_activity_regularizer_passes(int batch)
    {
        var layer = new Dense(4, activation: "relu", useBias: false, kernelInitializer: "zeros",
            kernelRegularizer: new L2(0.03), activityRegularizer: new L2(0.05));
        layer.Build(new Shape(3, 5), DType.Float64);
        LayerTestKit.Randomize(layer, batch + 3);
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(batch + 1, batch, 3, 5));
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Activation_layer_passes(int batch)
    {
        var report = GradientCheck.CheckLayer(new ActivationLayer("relu"), TestData.Tensor(batch, batch, 6));
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Flatten_and_reshape_pass(int batch)
    {
        Assert.True(GradientCheck.CheckLayer(new Flatten(), TestData.Tensor(batch, batch, 3, 4)).Passed);
        var reshape = new Reshape([-1, 2]);
        var report = GradientCheck.CheckLayer(reshape, TestData.Tensor(batch + 5, batch, 12));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(new Shape(6, 2), reshape.OutputShape);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Dropout_with_fixed_mask_passes(int batch)
    {
        var layer = new Dropout(0.4, seed: 7) { FreezeMask = true };
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(batch, batch, 10));
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void BatchNormalization_training_mode_passes_for_input_gamma_and_beta(int batch)
    {
        // At batch 1, x − μ = 0 so the output is β whatever x is: the check then pins zero input/γ gradients.
        var layer = new BatchNormalization();
        layer.Build(new Shape(5), DType.Float64);
        LayerTestKit.Randomize(layer, batch, 0.5, 1.5);
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(batch + 11, batch, 5), training: true);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(["input", $"{layer.Name}/gamma", $"{layer.Name}/beta"], report.Entries.Select(e => e.Name));
    }

    [Fact]
    public void BatchNormalization_inference_mode_passes()
    {
        var layer = new BatchNormalization(center: false);
        layer.Build(new Shape(4), DType.Float64);
        LayerTestKit.Randomize(layer, 5, 0.5, 1.5);
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(9, 7, 4), training: false);
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void LeakyReLU_and_PReLU_pass(int batch)
    {
        Assert.True(GradientCheck.CheckLayer(new LeakyReLU(), TestData.Tensor(batch, batch, 8)).Passed);

        var prelu = new PReLU();
        prelu.Build(new Shape(6), DType.Float64);
        LayerTestKit.Randomize(prelu, batch, 0.1, 0.6);
        var report = GradientCheck.CheckLayer(prelu, TestData.Tensor(batch + 2, batch, 6));
        Assert.True(report.Passed, report.ToString());
        Assert.Contains(report.Entries, e => e.Name.EndsWith("/alpha", StringComparison.Ordinal));

        var shared = new PReLU(sharedAxes: [1]);
        shared.Build(new Shape(3, 4), DType.Float64);
        Assert.Equal(new Shape(1, 4), shared.Alpha.Shape);
        LayerTestKit.Randomize(shared, batch + 1, 0.1, 0.6);
        var sharedReport = GradientCheck.CheckLayer(shared, TestData.Tensor(batch + 4, batch, 3, 4));
        Assert.True(sharedReport.Passed, sharedReport.ToString());
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Normalization_passes(int batch)
    {
        var layer = new Normalization();
        layer.Adapt(TestData.Tensor(3, 50, 4));
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(batch, batch, 4));
        Assert.True(report.Passed, report.ToString());
    }
}
