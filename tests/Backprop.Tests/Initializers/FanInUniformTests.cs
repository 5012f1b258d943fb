using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;

namespace Backprop.Tests.Initializers;

/// <summary>PyTorch's nn.Linear / nn.Conv2d default, U(±1/√fan_in), with the bias taking its kernel's fan-in.</summary>
public sealed class FanInUniformTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(33, 1)]
    [InlineData(2, 1000)]
    [InlineData(1000, 33)]
    public void A_dense_kernel_and_its_bias_share_the_bound_of_the_kernels_fan_in(int inputs, int units)
    {
        var dense = new Dense(units, kernelInitializer: new FanInUniform(seed: 3), biasInitializer: new FanInUniform(seed: 4), inputShape: [inputs]);
        _ = new Sequential(DType.Float64, dense);
        double bound = 1 / Math.Sqrt(inputs);                       // torch: 1 / math.sqrt(fan_in)
        double[] kernel = dense.Kernel.ValueAs<double>().ToArray();
        double[] bias = dense.Bias!.ValueAs<double>().ToArray();
        Assert.All(kernel, w => Assert.InRange(w, -bound, bound));
        Assert.All(bias, b => Assert.InRange(b, -bound, bound));

        // The draws fill the range: the largest of n uniform values falls short of the bound by about bound·2/(n + 1).
        Assert.True(kernel.Max(Math.Abs) > bound * (1 - 20.0 / (kernel.Length + 1)), $"kernel max {kernel.Max(Math.Abs)} vs bound {bound}");
        Assert.True(bias.Max(Math.Abs) > bound * (1 - 20.0 / (bias.Length + 1)), $"bias max {bias.Max(Math.Abs)} vs bound {bound}");

        // Not the bias's own fan-in (its length), which Keras's initialisers would use.
        if (units > 4 * inputs)
        {
            Assert.True(bias.Max(Math.Abs) > 1 / Math.Sqrt(units), "the bias used its own length as fan-in");
        }
    }

    [Fact]
    public void A_uniform_spread_of_one_over_three_fan_in_as_nn_linear_draws_it()
    {
        // 400 inputs → bound 0.05; U(−b, b) has variance b²/3 = VarianceScaling(1/3, fan_in, uniform)'s 1/(3·400).
        var dense = new Dense(2000, kernelInitializer: new FanInUniform(seed: 1), biasInitializer: new FanInUniform(seed: 2), inputShape: [400]);
        _ = new Sequential(DType.Float64, dense);
        double[] kernel = dense.Kernel.ValueAs<double>().ToArray();
        double mean = kernel.Average();
        double variance = kernel.Sum(w => (w - mean) * (w - mean)) / kernel.Length;
        double expected = new VarianceScaling(1.0 / 3, "fan_in", "uniform").Variance(new Shape(400, 2000));
        Assert.Equal(1.0 / 1200, expected, 15);
        Assert.Equal(expected, variance, expected * 0.01);
        Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(expected / kernel.Length));
    }

    [Fact]
    public void A_conv_bias_takes_the_fan_in_of_its_kernel()
    {
        // 3×3 kernel over 4 channels: fan_in 36, bound 1/6 (torch: in_channels · kh · kw).
        var conv = new Conv2D(500, [3, 3], kernelInitializer: new FanInUniform(seed: 5), biasInitializer: new FanInUniform(seed: 6), inputShape: [8, 8, 4]);
        _ = new Sequential(DType.Float64, conv);
        double[] bias = conv.Bias!.ValueAs<double>().ToArray();
        Assert.All(bias, b => Assert.InRange(b, -1.0 / 6, 1.0 / 6));
        Assert.True(bias.Max(Math.Abs) > 0.15);
        Assert.Equal(1.0 / 6, FanInUniform.Limit(conv.Kernel.Shape), 15);
    }

    [Fact]
    public void Filled_directly_a_tensor_uses_its_own_fans_and_a_zero_fan_in_gives_zeros()
    {
        var vector = new Tensor<double>(100);
        new FanInUniform(seed: 9).Initialize(vector);
        Assert.All(vector.ToArray(), v => Assert.InRange(v, -0.1, 0.1));
        Assert.Contains(vector.ToArray(), v => Math.Abs(v) > 0.09);

        var empty = new Tensor<double>(3);
        new FanInUniform(seed: 9).Initialize(empty, new Shape(0, 3));
        Assert.All(empty.ToArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Keras_initialisers_ignore_the_fan_shape_a_layer_passes()
    {
        var withKernelFans = new Tensor<double>(50);
        var alone = new Tensor<double>(50);
        new VarianceScaling(1.0 / 3, "fan_in", "uniform", seed: 12).Initialize(withKernelFans, new Shape(4, 50));
        new VarianceScaling(1.0 / 3, "fan_in", "uniform", seed: 12).Initialize(alone);
        Assert.Equal(alone.ToArray(), withKernelFans.ToArray());
    }

    [Fact]
    public void Registered_seeded_and_round_tripped_through_a_model_config()
    {
        Assert.Contains("fan_in_uniform", InitializerRegistry.Names);
        Assert.IsType<FanInUniform>(Initializer.Get("fan_in_uniform"));

        var model = new Sequential(new Dense(8, kernelInitializer: new FanInUniform(seed: 7), biasInitializer: new FanInUniform(seed: 8), inputShape: [5]));
        var copy = Sequential.FromConfig(model.GetConfig());
        var dense = (Dense)copy.Layers[0];
        Assert.Equal(7, Assert.IsType<FanInUniform>(dense.KernelInitializer).Seed);
        Assert.Equal(8, Assert.IsType<FanInUniform>(dense.BiasInitializer).Seed);

        // Seeded: the same values on every call; another seed gives others.
        Assert.Equal(((Dense)model.Layers[0]).Bias!.ValueAs<float>().ToArray(), dense.Bias!.ValueAs<float>().ToArray());
        var a = new Tensor<double>(10, 10);
        var b = new Tensor<double>(10, 10);
        new FanInUniform(seed: 1).Initialize(a);
        new FanInUniform(seed: 2).Initialize(b);
        Assert.NotEqual(a.ToArray(), b.ToArray());
    }
}
