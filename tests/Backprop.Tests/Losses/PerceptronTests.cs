using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Tests.Losses;

/// <summary>The perceptron criterion's sub-gradient at the kink: a sample with y·ŷ = 0 counts as a mistake.</summary>
public sealed class PerceptronTests
{
    [Fact]
    public void At_margin_zero_the_gradient_is_minus_y_over_the_count()
    {
        // y = (1, −1, 1, −1), ŷ = (0, 0, 0.5, −2): margins 0, 0, 0.5, 2 → ∂L/∂ŷ = (−1, 1, 0, 0)/4.
        var y = Tensor.From(new[] { 1.0, -1, 1, -1 }, 4, 1);
        var p = Tensor.From(new[] { 0.0, 0, 0.5, -2 }, 4, 1);
        var g = new Tensor<double>(4, 1);
        new Perceptron().Backward(y, p, g);
        Assert.Equal([-0.25, 0.25, 0, 0], g.ToArray());
        Assert.Equal(0.0, new Perceptron().Forward(y, p));

        // A mistake (margin < 0) still steps, and the loss counts it.
        var wrong = Tensor.From(new[] { -0.5, 1, 0.5, -2 }, 4, 1);
        new Perceptron().Backward(y, wrong, g);
        Assert.Equal([-0.25, 0.25, 0, 0], g.ToArray());
        Assert.Equal(1.5 / 4, new Perceptron().Forward(y, wrong), 15);
    }

    [Fact]
    public void From_zero_weights_the_first_sample_moves_the_weights_as_rosenblatts_rule()
    {
        // w = 0 gives ŷ = 0 for every input: Rosenblatt updates w += η·y·x, the strict sub-gradient never would.
        var model = new Sequential(DType.Float64, new Dense(1, useBias: false, kernelInitializer: new Zeros(), inputShape: [2]));
        model.Compile(new SGD(0.1), new Perceptron());
        model.TrainOnBatch(Tensor.From(new[] { 0.3, 0.7 }, 1, 2), Tensor.From(new[] { -1.0 }, 1, 1));
        var w = ((Dense)model.Layers[0]).Kernel.ValueAs<double>().ToArray();
        Assert.Equal(-0.03, w[0], 15);
        Assert.Equal(-0.07, w[1], 15);

        // Now that sample is classified correctly (margin 0.058 > 0): no further step.
        model.TrainOnBatch(Tensor.From(new[] { 0.3, 0.7 }, 1, 2), Tensor.From(new[] { -1.0 }, 1, 1));
        Assert.Equal(w, ((Dense)model.Layers[0]).Kernel.ValueAs<double>().ToArray());
    }
}
