using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.Kernels;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Layers;

/// <summary>Conv2D, the pooling layers and ZeroPadding2D as Keras layers: output shapes, weights in Keras's
/// layout, configs, errors, the accumulate contract of the backward pass, LeNet-5's parameter count and summary.</summary>
public sealed class ConvolutionLayerTests
{
    [Theory]
    [InlineData(28, 28, 1, 5, 1, "valid", 1, 24, 24)]
    [InlineData(28, 28, 1, 3, 1, "same", 1, 28, 28)]
    [InlineData(7, 7, 3, 3, 2, "same", 1, 4, 4)]
    [InlineData(7, 8, 3, 3, 2, "valid", 1, 3, 3)]
    [InlineData(10, 10, 2, 3, 3, "same", 1, 4, 4)]
    [InlineData(9, 9, 1, 3, 1, "valid", 2, 5, 5)]
    [InlineData(9, 9, 1, 3, 1, "same", 3, 9, 9)]
    public void Conv2D_output_shapes_follow_keras(int height, int width, int channels, int kernel, int stride, string padding, int dilation, int outHeight, int outWidth)
    {
        var layer = new Conv2D(5, [kernel], [stride], padding, dilationRate: [dilation]);
        Assert.Equal(new Shape(outHeight, outWidth, 5), layer.ComputeOutputShape(new Shape(height, width, channels)));
    }

    [Theory]
    [InlineData(24, 24, 2, null, "valid", 12, 12)]
    [InlineData(25, 25, 2, null, "valid", 12, 12)]
    [InlineData(25, 25, 2, null, "same", 13, 13)]
    [InlineData(7, 9, 3, 2, "valid", 3, 4)]
    [InlineData(7, 9, 3, 2, "same", 4, 5)]
    [InlineData(5, 5, 3, 1, "same", 5, 5)]
    public void Pooling_output_shapes_follow_keras_with_strides_defaulting_to_the_pool_size(int height, int width, int pool, int? stride, string padding, int outHeight, int outWidth)
    {
        int[]? strides = stride is int s ? [s] : null;
        Assert.Equal(new Shape(outHeight, outWidth, 4), new MaxPooling2D([pool], strides, padding).ComputeOutputShape(new Shape(height, width, 4)));
        var average = new AveragePooling2D([pool], strides, padding);
        Assert.Equal(new Shape(outHeight, outWidth, 4), average.ComputeOutputShape(new Shape(height, width, 4)));
        Assert.Equal((pool, pool), average.PoolSize);
        Assert.Equal(stride is null ? (pool, pool) : (stride.Value, stride.Value), average.Strides);
        Assert.Equal((2, 2), new MaxPooling2D().PoolSize);
    }

    [Fact]
    public void Weights_are_in_keras_layout_and_compute_the_textbook_convolution()
    {
        var k = new WindowCase(2, 7, 6, 3, 3, 2, 2, 2, 1, 1, Same: true, Filters: 4);
        var layer = new Conv2D(4, [3, 2], strides: [2, 2], padding: "same");
        layer.Build(new Shape(7, 6, 3), DType.Float64);
        Assert.Equal(new Shape(3, 2, 3, 4), layer.Kernel.Shape);
        Assert.Equal(new Shape(4), layer.Bias!.Shape);
        var kernel = TestData.Doubles(k.KernelLength, 1, -1, 1);
        var bias = TestData.Doubles(4, 2, -1, 1);
        layer.SetWeights(Tensor.From(kernel, 3, 2, 3, 4), Tensor.From(bias, 4));
        var weights = layer.GetWeights();
        Assert.Equal(kernel, ((Tensor<double>)weights[0]).ToArray());
        Assert.Equal(bias, ((Tensor<double>)weights[1]).ToArray());

        var x = TestData.Doubles(k.InputLength, 3, -1, 1);
        var y = layer.Forward(Tensor.From(x, 2, 7, 6, 3));
        Assert.Equal(new Shape(2, 4, 3, 4), y.Shape);
        Conv2DKernelsTests.AssertClose(ConvolutionReference.Forward(k, x, kernel, bias), y.ToArray(), 1e-13, "layer forward");

        var wrong = Assert.Throws<ShapeMismatchException>(() => layer.SetWeights(Tensor.From(new double[72], 3, 3, 2, 4), Tensor.From(bias, 4)));
        Assert.Contains("(3, 2, 3, 4)", wrong.Message);
        Assert.Contains("(3, 3, 2, 4)", wrong.Message);
    }

    [Fact]
    public void Glorot_fans_count_the_receptive_field()
    {
        // Keras: fan_in = kh·kw·in = 25, fan_out = kh·kw·filters = 150, limit √(6/175).
        var layer = new Conv2D(6, [5, 5], kernelInitializer: new Backprop.Initializers.GlorotUniform(seed: 3));
        layer.Build(new Shape(28, 28, 1));
        var w = layer.Kernel.ValueAs<float>().ToArray();
        double limit = Math.Sqrt(6.0 / 175);
        Assert.All(w, v => Assert.InRange(v, -limit, limit));
        Assert.True(w.Max() > 0.9 * limit && w.Min() < -0.9 * limit);
    }

    [Fact]
    public void Backward_adds_into_the_parameter_gradients()
    {
        var layer = new Conv2D(3, [3, 3], padding: "same", activation: "sigmoid");
        var x = TestData.Tensor(1, 2, 5, 6, 2);
        layer.Build(new Shape(5, 6, 2), DType.Float64);
        var dy = TestData.Tensor(2, 2, 5, 6, 3);
        layer.Forward(x, training: true);
        layer.Kernel.ZeroGradient();
        layer.Bias!.ZeroGradient();
        layer.Backward(dy);
        var once = layer.Kernel.GradientAs<double>().ToArray();
        var onceBias = layer.Bias.GradientAs<double>().ToArray();
        layer.Backward(dy);
        Conv2DKernelsTests.AssertClose(once.Select(v => 2 * v).ToArray(), layer.Kernel.GradientAs<double>().ToArray(), 1e-14, "kernel gradient after two passes");
        Conv2DKernelsTests.AssertClose(onceBias.Select(v => 2 * v).ToArray(), layer.Bias.GradientAs<double>().ToArray(), 1e-14, "bias gradient after two passes");

        // Frozen: no parameter gradients, still ∂x.
        layer.Trainable = false;
        layer.Kernel.ZeroGradient();
        var dx = layer.Backward(dy);
        Assert.All(layer.Kernel.GradientAs<double>().ToArray(), v => Assert.Equal(0, v));
        Assert.Contains(dx.ToArray(), v => v != 0);
    }

    [Fact]
    public void Wrong_ranks_channels_and_oversized_kernels_fail_with_the_layer_and_both_shapes()
    {
        var conv = new Conv2D(4, [3, 3], name: "features");
        var rank = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor<float>(8, 28, 28)));
        Assert.Contains("'features'", rank.Message);
        Assert.Contains("(None, 28, 28)", rank.Message);
        Assert.Contains("(None, height, width, channels)", rank.Message);

        conv.Forward(new Tensor<float>(2, 10, 10, 1));
        var channels = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new Tensor<float>(2, 10, 10, 3)));
        Assert.Contains("'features'", channels.Message);
        Assert.Contains("(None, 10, 10, 1)", channels.Message);
        Assert.Contains("(2, 10, 10, 3)", channels.Message);

        var big = Assert.Throws<ShapeMismatchException>(() => new Conv2D(2, [5, 5], name: "big").Forward(new Tensor<float>(1, 4, 6, 1)));
        Assert.Contains("'big'", big.Message);
        Assert.Contains("5×5", big.Message);
        Assert.Contains("(None, 4, 6, 1)", big.Message);
        Assert.Contains("valid", big.Message);
        var dilated = Assert.Throws<ShapeMismatchException>(() => new Conv2D(2, [3, 3], dilationRate: [3, 3]).Build(new Shape(6, 6, 1)));
        Assert.Contains("dilated to 7×7", dilated.Message);
        Assert.Throws<ShapeMismatchException>(() => new MaxPooling2D([3, 3], name: "pool").Build(new Shape(2, 8, 1)));
        Assert.Throws<ShapeMismatchException>(() => new GlobalAveragePooling2D().Build(new Shape(8, 8)));
        Assert.Throws<ShapeMismatchException>(() => new ZeroPadding2D([1]).Build(new Shape(8)));

        // "same" always fits.
        Assert.Equal(new Shape(4, 6, 2), new Conv2D(2, [5, 5], padding: "same").ComputeOutputShape(new Shape(4, 6, 1)));

        var model = new Sequential(new Conv2D(4, [3, 3], inputShape: [28, 28, 1], name: "c1"));
        var modelError = Assert.Throws<ShapeMismatchException>(() => model.Predict(new Tensor<float>(2, 28, 28, 3)));
        Assert.Contains("(None, 28, 28, 1)", modelError.Message);
    }

    [Fact]
    public void Invalid_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, [3, 3]));
        Assert.Throws<ArgumentException>(() => new Conv2D(2, [3, 3, 3]));
        Assert.Throws<ArgumentException>(() => new Conv2D(2, [0, 3]));
        Assert.Throws<ArgumentException>(() => new Conv2D(2, [3], strides: [-1]));
        Assert.Throws<ArgumentException>(() => new Conv2D(2, [3], padding: "causal"));
        var both = Assert.Throws<ArgumentException>(() => new Conv2D(2, [3], strides: [2], dilationRate: [2]));
        Assert.Contains("dilation", both.Message);
        Assert.Equal("same", new Conv2D(2, [3], padding: "SAME").Padding);
        Assert.Throws<ArgumentException>(() => new MaxPooling2D([2, 2], padding: "full"));
        Assert.Throws<ArgumentException>(() => new AveragePooling2D([2, 0]));
        Assert.Throws<ArgumentException>(() => new ZeroPadding2D([1, 2, 3]));
        Assert.Throws<ArgumentException>(() => new ZeroPadding2D([-1]));
    }

    [Fact]
    public void Zero_padding_places_the_image_and_crops_the_gradient()
    {
        var layer = new ZeroPadding2D([1, 0, 2, 1]);
        var x = Tensor.From(new double[] { 1, 2, 3, 4 }, 1, 2, 2, 1);
        var y = layer.Forward(x);
        Assert.Equal(new Shape(1, 3, 5, 1), y.Shape);
        Assert.Equal([0.0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 3, 4, 0], y.ToArray());
        var dx = layer.Backward(Tensor.From(Enumerable.Range(0, 15).Select(i => (double)i).ToArray(), 1, 3, 5, 1));
        Assert.Equal([7.0, 8, 12, 13], dx.ToArray());
        Assert.Equal((1, 1, 2, 2), (new ZeroPadding2D([1, 2]).Top, new ZeroPadding2D([1, 2]).Bottom, new ZeroPadding2D([1, 2]).Left, new ZeroPadding2D([1, 2]).Right));
    }

    [Fact]
    public void LeNet5_has_44426_parameters_and_keras_summary_rows()
    {
        var model = new Sequential(
            new Conv2D(6, [5, 5], activation: "sigmoid", inputShape: [28, 28, 1], name: "conv2d"),
            new AveragePooling2D([2, 2], [2, 2], name: "average_pooling2d"),
            new Conv2D(16, [5, 5], activation: "sigmoid", name: "conv2d_1"),
            new AveragePooling2D([2, 2], [2, 2], name: "average_pooling2d_1"),
            new Flatten(name: "flatten"),
            new Dense(120, activation: "sigmoid", name: "dense"),
            new Dense(84, activation: "sigmoid", name: "dense_1"),
            new Dense(10, activation: "softmax", name: "dense_2"));
        Assert.Equal(44_426, model.CountParams());

        // Keras 3's table for this model: (layer (type), output shape, params) per row.
        (string Layer, string Shape, string Params)[] keras =
        [
            ("conv2d (Conv2D)", "(None, 24, 24, 6)", "156"),
            ("average_pooling2d (AveragePooling2D)", "(None, 12, 12, 6)", "0"),
            ("conv2d_1 (Conv2D)", "(None, 8, 8, 16)", "2,416"),
            ("average_pooling2d_1 (AveragePooling2D)", "(None, 4, 4, 16)", "0"),
            ("flatten (Flatten)", "(None, 256)", "0"),
            ("dense (Dense)", "(None, 120)", "30,840"),
            ("dense_1 (Dense)", "(None, 84)", "10,164"),
            ("dense_2 (Dense)", "(None, 10)", "850"),
        ];
        string summary = model.Summary();
        // A row whose Param # cell is empty continues the row above (Keras wraps long names onto a second line).
        var rows = new List<string[]>();
        foreach (var cells in summary.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Split('│', StringSplitOptions.TrimEntries)))
        {
            if (cells[3].Length == 0)
            {
                rows[^1][1] += " " + cells[1];
            }
            else
            {
                rows.Add(cells);
            }
        }

        Assert.Equal(keras.Length, rows.Count);
        for (int i = 0; i < keras.Length; i++)
        {
            Assert.Equal(keras[i].Layer, rows[i][1]);
            Assert.Equal(keras[i].Shape, rows[i][2]);
            Assert.Equal(keras[i].Params, rows[i][3]);
        }

        Assert.Contains("│ average_pooling2d               │ (None, 12, 12, 6)      │             0 │\n│ (AveragePooling2D)              │                        │               │\n", summary);

        Assert.Contains("│ conv2d (Conv2D)                 │ (None, 24, 24, 6)      │           156 │", summary);
        Assert.Contains(" Total params: 44,426 (173.54 KB)", summary);
        Assert.Contains(" Trainable params: 44,426 (173.54 KB)", summary);
        Assert.Contains(" Non-trainable params: 0 (0.00 B)", summary);
    }

    [Fact]
    public void Default_names_are_keras_snake_case()
    {
        Assert.StartsWith("conv2d", new Conv2D(1, [1]).Name, StringComparison.Ordinal);
        Assert.StartsWith("max_pooling2d", new MaxPooling2D().Name, StringComparison.Ordinal);
        Assert.StartsWith("average_pooling2d", new AveragePooling2D().Name, StringComparison.Ordinal);
        Assert.StartsWith("global_average_pooling2d", new GlobalAveragePooling2D().Name, StringComparison.Ordinal);
        Assert.StartsWith("zero_padding2d", new ZeroPadding2D([1]).Name, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warm_cnn_training_step_allocates_nothing()
    {
        var model = new Sequential(
            new Conv2D(8, [3, 3], activation: "relu", inputShape: [12, 11, 1]),
            new Conv2D(16, [3, 3], padding: "same", activation: "relu"),
            new MaxPooling2D([2, 2]),
            new Dropout(0.25, seed: 1),
            new Conv2D(6, [2, 2], strides: [2, 2], activation: "sigmoid"),
            new AveragePooling2D([2, 2], padding: "same"),
            new Flatten(),
            new Dense(10, activation: "softmax"));
        model.Compile(new Backprop.Optimizers.RMSprop(), "categorical_crossentropy");
        var x = Tensor.From(TestData.Floats(40 * 12 * 11, 5, 0, 1), 40, 12, 11, 1);
        var labels = new float[400];
        for (int i = 0; i < 40; i++)
        {
            labels[(i * 10) + (i % 10)] = 1;
        }

        var y = Tensor.From(labels, 40, 10);
        for (int i = 0; i < 3; i++)
        {
            model.TrainOnBatch(x, y);
        }

        Assert.Equal(0, Allocations.By(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                model.TrainOnBatch(x, y);
            }
        }));
    }

    [Fact]
    public void A_warm_lenet_training_step_allocates_nothing_in_the_layers()
    {
        var layers = new Layer[]
        {
            new Conv2D(6, [5, 5], activation: "sigmoid"), new AveragePooling2D(), new Conv2D(16, [5, 5], activation: "relu"),
            new MaxPooling2D(), new ZeroPadding2D([1]), new Conv2D(4, [3, 3], activation: "elu"), new GlobalAveragePooling2D(),
        };
        var x = Tensor.From(TestData.Floats(16 * 28 * 28, 3, 0, 1), 16, 28, 28, 1);
        void Step()
        {
            Tensor<float> h = x;
            foreach (var layer in layers)
            {
                h = layer.Forward(h, training: true);
            }

            for (int i = layers.Length - 1; i >= 0; i--)
            {
                h = layers[i].Backward(h);
            }
        }

        Step();
        Step();
        Assert.Equal(0, Allocations.By(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                Step();
            }
        }));
    }
}
