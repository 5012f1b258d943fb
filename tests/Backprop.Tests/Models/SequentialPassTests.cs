using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Models;

/// <summary>The model's own passes, the PyTorch-style surface: Forward, Backward, ZeroGradients and the
/// regularisation step.</summary>
public sealed class SequentialPassTests
{
    [Fact]
    public void Forward_is_Predict_and_Backward_gives_the_input_gradient_of_central_differences()
    {
        var model = new Sequential(DType.Float64,
            new Dense(7, activation: "tanh", inputShape: [5]),
            new BatchNormalization(),
            new Dense(3, activation: "softmax"));
        var x = TestData.Tensor(1, 33, 5);
        Assert.Equal(model.Predict(x, batchSize: 33).ToArray(), model.Forward(x).ToArray());

        // L = Σ output ⊙ R in inference mode; ∂L/∂x from Backward against central differences.
        var r = TestData.Tensor(2, 33, 3);
        model.ZeroGradients();
        model.Forward(x);
        var dx = model.Backward(r).Clone();
        double Objective()
        {
            var output = model.Forward(x).AsSpan();
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
            {
                sum += output[i] * r.AsSpan()[i];
            }

            return sum;
        }

        var xs = x.AsSpan();
        for (int i = 0; i < xs.Length; i += 7)
        {
            double saved = xs[i];
            xs[i] = saved + 1e-6;
            double plus = Objective();
            xs[i] = saved - 1e-6;
            double minus = Objective();
            xs[i] = saved;
            // Central differences are accurate to ~1e-9 here; compare with a tolerance, not by rounding both to 6
            // decimals (two values 1e-9 apart can round to different sixth decimals).
            double numeric = (plus - minus) / 2e-6;
            Assert.True(Math.Abs(numeric - dx.AsSpan()[i]) <= 1e-6 * (1 + Math.Abs(numeric)), $"x[{i}]: central difference {numeric:R}, Backward {dx.AsSpan()[i]:R}");
        }
    }

    [Fact]
    public void Backward_through_the_model_equals_ComputeGradients_and_needs_the_regularisation_step_for_penalties()
    {
        var model = new Sequential(DType.Float64,
            new Dense(6, activation: "relu", kernelRegularizer: "l2", inputShape: [4]),
            new Dense(2));
        model.Compile("sgd", "mse");
        var x = TestData.Tensor(3, 9, 4);
        var y = TestData.Tensor(4, 9, 2);
        var expected = model.ComputeGradients(x, y);

        var loss = new MeanSquaredError();
        model.ZeroGradients();
        var output = model.Forward(x, training: true);
        double value = loss.Forward(y, output) + model.RegularizationPenalty();
        var dOutput = new Tensor<double>(output.Shape);
        loss.Backward(y, output, dOutput);
        model.Backward(dOutput);
        model.AddRegularizationGradients();
        Assert.Equal(expected.Loss, value, 12);
        var parameters = model.TrainableParameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var want = expected.Items[i].Gradient.ToDoubleArray();
            var got = parameters[i].Gradient.ToDoubleArray();
            for (int k = 0; k < want.Length; k++)
            {
                Assert.Equal(want[k], got[k], 12);
            }
        }
    }

    [Fact]
    public void Forward_and_Backward_name_what_is_wrong()
    {
        var model = new Sequential(new Dense(2, inputShape: [3]));
        Assert.Contains("float64", Assert.Throws<ArgumentException>(() => model.Forward(new Tensor<double>(4, 3))).Message);
        Assert.Contains("(None, 3)", Assert.Throws<ShapeMismatchException>(() => model.Forward(new Tensor<float>(4, 5))).Message);
        model.Forward(new Tensor<float>(4, 3));
        Assert.Throws<ShapeMismatchException>(() => model.Backward(new Tensor<float>(4, 3)));
        Assert.Throws<InvalidOperationException>(() => new Sequential().Backward(new Tensor<float>(1, 1)));
    }
}
