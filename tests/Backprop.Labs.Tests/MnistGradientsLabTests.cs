using Backprop.Labs.MnistGradients;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.Tests;

public class MnistGradientsLabTests
{
    // The exercise asks for < 1e-6; two float64 implementations of the same sums should agree to rounding, so the
    // tests hold them to 1e-9 and would notice a drift long before the exercise's bound.
    private const double Agreement = 1e-9;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    public void GradsEqualsTheEnginesGradientsOnRandomData(int batch)
    {
        var (model, x, y) = RandomProblem(batch, seed: batch);
        var hand = MnistGradientsLab.Grads(model, x, y);
        var engine = model.ComputeGradients(x, y);
        var dense = model.Layers.OfType<Dense>().ToArray();

        AssertClose(engine[$"{dense[2].Name}/kernel"], hand.OutputKernel, Agreement);
        AssertClose(engine[$"{dense[2].Name}/bias"], hand.OutputBias, Agreement);
        AssertClose(engine[$"{dense[1].Name}/kernel"], hand.HiddenKernel, Agreement);
        AssertClose(engine[$"{dense[1].Name}/bias"], hand.HiddenBias, Agreement);
        Assert.Equal(engine.Loss, hand.Loss, 1e-12);
    }

    [Fact]
    public void GradsEqualsCentralDifferencesOfTheEngineLoss()
    {
        // An independent reference: (L(θ + ε) − L(θ − ε)) / 2ε with the engine's forward pass and loss.
        const double epsilon = 1e-5;
        var (model, x, y) = RandomProblem(7, seed: 99);
        var hand = MnistGradientsLab.Grads(model, x, y);
        var weights = model.GetWeights().Cast<Tensor<double>>().ToArray();
        var probes = new (int Tensor, int Index, Tensor<double> Hand)[]
        {
            (2, 0, hand.HiddenKernel), (2, 64 * 17 + 40, hand.HiddenKernel), (2, 4095, hand.HiddenKernel),
            (3, 5, hand.HiddenBias), (3, 63, hand.HiddenBias),
            (4, 0, hand.OutputKernel), (4, 10 * 33 + 7, hand.OutputKernel),
            (5, 0, hand.OutputBias), (5, 9, hand.OutputBias),
        };
        foreach (var (tensor, index, handTensor) in probes)
        {
            double original = weights[tensor].AsSpan()[index];
            weights[tensor].AsSpan()[index] = original + epsilon;
            model.SetWeights(weights);
            double plus = model.TestOnBatch(x, y);
            weights[tensor].AsSpan()[index] = original - epsilon;
            model.SetWeights(weights);
            double minus = model.TestOnBatch(x, y);
            weights[tensor].AsSpan()[index] = original;
            model.SetWeights(weights);

            double numeric = (plus - minus) / (2 * epsilon);
            Assert.True(Math.Abs(numeric - handTensor.AsSpan()[index]) < 1e-8,
                $"weight tensor {tensor}, entry {index}: central difference {numeric}, Grads {handTensor.AsSpan()[index]}");
        }
    }

    [Fact]
    public void TheComparisonCatchesPlausibleMistakes()
    {
        var (model, x, y) = RandomProblem(7, seed: 3);
        var hand = MnistGradientsLab.Grads(model, x, y);
        var engine = model.ComputeGradients(x, y);
        var dense = model.Layers.OfType<Dense>().ToArray();
        var engineHiddenKernel = (Tensor<double>)engine[$"{dense[1].Name}/kernel"];
        var engineOutputBias = (Tensor<double>)engine[$"{dense[2].Name}/bias"];

        // ∂L/∂W² with its indices swapped (a¹ and δ² multiplied the wrong way round) has the right (64, 64) shape.
        Assert.True(MaxAbsoluteDifference(MnistGradientsLab.Transpose(hand.HiddenKernel), engineHiddenKernel) > 1e3 * MnistGradientsLab.Tolerance);

        // Summing instead of averaging over the batch (δ³ = p − y) scales every gradient by n = 7.
        Assert.True(MaxAbsoluteDifference(hand.OutputBias * 7.0, engineOutputBias) > 1e3 * MnistGradientsLab.Tolerance);

        // The gradient of the other hidden layer is not mistaken for this one's.
        var engineFirstBias = (Tensor<double>)engine[$"{dense[0].Name}/bias"];
        Assert.True(MaxAbsoluteDifference(hand.HiddenBias, engineFirstBias) > 1e2 * MnistGradientsLab.Tolerance);
    }

    [Fact]
    public void GradsRejectsAnotherArchitectureAndBadLabels()
    {
        var relu = new Sequential(DType.Float64,
            new Flatten(inputShape: [28, 28]), new Dense(64), new Activation("relu"), new Dense(64), new Activation("sigmoid"), new Dense(10), new Activation("softmax"));
        relu.Compile(new SGD(), new CategoricalCrossentropy());
        var x = new Tensor<double>(2, 28, 28);
        var y = new Tensor<double>(2, 10);
        var error = Assert.Throws<ArgumentException>(() => MnistGradientsLab.Grads(relu, x, y));
        Assert.Contains("relu", error.Message);

        var model = MnistGradientsLab.CreateModel(1);
        Assert.Throws<ShapeMismatchException>(() => MnistGradientsLab.Grads(model, x, new Tensor<double>(2, 9)));
        Assert.Throws<ShapeMismatchException>(() => MnistGradientsLab.Grads(model, x, new Tensor<double>(3, 10)));
    }

    [Fact]
    public void QuickRunRecordsAnAgreementBelowTheBound()
    {
        var results = GradientLabRunner.Quick(new MnistGradientsLab());
        foreach (string key in new[]
        {
            "max_abs_difference", "max_relative_difference", "max_abs_difference.W3", "max_abs_difference.b3", "max_abs_difference.W2", "max_abs_difference.b2",
            "hand.W3.norm", "hand.b3.norm", "hand.W2.norm", "hand.b2.norm", "engine.W3.norm", "engine.W1.norm",
            "loss.hand", "loss.engine", "data.source", "batch.labels", "mutant.transposed_W2_difference",
        })
        {
            Assert.True(results.ContainsKey(key), $"results.json lacks '{key}'");
        }

        GradientLabRunner.AssertAllFinite(results);
        Assert.InRange(results["max_abs_difference"]!.GetValue<double>(), 0, MnistGradientsLab.Tolerance);
        Assert.True(results["mutant.transposed_W2_difference"]!.GetValue<double>() > MnistGradientsLab.Tolerance);
        Assert.Equal(MnistGradientsLab.BatchSize, results["batch.labels"]!.AsArray().Count);
        Assert.True(results["hand.W2.norm"]!.GetValue<double>() > 0);
    }

    /// <summary>The exercise's model with random weights AND biases (so bias gradients are not a special case of
    /// zero biases), inputs in [0, 1] and random one-hot labels.</summary>
    private static (Sequential Model, Tensor<double> X, Tensor<double> Y) RandomProblem(int batch, int seed)
    {
        var random = new System.Random(seed);
        var model = MnistGradientsLab.CreateModel(seed);
        var weights = model.GetWeights().Cast<Tensor<double>>().ToArray();
        foreach (var w in weights)
        {
            double scale = w.Rank == 2 ? 2.5 / Math.Sqrt(w.Shape[0]) : 0.5;
            foreach (ref double v in w.AsSpan())
            {
                v = scale * (random.NextDouble() * 2 - 1);
            }
        }

        model.SetWeights(weights);
        var x = new Tensor<double>(batch, 28, 28);
        foreach (ref double v in x.AsSpan())
        {
            v = random.NextDouble();
        }

        var y = new Tensor<double>(batch, 10);
        for (int i = 0; i < batch; i++)
        {
            y[i, random.Next(10)] = 1;
        }

        return (model, x, y);
    }

    private static void AssertClose(Tensor expected, Tensor<double> actual, double tolerance)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double worst = MaxAbsoluteDifference((Tensor<double>)expected, actual);
        Assert.True(worst < tolerance, $"max |engine − Grads| = {worst} (shape {actual.Shape})");
    }

    private static double MaxAbsoluteDifference(Tensor<double> a, Tensor<double> b)
    {
        Assert.Equal(a.Shape, b.Shape);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a.AsSpan()[i] - b.AsSpan()[i]));
        }

        return worst;
    }
}
