using Backprop.Labs.MnistGradients;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.Tests;

public class MnistGradientsLabTests
{
    // Two float64 implementations of the same sums agree to rounding; 1e-9 would notice any drift. (The course states
    // no bound.)
    private const double Agreement = 1e-9;

    // A real mistake moves a gradient by far more than rounding.
    private const double Mistake = 1e-3;

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
        Assert.True(MaxAbsoluteDifference(MnistGradientsLab.Transpose(hand.HiddenKernel), engineHiddenKernel) > Mistake);

        // Summing instead of averaging over the batch (δ³ = p − y) scales every gradient by n = 7.
        Assert.True(MaxAbsoluteDifference(hand.OutputBias * 7.0, engineOutputBias) > Mistake);

        // The gradient of the other hidden layer is not mistaken for this one's.
        var engineFirstBias = (Tensor<double>)engine[$"{dense[0].Name}/bias"];
        Assert.True(MaxAbsoluteDifference(hand.HiddenBias, engineFirstBias) > Mistake / 10);
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
    public void CourseGradsHasExactlyTheThreeSlips()
    {
        const int batch = 7;
        var (model, x, y) = RandomProblem(batch, seed: 5);
        var hand = MnistGradientsLab.Grads(model, x, y);

        // No slip: the correct gradients.
        var hidden = CourseGrads.HiddenLayer(model, x, y, sigmoidOfActivation: false, sumOverBatch: false);
        AssertClose(hand.HiddenKernel, hidden.Kernel, Agreement);
        AssertClose(hand.HiddenBias, hidden.Bias, Agreement);
        var output = CourseGrads.OutputLayer(model, x, y, sumOverBatch: false);
        AssertClose(hand.OutputKernel, output.Kernel, Agreement);

        // The sum over the batch is n times the mean.
        var summed = CourseGrads.OutputLayer(model, x, y, sumOverBatch: true);
        AssertClose(hand.OutputKernel * (double)batch, summed.Kernel, Agreement);

        // σ′ of the activation, against a naive float64 loop: δ2 = (δ3 W3ᵀ) ∘ σ(a2)(1 − σ(a2)), ∂L/∂W2 = a1ᵀ δ2.
        var sigmoidSlip = CourseGrads.HiddenLayer(model, x, y, sigmoidOfActivation: true, sumOverBatch: false);
        AssertClose(NaiveSigmoidSlipKernel(model, x, y), sigmoidSlip.Kernel, Agreement);
        Assert.True(MaxAbsoluteDifference(sigmoidSlip.Kernel, hand.HiddenKernel) > Mistake / 100);

        // As published: the hidden layer's shapes, σ′ of the activation and the sum.
        var published = CourseGrads.AsPublished(model, x, y);
        Assert.Equal(new Shape(64, 64), published.Kernel.Shape);
        Assert.Equal(new Shape(64), published.Bias.Shape);
        AssertClose(sigmoidSlip.Kernel * (double)batch, published.Kernel, Agreement);
    }

    [Fact]
    public void PublishedPrintoutIsPinned()
    {
        // Appendix D of the notes: the printed corners of "Gradients for W2" and all 64 values of "Gradients for b2".
        Assert.Equal(64, MnistGradientsPublished.PrintedB2.Length);
        Assert.Equal(-0.08885777, MnistGradientsPublished.PrintedB2[0]);
        Assert.Equal(0.19409227, MnistGradientsPublished.PrintedB2[4]);
        Assert.Equal(-0.12868969, MnistGradientsPublished.PrintedB2[^1]);
        Assert.Equal(-0.03997655, MnistGradientsPublished.PrintedW2Corners[0][0]);
        Assert.Equal(-0.06177486, MnistGradientsPublished.PrintedW2Corners[5][5]);
        Assert.Equal(64.0, MnistGradientsPublished.W2Rows.Value.Number);
        Assert.Equal(64.0, MnistGradientsPublished.W2Columns.Value.Number);
        Assert.Equal(64.0, MnistGradientsPublished.B2Length.Value.Number);
        Assert.Equal(0.4308593, MnistGradientsPublished.B2MaxAbs.Value.Number);
        Assert.Equal(0.197525774733926, MnistGradientsPublished.B2Rms.Value.Number!.Value, 12);
        Assert.Equal(0.0619854747415613, MnistGradientsPublished.W2CornerRms.Value.Number!.Value, 12);
        Assert.Equal(7, MnistGradientsPublished.All.Count);

        // The verdicts: a shape passes or fails exactly; a magnitude by the spread of the initialisations.
        var rows = MnistGradientsPublished.W2Columns;
        Assert.Equal(Verdict.Matches, rows.Tolerance.Judge(rows.Value, Measurement.Of(64)));
        Assert.Equal(Verdict.Differs, rows.Tolerance.Judge(rows.Value, Measurement.Of(10)));
        var rms = MnistGradientsPublished.B2Rms;
        Assert.Equal(Verdict.WithinSpread, rms.Tolerance.Judge(rms.Value, Measurement.OfRepetitions([0.15, 0.2, 0.25])));
        Assert.Equal(Verdict.Differs, rms.Tolerance.Judge(rms.Value, Measurement.OfRepetitions([0.01, 0.012, 0.014])));
    }

    [Fact]
    public void QuickRunStatesTheAgreementAndComparesThePrintout()
    {
        var root = GradientLabRunner.QuickRoot(new MnistGradientsLab());
        var results = root["results"]!.AsObject();
        foreach (string key in new[]
        {
            "max_abs_difference", "max_relative_difference", "max_abs_difference.W3", "max_abs_difference.b3", "max_abs_difference.W2", "max_abs_difference.b2",
            "hand.W3.norm", "hand.b3.norm", "hand.W2.norm", "hand.b2.norm", "engine.W3.norm", "engine.W1.norm",
            "loss.hand", "loss.engine", "batch.labels", "mutant.transposed_W2_difference",
            "slips.sigmoid.kernel_relative_error", "slips.sum.kernel_relative_error", "slips.published_vs_hidden.kernel_relative_error", "slips.layer.kernel_shape",
            "printout.b2_max_abs", "printout.b2_rms", "printout.w2_corner_rms",
        })
        {
            Assert.True(results.ContainsKey(key), $"results.json lacks '{key}'");
        }

        GradientLabRunner.AssertAllFinite(results);
        Assert.InRange(results["max_abs_difference"]!.GetValue<double>(), 0, Agreement);
        Assert.True(results["mutant.transposed_W2_difference"]!.GetValue<double>() > Mistake);
        Assert.Equal(MnistGradientsLab.BatchSize, results["batch.labels"]!.AsArray().Count);
        // Summing over 16 samples instead of averaging is a relative error of exactly 15.
        Assert.Equal(15, results["slips.sum.kernel_relative_error"]!.GetValue<double>(), 9);
        Assert.Equal("(64, 64)", results["slips.layer.kernel_shape"]!.GetValue<string>());
        Assert.Equal(MnistGradientsLab.Initialisations, results["printout.b2_rms"]!.AsArray().Count);

        var published = root["published"]!.AsArray();
        Assert.Equal(7, published.Count);
        Assert.Equal(["matches", "matches", "matches"], published.Take(3).Select(r => r!["verdict"]!.GetValue<string>()));
        Assert.Equal("not measured", published[^1]!["verdict"]!.GetValue<string>());
        Assert.Null(published[^1]!["measured"]);
        Assert.All(published.Skip(3).Take(3), r => Assert.Equal(MnistGradientsLab.Initialisations > 1, r!["measured_std"] is not null));
    }

    private static Tensor<double> NaiveSigmoidSlipKernel(Sequential model, Tensor<double> x, Tensor<double> y)
    {
        var w = model.GetWeights().Cast<Tensor<double>>().ToArray();
        int n = x.Shape[0];
        double[] xs = x.Reshape(n, -1).ToArray();
        var a1 = Layer(xs, n, 784, w[0], w[1], sigmoid: true);
        var a2 = Layer(a1, n, 64, w[2], w[3], sigmoid: true);
        var z3 = Layer(a2, n, 64, w[4], w[5], sigmoid: false);
        var kernel = new Tensor<double>(64, 64);
        for (int s = 0; s < n; s++)
        {
            double max = Enumerable.Range(0, 10).Max(k => z3[s * 10 + k]);
            double total = Enumerable.Range(0, 10).Sum(k => Math.Exp(z3[s * 10 + k] - max));
            var delta3 = Enumerable.Range(0, 10).Select(k => (Math.Exp(z3[s * 10 + k] - max) / total - y[s, k]) / n).ToArray();
            for (int j = 0; j < 64; j++)
            {
                double back = Enumerable.Range(0, 10).Sum(k => delta3[k] * w[4][j, k]);
                double sig = 1 / (1 + Math.Exp(-a2[s * 64 + j]));
                double delta2 = back * sig * (1 - sig);
                for (int i = 0; i < 64; i++)
                {
                    kernel[i, j] += a1[s * 64 + i] * delta2;
                }
            }
        }

        return kernel;
    }

    private static double[] Layer(double[] input, int n, int fanIn, Tensor<double> kernel, Tensor<double> bias, bool sigmoid)
    {
        int units = kernel.Shape[1];
        var output = new double[n * units];
        for (int s = 0; s < n; s++)
        {
            for (int u = 0; u < units; u++)
            {
                double z = bias[u];
                for (int i = 0; i < fanIn; i++)
                {
                    z += input[s * fanIn + i] * kernel[i, u];
                }

                output[s * units + u] = sigmoid ? 1 / (1 + Math.Exp(-z)) : z;
            }
        }

        return output;
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
