using Backprop.Examples;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>A custom layer written to the contract (its backward pass ADDS into the gradients) must train exactly as
/// a hand-written gradient-descent loop, whichever way it is driven: Fit, TrainOnBatch, a custom train step, or a
/// PyTorch-style loop. Before the gradient rule, Fit never zeroed gradients and such a layer drifted from step 2 on.</summary>
public sealed class CustomLayerTrainingTests
{
    private const int Rows = 10, Inputs = 4, Hidden = 3, Steps = 3;
    private const double LearningRate = 0.1;

    [Fact]
    public void Fit_trains_an_accumulating_custom_layer_as_a_hand_written_loop()
    {
        var (model, x, y) = Problem();
        model.Compile(new SGD(LearningRate), "mse");
        model.Fit(x, y, epochs: Steps, batchSize: Rows, shuffle: false, verbose: 0);
        AssertMatchesReference(model, x, y);
    }

    [Fact]
    public void TrainOnBatch_trains_an_accumulating_custom_layer_as_a_hand_written_loop()
    {
        var (model, x, y) = Problem();
        model.Compile(new SGD(LearningRate), "mse");
        for (int step = 0; step < Steps; step++)
        {
            model.TrainOnBatch(x, y);
        }

        AssertMatchesReference(model, x, y);
    }

    [Fact]
    public void A_custom_train_step_trains_it_as_a_hand_written_loop()
    {
        var (model, x, y) = Problem();
        var trainer = new LayerClippingTrainer(new SGD(LearningRate), "mse", maxNorm: 1e9);
        model.Compile(trainer);
        model.Fit(x, y, epochs: Steps, batchSize: Rows, shuffle: false, verbose: 0);
        Assert.True(trainer.LastLargestNorm > 0);
        AssertMatchesReference(model, x, y);
    }

    [Fact]
    public void A_pytorch_style_loop_trains_it_as_a_hand_written_loop()
    {
        var (model, x, y) = Problem();
        var optimizer = new SGD(LearningRate);
        var loss = new MeanSquaredError();
        var gradient = new Tensor<double>(Rows, 1);
        for (int step = 0; step < Steps; step++)
        {
            model.ZeroGradients();
            var output = model.Forward(x, training: true);
            loss.Forward(y, output);
            loss.Backward(y, output, gradient);
            model.Backward(gradient);
            optimizer.Apply(model.TrainableParameters);
        }

        AssertMatchesReference(model, x, y);
    }

    [Fact]
    public void Without_zeroing_the_gradients_add_up()
    {
        // The rule itself: two backward passes without ZeroGradients give twice the gradient.
        var (model, x, y) = Problem();
        var loss = new MeanSquaredError();
        var gradient = new Tensor<double>(Rows, 1);
        model.ZeroGradients();
        var output = model.Forward(x, training: true);
        loss.Backward(y, output, gradient);
        model.Backward(gradient);
        var once = model.TrainableParameters.Select(p => p.GradientAs<double>().ToArray()).ToArray();
        model.Backward(gradient);
        var twice = model.TrainableParameters.Select(p => p.GradientAs<double>().ToArray()).ToArray();
        for (int p = 0; p < once.Length; p++)
        {
            for (int i = 0; i < once[p].Length; i++)
            {
                Assert.Equal(2 * once[p][i], twice[p][i], 12);
            }
        }

        model.ZeroGradients();
        Assert.All(model.TrainableParameters, p => Assert.All(p.GradientAs<double>().ToArray(), v => Assert.Equal(0, v)));
    }

    /// <summary>SimpleDense(3) → tanh → SimpleDense(1) in float64 with fixed weights, and a fixed batch.</summary>
    private static (Sequential Model, Tensor<double> X, Tensor<double> Y) Problem()
    {
        var model = new Sequential(DType.Float64, new SimpleDense(Hidden, inputShape: [Inputs]), new Activation("tanh"), new SimpleDense(1))
        {
            Output = TextWriter.Null,
        };
        model.SetWeights(
            TestData.Tensor(11, Inputs, Hidden), TestData.Tensor(12, Hidden),
            TestData.Tensor(13, Hidden, 1), TestData.Tensor(14, 1));
        var x = TestData.Tensor(15, Rows, Inputs);
        var y = TestData.Tensor(16, Rows, 1);
        return (model, x, y);
    }

    /// <summary>Runs the same three gradient-descent steps with plain double arrays (MSE, ∂L/∂ŷ = 2(ŷ − y)/n) and
    /// compares every weight.</summary>
    private static void AssertMatchesReference(Sequential model, Tensor<double> xt, Tensor<double> yt)
    {
        var (start, _, _) = Problem();
        var w1 = To2D(start.GetWeights()[0]);
        var b1 = start.GetWeights()[1].ToDoubleArray();
        var w2 = To2D(start.GetWeights()[2]);
        var b2 = start.GetWeights()[3].ToDoubleArray();
        for (int step = 0; step < Steps; step++)
        {
            var h = new double[Rows, Hidden];
            var dOut = new double[Rows];
            for (int r = 0; r < Rows; r++)
            {
                double output = b2[0];
                for (int j = 0; j < Hidden; j++)
                {
                    double z = b1[j];
                    for (int i = 0; i < Inputs; i++)
                    {
                        z += xt[r, i] * w1[i, j];
                    }

                    h[r, j] = Math.Tanh(z);
                    output += h[r, j] * w2[j, 0];
                }

                dOut[r] = 2 * (output - yt[r, 0]) / Rows;
            }

            var dw1 = new double[Inputs, Hidden];
            var db1 = new double[Hidden];
            var dw2 = new double[Hidden, 1];
            double db2 = 0;
            for (int r = 0; r < Rows; r++)
            {
                db2 += dOut[r];
                for (int j = 0; j < Hidden; j++)
                {
                    dw2[j, 0] += h[r, j] * dOut[r];
                    double dz = dOut[r] * w2[j, 0] * (1 - h[r, j] * h[r, j]);
                    db1[j] += dz;
                    for (int i = 0; i < Inputs; i++)
                    {
                        dw1[i, j] += xt[r, i] * dz;
                    }
                }
            }

            for (int j = 0; j < Hidden; j++)
            {
                b1[j] -= LearningRate * db1[j];
                w2[j, 0] -= LearningRate * dw2[j, 0];
                for (int i = 0; i < Inputs; i++)
                {
                    w1[i, j] -= LearningRate * dw1[i, j];
                }
            }

            b2[0] -= LearningRate * db2;
        }

        var trained = model.GetWeights();
        AssertClose(w1.Cast<double>().ToArray(), trained[0].ToDoubleArray());
        AssertClose(b1, trained[1].ToDoubleArray());
        AssertClose(w2.Cast<double>().ToArray(), trained[2].ToDoubleArray());
        AssertClose(b2, trained[3].ToDoubleArray());
    }

    private static double[,] To2D(Tensor t)
    {
        var result = new double[t.Shape[0], t.Shape[1]];
        for (int i = 0; i < t.Shape[0]; i++)
        {
            for (int j = 0; j < t.Shape[1]; j++)
            {
                result[i, j] = t.GetDouble(i * t.Shape[1] + j);
            }
        }

        return result;
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9, $"weight {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
