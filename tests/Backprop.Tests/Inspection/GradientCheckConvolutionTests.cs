using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Regularizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Inspection;

/// <summary>The convolution and pooling layers' hand-written backward passes against float64 central differences
/// (ε 1e-6, atol 1e-5, rtol 1e-3) on awkward shapes: odd sizes, 1 and 7 channels, strides 2 and 3, both paddings,
/// dilation, fused and unfused activations, batches 1 and 3.</summary>
public sealed class GradientCheckConvolutionTests
{
    public static TheoryData<int, int, int, int, int[], int[], string, int[], string> Conv2DCases => new()
    {
        // batch, height, width, channels, kernel, strides, padding, dilation, activation
        { 1, 7, 9, 1, [3, 3], [1, 1], "valid", [1, 1], "linear" },
        { 3, 8, 7, 7, [3, 2], [2, 2], "same", [1, 1], "sigmoid" },
        { 2, 9, 10, 3, [4, 4], [3, 3], "same", [1, 1], "tanh" },
        { 1, 11, 8, 7, [5, 3], [3, 2], "valid", [1, 1], "relu" },
        { 2, 9, 9, 1, [3, 3], [1, 1], "same", [2, 2], "elu" },
        { 3, 10, 9, 2, [2, 3], [1, 1], "valid", [3, 2], "linear" },
        { 2, 5, 6, 7, [1, 1], [1, 1], "valid", [1, 1], "softplus" },
    };

    [Theory]
    [MemberData(nameof(Conv2DCases))]
    public void Conv2D_passes(int batch, int height, int width, int channels, int[] kernel, int[] strides, string padding, int[] dilation, string activation)
    {
        var layer = new Conv2D(4, kernel, strides, padding, activation, dilationRate: dilation, kernelRegularizer: new L2(0.02));
        layer.Build(new Shape(height, width, channels), DType.Float64);
        LayerTestKit.Randomize(layer, batch + height, -0.6, 0.6);
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(height * 10 + width, batch, height, width, channels));
        Assert.True(report.Passed, $"{activation}\n{report}");
        Assert.Equal(["input", $"{layer.Name}/kernel", $"{layer.Name}/bias"], report.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Conv2D_without_bias_and_with_an_activity_regularizer_passes()
    {
        var layer = new Conv2D(3, [3, 3], strides: [2, 2], padding: "same", useBias: false, activityRegularizer: new L1(0.01));
        layer.Build(new Shape(7, 6, 2), DType.Float64);
        LayerTestKit.Randomize(layer, 9);
        var report = GradientCheck.CheckLayer(layer, TestData.Tensor(4, 2, 7, 6, 2));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(2, report.Entries.Count);
    }

    [Theory]
    [InlineData(1, 7, 9, 1, 2, 2, "valid")]
    [InlineData(3, 7, 9, 7, 3, 2, "same")]
    [InlineData(2, 8, 8, 3, 2, 3, "same")]
    [InlineData(2, 11, 10, 2, 3, 3, "valid")]
    public void Pooling_layers_pass(int batch, int height, int width, int channels, int pool, int stride, string padding)
    {
        var x = TestData.Tensor(pool * 100 + height, batch, height, width, channels);
        var max = GradientCheck.CheckLayer(new MaxPooling2D([pool, pool], [stride, stride], padding), x);
        Assert.True(max.Passed, max.ToString());
        var average = GradientCheck.CheckLayer(new AveragePooling2D([pool, pool], [stride, stride], padding), x);
        Assert.True(average.Passed, average.ToString());
    }

    [Theory]
    [InlineData(1, 5, 7, 1)]
    [InlineData(3, 4, 3, 7)]
    public void Global_average_pooling_and_zero_padding_pass(int batch, int height, int width, int channels)
    {
        var x = TestData.Tensor(height + channels, batch, height, width, channels);
        Assert.True(GradientCheck.CheckLayer(new GlobalAveragePooling2D(), x).Passed);
        var report = GradientCheck.CheckLayer(new ZeroPadding2D([1, 2, 0, 3]), x);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void A_small_cnn_passes_as_a_model()
    {
        var model = new Sequential(DType.Float64,
            new ZeroPadding2D([1], inputShape: [7, 6, 2]),
            new Conv2D(3, [3, 3], strides: [2, 2], padding: "same", activation: "tanh"),
            new MaxPooling2D([2, 2], strides: [1, 1], padding: "same"),
            new Conv2D(4, [2, 2], activation: "relu"),
            new AveragePooling2D([2, 2]),
            new Flatten(),
            new Dense(3, activation: "softmax"));
        model.Compile("sgd", "categorical_crossentropy");
        LayerTestKit.Randomize(model, 5, -0.7, 0.7);
        var x = TestData.Tensor(8, 3, 7, 6, 2);
        var y = Tensor.From(new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, 3, 3);
        var report = GradientCheck.CheckModel(model, x, y);
        Assert.True(report.Passed, report.ToString());

        var global = new Sequential(DType.Float64,
            new Conv2D(5, [3, 3], padding: "same", activation: "sigmoid", inputShape: [5, 6, 1]),
            new GlobalAveragePooling2D(),
            new Dense(2, activation: "softmax"));
        global.Compile("sgd", "categorical_crossentropy");
        LayerTestKit.Randomize(global, 6);
        var globalReport = GradientCheck.CheckModel(global, TestData.Tensor(9, 4, 5, 6, 1), Tensor.From(new double[] { 1, 0, 0, 1, 1, 0, 0, 1 }, 4, 2));
        Assert.True(globalReport.Passed, globalReport.ToString());
    }
}
