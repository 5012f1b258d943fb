using Backprop.Activations;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using static Backprop.Onnx.Tests.OnnxAgreement;
using ActivationLayer = Backprop.Layers.Activation;

namespace Backprop.Onnx.Tests;

/// <summary>Every layer type alone (and in the channels-first part of a graph where its translation depends on the
/// layout), exported and run by ONNX Runtime against Predict on batches of 1, 7 and 64.</summary>
public sealed class LayerExportTests
{
    public static TheoryData<string> ActivationNames => [.. Backprop.Activations.Activation.Registry.Names];

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void Every_registered_activation_exports_as_a_layer(string name)
    {
        // Spread 4 reaches the saturated tails and the kinks (relu6's 6, hard_sigmoid's ±3).
        Check(Model([5, 11], new ActivationLayer(name)), $"activation-{name}", spread: 4);
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void Every_registered_activation_exports_inside_Dense(string name)
    {
        var model = Model([13], new Dense(9, activation: name));
        RandomizeParameters(model);
        Check(model, $"dense-{name}");
    }

    public static TheoryData<string, Func<Backprop.Activations.Activation>> ActivationVariants => new()
    {
        { "relu-slope-max-threshold", () => new Relu(negativeSlope: 0.1, maxValue: 3, threshold: 0.5) },
        { "relu-max", () => new Relu(maxValue: 1) },
        { "relu-negative-threshold", () => new Relu(threshold: -0.5) },
        { "relu-slope", () => new Relu(negativeSlope: 0.25) },
        { "leaky_relu-0.05", () => new LeakyRelu(0.05) },
        { "elu-0.7", () => new Elu(0.7) },
        { "gelu-tanh", () => new Gelu(approximate: true) },
    };

    [Theory]
    [MemberData(nameof(ActivationVariants))]
    public void Activations_with_arguments_export_them(string name, Func<Backprop.Activations.Activation> create)
    {
        Check(Model([17], new ActivationLayer(create())), $"activation-{name}", spread: 4);
    }

    [Fact]
    public void Softmax_normalises_the_last_axis_of_longer_samples()
    {
        Check(Model([3, 4, 5], new ActivationLayer("softmax")), "softmax-rank4");
        Check(Model([4, 6], new ActivationLayer("log_softmax")), "log_softmax-rank3");
    }

    [Fact]
    public void Dense_exports_with_and_without_bias_and_on_longer_samples()
    {
        var wide = Model([13], new Dense(32));
        var narrow = Model([13], new Dense(1));
        var noBias = Model([7], new Dense(5, useBias: false));
        var sequence = Model([4, 6], new Dense(3, activation: "tanh"));
        var images = Model([3, 5, 2], new Dense(4));
        foreach (var model in new[] { wide, narrow, noBias, sequence, images })
        {
            RandomizeParameters(model);
        }

        Check(wide, "dense-32");
        Check(narrow, "dense-1");
        Check(noBias, "dense-no-bias");
        Check(sequence, "dense-rank3");
        Check(images, "dense-rank4");
    }

    [Fact]
    public void Flatten_Reshape_and_Dropout_export()
    {
        Check(Model([4, 5, 3], new Flatten()), "flatten");
        Check(Model([12], new Reshape([3, -1])), "reshape-inferred");
        Check(Model([4, 6], new Reshape([2, 3, 4])), "reshape-rank4");
        Check(Model([10], new Dropout(0.5, seed: 3)), "dropout");
        var dense = Model([10], new Dropout(0.5, seed: 3), new Dense(3));
        RandomizeParameters(dense);
        Check(dense, "dropout-dense");
    }

    [Fact]
    public void BatchNormalization_uses_the_moving_statistics_and_epsilon()
    {
        var plain = Model([10], new BatchNormalization());
        var bare = Model([10], new BatchNormalization(center: false, scale: false, epsilon: 0.1));
        var images = Model([5, 6, 3], new BatchNormalization());
        var afterConv = Model([6, 6, 2], new Conv2D(4, [3, 3]), new BatchNormalization(), new ActivationLayer("relu"), new MaxPooling2D());
        var pytorch = Model([4], new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true));
        foreach (var model in new[] { plain, bare, images, afterConv, pytorch })
        {
            RandomizeParameters(model);
        }

        Check(plain, "batchnorm");
        Check(bare, "batchnorm-no-center-no-scale");
        Check(images, "batchnorm-images");
        Check(afterConv, "batchnorm-channels-first");
        Check(pytorch, "batchnorm-pytorch");

        // A mean far from zero against a small spread: the subtraction comes first, as in the layer.
        var offset = Model([3], new BatchNormalization());
        var layer = (BatchNormalization)offset.Layers[0];
        layer.MovingMean.ValueAs<float>().AsSpan().Fill(1000);
        layer.MovingVariance.ValueAs<float>().AsSpan().Fill(0.01f);
        Check(offset, "batchnorm-large-mean", spread: 0.1, offset: 1000);
    }

    [Fact]
    public void Normalization_exports_adapted_given_and_inverted_statistics()
    {
        var random = new System.Random(3);
        var data = new float[200 * 6];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(10 * (i % 6) + (1 + i % 6) * Normal(random));
        }

        var adapted = new Normalization(inputShape: [6]);
        adapted.Adapt(Tensor.From(data, 200, 6));
        Check(new Sequential(adapted), "normalization-adapted", spread: 5, offset: 20);
        Check(Model([3], new Normalization(mean: [1, -2, 0.5], variance: [4, 0.25, 0])), "normalization-zero-variance");
        Check(Model([3], new Normalization(mean: [1, -2, 0.5], variance: [4, 0.25, 2], invert: true)), "normalization-inverted");
        Check(Model([4, 4, 2], new Normalization(mean: [3], variance: [2])), "normalization-images");
        var afterConv = Model([6, 6, 1], new Conv2D(2, [3, 3]), new Normalization(mean: [0.5, -1], variance: [2, 3]));
        RandomizeParameters(afterConv);
        Check(afterConv, "normalization-channels-first");
    }

    [Fact]
    public void LeakyReLU_and_PReLU_export()
    {
        Check(Model([9], new LeakyReLU()), "leakyrelu");
        var leakyAfterConv = Model([5, 5, 2], new Conv2D(3, [2, 2]), new LeakyReLU(0.1));
        RandomizeParameters(leakyAfterConv);
        Check(leakyAfterConv, "leakyrelu-channels-first");
        var perElement = Model([4, 3], new PReLU());
        var shared = Model([5, 4, 3], new PReLU(sharedAxes: [1, 2]));
        var one = Model([8], new PReLU(alphaInitializer: new Constant(0.25), sharedAxes: [1]));
        var afterConv = Model([6, 5, 2], new Conv2D(3, [3, 2]), new PReLU(sharedAxes: [1]), new AveragePooling2D(padding: "same"));
        var perPixel = Model([6, 5, 2], new Conv2D(3, [3, 2]), new PReLU(), new MaxPooling2D());
        foreach (var model in new[] { perElement, shared, afterConv, perPixel })
        {
            RandomizeParameters(model);
        }

        Check(perElement, "prelu");
        Check(shared, "prelu-shared-height-width");
        Check(one, "prelu-one-alpha");
        Check(afterConv, "prelu-channels-first-shared-height");
        Check(perPixel, "prelu-channels-first");
    }

    public static TheoryData<string, Func<Layer>, int[]> ConvCases => new()
    {
        { "3x3-valid", () => new Conv2D(4, [3, 3]), [8, 8, 3] },
        { "3x3-same", () => new Conv2D(4, [3, 3], padding: "same"), [7, 9, 3] },
        { "4x4-same-stride2", () => new Conv2D(5, [4, 4], strides: [2, 2], padding: "same"), [9, 8, 2] },
        { "5x3-same-stride2x1", () => new Conv2D(3, [5, 3], strides: [2, 1], padding: "same"), [7, 6, 1] },
        { "2x2-valid-stride3", () => new Conv2D(3, [2, 2], strides: [3, 3]), [8, 7, 2] },
        { "3x3-same-dilation2", () => new Conv2D(4, [3, 3], padding: "same", dilationRate: [2, 2]), [9, 9, 2] },
        { "3x2-valid-dilation2x3", () => new Conv2D(2, [3, 2], dilationRate: [2, 3]), [9, 10, 3] },
        { "1x1-no-bias", () => new Conv2D(6, [1, 1], useBias: false), [5, 5, 4] },
        { "3x3-relu", () => new Conv2D(4, [3, 3], activation: "relu"), [6, 6, 2] },
        { "3x3-swish-same", () => new Conv2D(4, [3, 3], padding: "same", activation: "swish"), [6, 5, 2] },
        { "3x3-softmax", () => new Conv2D(4, [3, 3], activation: "softmax"), [5, 5, 2] },
        { "maxpool-2x2", () => new MaxPooling2D(), [7, 7, 3] },
        { "maxpool-3x3-stride2-same", () => new MaxPooling2D([3, 3], [2, 2], "same"), [8, 7, 2] },
        { "maxpool-2x2-stride1-same", () => new MaxPooling2D([2, 2], [1, 1], "same"), [5, 6, 2] },
        { "maxpool-3x2-stride1x2", () => new MaxPooling2D([3, 2], [1, 2]), [6, 7, 2] },
        { "maxpool-2x2-stride3-same", () => new MaxPooling2D([2, 2], [3, 3], "same"), [7, 8, 1] },
        { "avgpool-2x2", () => new AveragePooling2D(), [7, 7, 3] },
        { "avgpool-3x3-stride2-same", () => new AveragePooling2D([3, 3], [2, 2], "same"), [8, 7, 2] },
        { "avgpool-2x2-stride1-same", () => new AveragePooling2D([2, 2], [1, 1], "same"), [5, 6, 2] },
        { "avgpool-3x2-stride1x2", () => new AveragePooling2D([3, 2], [1, 2]), [6, 7, 2] },
        { "avgpool-5x5-same", () => new AveragePooling2D([5, 5], [1, 1], "same"), [4, 6, 2] },
        { "global-average", () => new GlobalAveragePooling2D(), [5, 7, 3] },
        { "zero-padding-1", () => new ZeroPadding2D([1]), [4, 5, 2] },
        { "zero-padding-2x3", () => new ZeroPadding2D([2, 3]), [4, 5, 2] },
        { "zero-padding-0123", () => new ZeroPadding2D([0, 1, 2, 3]), [4, 5, 2] },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Convolution_pooling_and_padding_layers_export(string name, Func<Layer> create, int[] inputShape)
    {
        var model = Model(inputShape, create());
        RandomizeParameters(model);
        Check(model, name);
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Image_layers_export_inside_a_channels_first_run(string name, Func<Layer> create, int[] inputShape)
    {
        // Behind a 1×1 convolution the layer meets channels-first tensors (the padding, average and softmax
        // translations depend on the layout).
        var model = Model(inputShape, new Conv2D(inputShape[2], [1, 1]), create());
        RandomizeParameters(model);
        Check(model, $"after-conv-{name}");
    }
}
