using Backprop.Layers;
using Backprop.Models;

namespace Backprop.Tests.Layers;

/// <summary>BatchNormalization configured as PyTorch's BatchNorm1d, worked by hand.</summary>
public sealed class BatchNormalizationPyTorchTests
{
    [Fact]
    public void The_unbiased_moving_variance_follows_pytorchs_running_var_by_hand()
    {
        // x = 1, 2, 4: mean 7/3, biased variance 14/9, unbiased 7/3. PyTorch (momentum 0.1), from running 0 and 1:
        // running_mean = 0.1·7/3, running_var = 0.9·1 + 0.1·7/3. Normalisation uses the biased variance either way.
        var bn = new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true);
        var x = Tensor.From(new[] { 1.0, 2.0, 4.0 }, 3, 1);
        var y = bn.Forward(x, training: true);
        Assert.Equal(0.1 * 7 / 3, bn.MovingMean.ValueAs<double>()[0], 14);
        Assert.Equal(0.9 + 0.1 * 7 / 3, bn.MovingVariance.ValueAs<double>()[0], 14);
        Assert.Equal((1 - 7.0 / 3) / Math.Sqrt(14.0 / 9 + 1e-5), y[0, 0], 12);

        var keras = new BatchNormalization(momentum: 0.9, epsilon: 1e-5);
        keras.Forward(x, training: true);
        Assert.Equal(0.9 + 0.1 * 14 / 9, keras.MovingVariance.ValueAs<double>()[0], 14);
    }

    [Fact]
    public void The_option_round_trips_and_stays_out_of_keras_shaped_configs()
    {
        var model = new Sequential(DType.Float64, new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true, inputShape: [3]));
        var copy = Sequential.FromConfig(model.GetConfig());
        Assert.True(((BatchNormalization)copy.Layers[0]).UnbiasedMovingVariance);
        Assert.DoesNotContain("unbiased", new Sequential(new BatchNormalization(inputShape: [3])).GetConfig());
    }
}
