using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.TestSupport;
using Backprop.Tests.Training;

namespace Backprop.Tests.Parameters;

/// <summary>The bound a Dense backward pass vouches for on its kernel gradient (so the optimiser's non-finite guard
/// need not read ∂W): it holds on random shapes and batches, and it is forgotten whenever the gradient could have been
/// written by anyone else.</summary>
public sealed class GradientBoundTests
{
    [Theory]
    [InlineData(1, 784, 100)]
    [InlineData(7, 33, 1000)]
    [InlineData(8, 1000, 10)]
    [InlineData(2, 9, 7)]
    [InlineData(16, 1025, 33)]
    public void Dense_vouches_for_a_bound_that_holds_on_its_kernel_gradient(int rows, int inputs, int units)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            Backprop.Random.RandomSeed.Set((ulong)(rows + inputs + units));
            var model = new Sequential(dtype, new Dense(units, activation: "tanh", inputShape: [inputs]));
            var x = TestData.Tensor(rows * 31, rows, inputs);
            var dy = TestData.Tensor(rows * 37, rows, units);

            // Twice: the first pass creates the gradient and adds into it; a later step after ZeroGradients writes it whole.
            for (int step = 0; step < 2; step++)
            {
                model.ZeroGradients();
                if (dtype == DType.Float32)
                {
                    model.Forward(Tensor.Cast<double, float>(x), training: true);
                    model.Backward(Tensor.Cast<double, float>(dy));
                }
                else
                {
                    model.Forward(x, training: true);
                    model.Backward(dy);
                }
            }

            var kernel = ((Dense)model.Layers[0]).Kernel;
            double bound = kernel.GradientBound;
            Assert.True(double.IsFinite(bound), $"{dtype} {rows}×{inputs}→{units}: no bound");

            // Read through the public getter, which forgets the bound (whoever reads it may write it).
            double actual = kernel.Gradient.ToDoubleArray().Max(Math.Abs);
            Assert.True(actual <= bound, $"{dtype} {rows}×{inputs}→{units}: max |∂W| {actual} above the bound {bound}");
            Assert.True(actual > 0);
            Assert.True(double.IsNaN(kernel.GradientBound));
        }
    }

    [Fact]
    public void A_batch_larger_than_the_kernel_gets_no_bound_and_accumulation_forgets_it()
    {
        // rows·(in + out) ≥ in·out: reading ∂W is the cheaper check, so Dense vouches for nothing.
        var model = new Sequential(DType.Float64, new Dense(2, inputShape: [3]));
        var kernel = ((Dense)model.Layers[0]).Kernel;
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            Assert.Equal(0, kernel.GradientBound);
            model.Forward(TestData.Tensor(1, 64, 3), training: true);
            model.Backward(TestData.Tensor(2, 64, 2));
            Assert.True(double.IsNaN(kernel.GradientBound));
        }

        // A second backward pass without ZeroGradients adds into the gradient: no bound either.
        var wide = new Sequential(DType.Float64, new Dense(50, inputShape: [40]));
        var w = ((Dense)wide.Layers[0]).Kernel;
        for (int step = 0; step < 2; step++)
        {
            wide.ZeroGradients();
            wide.Forward(TestData.Tensor(3, 2, 40), training: true);
            wide.Backward(TestData.Tensor(4, 2, 50));
        }

        Assert.True(double.IsFinite(w.GradientBound));
        wide.Forward(TestData.Tensor(5, 2, 40), training: true);
        wide.Backward(TestData.Tensor(6, 2, 50));
        Assert.True(double.IsNaN(w.GradientBound));
    }

    [Fact]
    public void A_gradient_written_after_the_backward_pass_is_still_checked()
    {
        // A custom loop that edits ∂W between backward and the step: the vouched bound is gone, the NaN is found and
        // nothing changes.
        var model = new Sequential(new Dense(100, activation: "relu", inputShape: [784]), new Dense(10));
        var optimizer = new SGD(learningRate: 0.1);
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            model.Forward(Tensor.Cast<double, float>(TestData.Tensor(7, 1, 784)), training: true);
            model.Backward(Tensor.Cast<double, float>(TestData.Tensor(8, 1, 10)));
        }

        var kernel = ((Dense)model.Layers[0]).Kernel;
        Assert.True(double.IsFinite(kernel.GradientBound));
        kernel.GradientAs<float>().AsSpan()[12_345] = float.NaN;
        var before = model.GetWeights();
        var e = Assert.Throws<NonFiniteGradientException>(() => optimizer.Apply(model.TrainableParameters));
        Assert.Equal("kernel", e.ParameterName);
        Assert.True(TrainingTestKit.SameWeights(before, model.GetWeights()));
    }

    [Fact]
    public void Non_finite_inputs_give_no_bound_and_the_guard_reads_the_gradient()
    {
        // An infinite input is not vouched for (the bound is ∞ or NaN), so the guard measures ∂W and refuses the step.
        var model = new Sequential(new Dense(64, inputShape: [32]));
        var x = Tensor.Cast<double, float>(TestData.Tensor(9, 2, 32));
        x.AsSpan()[5] = float.PositiveInfinity;
        for (int step = 0; step < 2; step++)
        {
            model.ZeroGradients();
            model.Forward(x, training: true);
            model.Backward(Tensor.Cast<double, float>(TestData.Tensor(10, 2, 64)));
        }

        var kernel = ((Dense)model.Layers[0]).Kernel;
        Assert.False(double.IsFinite(kernel.GradientBound));
        var before = model.GetWeights();
        Assert.Throws<NonFiniteGradientException>(() => new Adam().Apply(model.TrainableParameters));
        Assert.True(TrainingTestKit.SameWeights(before, model.GetWeights()));
    }
}
