using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Serialization;

/// <summary>Model configs with the convolution and pooling layers (Keras's keys: kernel_size, strides, padding,
/// dilation_rate, pool_size, …).</summary>
public sealed class ConvolutionConfigTests
{
    [Fact]
    public void Configs_round_trip_and_the_rebuilt_model_computes_the_same_function()
    {
        var model = new Sequential(DType.Float64,
            new ZeroPadding2D([1, 2], inputShape: [9, 8, 2]),
            new Conv2D(4, [3, 3], strides: [2, 1], padding: "same", activation: "relu", kernelRegularizer: new Backprop.Regularizers.L2(0.01)),
            new Conv2D(3, [2, 2], dilationRate: [2, 2], useBias: false, activation: "elu"),
            new MaxPooling2D([2, 2], strides: [1, 1], padding: "same"),
            new AveragePooling2D([2, 3], padding: "valid"),
            new GlobalAveragePooling2D(),
            new Dense(2, activation: "softmax"));
        string json = model.GetConfig();
        Assert.Contains("\"kernel_size\"", json);
        Assert.Contains("\"dilation_rate\"", json);
        Assert.Contains("\"pool_size\"", json);
        var copy = Sequential.FromConfig(json);
        Assert.Equal(json, copy.GetConfig());
        Assert.Equal(model.CountParams(), copy.CountParams());
        copy.SetWeights(model.GetWeights());
        var x = TestData.Tensor(3, 4, 9, 8, 2);
        Assert.Equal(model.Predict(x).ToArray(), copy.Predict(x).ToArray());
    }
}
