using Backprop.Activations;
using Backprop.Losses;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Losses;

public class LossGradientTests
{
    private static readonly int[] s_batches = [1, 7, 33];
    private static readonly int[] s_features = [1, 3, 10];

    /// <summary>(label, loss, make y_true, make y_pred) with inputs kept away from every kink and clip bound.</summary>
    private static IEnumerable<(string Label, Loss Loss, Func<System.Random, Shape, double[]> True, Func<System.Random, Shape, double[]> Pred)> Cases()
    {
        static double[] Uniform(System.Random r, int n, double lo, double hi) => Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
        static double[] Bits(System.Random r, int n) => Enumerable.Range(0, n).Select(_ => (double)r.Next(2)).ToArray();
        static double[] Signs(System.Random r, int n) => Enumerable.Range(0, n).Select(_ => r.Next(2) == 0 ? -1.0 : 1.0).ToArray();
        static double[] OneHot(System.Random r, Shape s)
        {
            int classes = s[-1];
            var v = new double[s.Length];
            for (int row = 0; row < s.Length / classes; row++)
            {
                v[row * classes + r.Next(classes)] = 1;
            }

            return v;
        }

        static double[] Distribution(System.Random r, Shape s)
        {
            int classes = s[-1];
            var v = Uniform(r, s.Length, 0.1, 1);
            for (int row = 0; row < s.Length / classes; row++)
            {
                double sum = v.Skip(row * classes).Take(classes).Sum();
                for (int j = 0; j < classes; j++)
                {
                    v[row * classes + j] /= sum;
                }
            }

            return v;
        }

        yield return ("mse", new MeanSquaredError(), (r, s) => Uniform(r, s.Length, -2, 2), (r, s) => Uniform(r, s.Length, -2, 2));
        yield return ("mae", new MeanAbsoluteError(), (r, s) => Uniform(r, s.Length, -2, 2),
            (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -2, 2, []));
        yield return ("huber", new Huber(), (r, s) => new double[s.Length], (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -3, 3, [-1, 1]));
        yield return ("huber(0.3)", new Huber(0.3), (r, s) => new double[s.Length], (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -3, 3, [-0.3, 0.3]));
        yield return ("bce", new BinaryCrossentropy(), (r, s) => Bits(r, s.Length), (r, s) => Uniform(r, s.Length, 0.05, 0.95));
        yield return ("bce(soft labels, smoothing 0.1)", new BinaryCrossentropy(labelSmoothing: 0.1), (r, s) => Uniform(r, s.Length, 0, 1), (r, s) => Uniform(r, s.Length, 0.05, 0.95));
        yield return ("bce(logits)", new BinaryCrossentropy(fromLogits: true), (r, s) => Bits(r, s.Length), (r, s) => Uniform(r, s.Length, -5, 5));
        yield return ("cce", new CategoricalCrossentropy(), (r, s) => OneHot(r, s), (r, s) => Uniform(r, s.Length, 0.05, 1)); // unnormalised rows
        yield return ("cce(smoothing 0.2)", new CategoricalCrossentropy(labelSmoothing: 0.2), (r, s) => OneHot(r, s), (r, s) => Distribution(r, s));
        yield return ("cce(logits)", new CategoricalCrossentropy(fromLogits: true), (r, s) => Distribution(r, s), (r, s) => Uniform(r, s.Length, -5, 5));
        yield return ("hinge", new Hinge(), (r, s) => Bits(r, s.Length), (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -2, 2, [-1, 1]));
        yield return ("hinge(±1)", new Hinge(), (r, s) => Signs(r, s.Length), (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -2, 2, [-1, 1]));
        yield return ("squared_hinge", new SquaredHinge(), (r, s) => Bits(r, s.Length), (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -2, 2, [-1, 1]));
        yield return ("perceptron", new Perceptron(), (r, s) => Signs(r, s.Length), (r, s) => NumericalGradient.RandomAwayFrom(r, s.Length, -2, 2, [0]));
        yield return ("kld", new KLDivergence(), (r, s) => Distribution(r, s), (r, s) => Uniform(r, s.Length, 0.05, 0.95));
    }

    [Fact]
    public void Every_loss_backward_matches_central_differences_in_float64()
    {
        var random = new System.Random(2024);
        foreach (var (label, loss, makeTrue, makePred) in Cases())
        {
            foreach (int batch in s_batches)
            {
                foreach (int features in s_features)
                {
                    var shape = new Shape(batch, features);
                    var yTrue = Tensor<double>.Wrap(makeTrue(random, shape), shape);
                    double[] yPred = makePred(random, shape);
                    var gradient = new Tensor<double>(shape);
                    loss.Backward(yTrue, Tensor<double>.Wrap((double[])yPred.Clone(), shape), gradient);
                    double[] numeric = NumericalGradient.Of(p => loss.Forward(yTrue, Tensor<double>.Wrap(p, shape)), yPred);
                    NumericalGradient.AssertClose(gradient.ToArray(), numeric, $"{label} {shape}");
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sparse_categorical_crossentropy_backward_matches_central_differences(bool fromLogits)
    {
        var random = new System.Random(5);
        var loss = new SparseCategoricalCrossentropy(fromLogits);
        foreach (int batch in s_batches)
        {
            foreach (int classes in new[] { 1, 3, 10 })
            {
                var shape = new Shape(batch, classes);
                var labels = Tensor<double>.Wrap(Enumerable.Range(0, batch).Select(_ => (double)random.Next(classes)).ToArray(), new Shape(batch));
                double[] yPred = Enumerable.Range(0, shape.Length).Select(_ => fromLogits ? random.NextDouble() * 6 - 3 : 0.05 + random.NextDouble()).ToArray();
                var gradient = new Tensor<double>(shape);
                loss.Backward(labels, Tensor<double>.Wrap((double[])yPred.Clone(), shape), gradient);
                double[] numeric = NumericalGradient.Of(p => loss.Forward(labels, Tensor<double>.Wrap(p, shape)), yPred);
                NumericalGradient.AssertClose(gradient.ToArray(), numeric, $"sparse cce {shape}");
            }
        }
    }

    [Fact]
    public void Fused_softmax_crossentropy_equals_the_unfused_composition_and_the_numerical_gradient()
    {
        var random = new System.Random(11);
        var softmax = new Softmax();
        foreach (int batch in s_batches)
        {
            foreach (int classes in new[] { 1, 3, 10 })
            {
                var shape = new Shape(batch, classes);
                double[] logits = Enumerable.Range(0, shape.Length).Select(_ => random.NextDouble() * 6 - 3).ToArray();
                var z = Tensor<double>.Wrap(logits, shape);
                var probabilities = new Tensor<double>(shape);
                softmax.Forward(z, probabilities);
                var oneHot = new Tensor<double>(shape);
                var labels = new Tensor<double>(new Shape(batch));
                for (int r = 0; r < batch; r++)
                {
                    int c = random.Next(classes);
                    oneHot[r, c] = 1;
                    labels[r] = c;
                }

                foreach (var (loss, yTrue) in new (Loss, Tensor<double>)[] { (new CategoricalCrossentropy(), oneHot), (new SparseCategoricalCrossentropy(), labels) })
                {
                    var fusable = (IFusesWithActivation)loss;
                    var fused = new Tensor<double>(shape);
                    Assert.True(fusable.TryBackwardThroughActivation(softmax, yTrue, probabilities, fused));
                    Assert.False(fusable.TryBackwardThroughActivation(new Sigmoid(), yTrue, probabilities, new Tensor<double>(shape)));

                    var dLossDProbabilities = new Tensor<double>(shape);
                    loss.Backward(yTrue, probabilities, dLossDProbabilities);
                    var unfused = new Tensor<double>(shape);
                    softmax.Backward(z, probabilities, dLossDProbabilities, unfused);
                    NumericalGradient.AssertClose(fused.ToArray(), unfused.ToArray(), $"{loss.Name} fused vs unfused {shape}", atol: 1e-12, rtol: 1e-9);

                    double Objective(double[] input)
                    {
                        var p = new Tensor<double>(shape);
                        softmax.Forward(Tensor<double>.Wrap(input, shape), p);
                        return loss.Forward(yTrue, p);
                    }

                    NumericalGradient.AssertClose(fused.ToArray(), NumericalGradient.Of(Objective, (double[])logits.Clone()), $"{loss.Name} fused vs numeric {shape}");
                }
            }
        }
    }

    [Fact]
    public void Fused_sigmoid_binary_crossentropy_equals_the_unfused_composition()
    {
        var random = new System.Random(12);
        var sigmoid = new Sigmoid();
        foreach (var loss in new[] { new BinaryCrossentropy(), new BinaryCrossentropy(labelSmoothing: 0.1) })
        {
            foreach (int batch in s_batches)
            {
                foreach (int features in s_features)
                {
                    var shape = new Shape(batch, features);
                    var z = Tensor<double>.Wrap(Enumerable.Range(0, shape.Length).Select(_ => random.NextDouble() * 8 - 4).ToArray(), shape);
                    var yTrue = Tensor<double>.Wrap(Enumerable.Range(0, shape.Length).Select(_ => (double)random.Next(2)).ToArray(), shape);
                    var y = new Tensor<double>(shape);
                    sigmoid.Forward(z, y);
                    var fused = new Tensor<double>(shape);
                    loss.BackwardThroughSigmoid(yTrue, y, fused);
                    var unfused = new Tensor<double>(shape);
                    loss.Backward(yTrue, y, unfused);
                    sigmoid.Backward(z, y, unfused, unfused);
                    NumericalGradient.AssertClose(fused.ToArray(), unfused.ToArray(), $"bce fused {shape}", atol: 1e-12, rtol: 1e-9);
                }
            }
        }
    }

    [Fact]
    public void Fused_gradient_stays_exact_where_the_softmax_saturates()
    {
        // Logits ±1e4: softmax is exactly one-hot, far outside the clip range; the fused gradient is ŷ − t.
        var shape = new Shape(2, 3);
        var probabilities = new Tensor<double>(shape);
        new Softmax().Forward(Tensor<double>.Wrap([1e4, -1e4, 0, -1e4, 1e4, 0], shape), probabilities);
        var gradient = new Tensor<double>(shape);
        new CategoricalCrossentropy().BackwardThroughSoftmax(Tensor<double>.Wrap([0, 1, 0, 0, 1, 0], shape), probabilities, gradient);
        Assert.Equal([0.5, -0.5, 0, 0, 0, 0], gradient.ToArray());
    }

    [Fact]
    public void Losses_from_logits_refuse_to_fuse()
    {
        Assert.False(new CategoricalCrossentropy(fromLogits: true).FusesWithSoftmax);
        Assert.False(new BinaryCrossentropy(fromLogits: true).FusesWithSigmoid);
        var t = new Tensor<double>(1, 2);
        Assert.Throws<InvalidOperationException>(() => new SparseCategoricalCrossentropy(fromLogits: true).BackwardThroughSoftmax(new Tensor<double>(1), t, t));
    }
}
