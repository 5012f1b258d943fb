using Backprop.Layers;
using Backprop.Random;
using MeanSquaredErrorLoss = Backprop.Losses.MeanSquaredError;

namespace Backprop.Labs.GradientDerivations;

/// <summary>One instance of the graph: a row input of D features, H hidden units, random values from <paramref name="Seed"/>.</summary>
public sealed record GraphCase(int Inputs, int Hidden, ulong Seed)
{
    /// <inheritdoc/>
    public override string ToString() => $"D = {Inputs}, H = {Hidden}";
}

/// <summary>One of the twelve derivatives: the closed form from the chain, the engine's value where it has one, and
/// central differences.</summary>
public sealed record GraphDerivative(string Number, string Name, string Formula, double[] Value, double[]? Engine, double[] CentralDifference);

/// <summary>
/// Course 004 §3: the computational graph of a one-hidden-layer sigmoid network with squared loss, in the course's
/// row-vector layout — z1 = xW1, z2 = z1 + b1, z3 = σ(z2), z4 = z3W2, ŷ = z4 + b2, l = (y − ŷ)² — and its twelve
/// derivatives by the chain rule, each from the one before:
/// (i) ∂l/∂l = 1; (ii) ∂l/∂y = 2(y − ŷ); (iii) ∂l/∂ŷ = −2(y − ŷ); (iv) ∂l/∂b2 = ∂l/∂ŷ; (v) ∂l/∂z4 = ∂l/∂ŷ;
/// (vi) ∂l/∂W2 = z3ᵀ ∂l/∂z4; (vii) ∂l/∂z3 = ∂l/∂z4 W2ᵀ; (viii) ∂l/∂z2 = ∂l/∂z3 ∘ σ′(z2), σ′(z2) = z3(1 − z3);
/// (ix) ∂l/∂b1 = ∂l/∂z2; (x) ∂l/∂z1 = ∂l/∂z2; (xi) ∂l/∂W1 = xᵀ ∂l/∂z1; (xii) ∂l/∂x = ∂l/∂z1 W1ᵀ.
/// The course's chain carries ∂l/∂ŷ on from (iv) with the other sign, +2(y − ŷ) (its (ii)); <see cref="Check"/>
/// evaluates that chain too, so the check can show it fails.
/// </summary>
public static class ComputationalGraph
{
    /// <summary>The twelve derivatives of the correct chain, and the nine of the course's chain from (iv) on, which
    /// start from ∂l/∂ŷ = +2(y − ŷ).</summary>
    public static (IReadOnlyList<GraphDerivative> Correct, IReadOnlyList<GraphDerivative> AsPublished) Check(GraphCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var random = new RandomGenerator(c.Seed);
        int d = c.Inputs, hCount = c.Hidden;
        var g = new Graph(
            Derivation.Normal(random, d), Derivation.Normal(random, d * hCount), Derivation.Normal(random, hCount),
            Derivation.Normal(random, hCount), [random.NextNormal()], [random.NextNormal()], d, hCount);

        // Forward, with tensors of the course's shapes: x (1, D), W1 (D, H), b1 (1, H), W2 (H, 1), b2 and y (1, 1).
        var x = Tensor.From(g.X, 1, d);
        var w1 = Tensor.From(g.W1, d, hCount);
        var b1 = Tensor.From(g.B1, 1, hCount);
        var w2 = Tensor.From(g.W2, hCount, 1);
        var b2 = Tensor.From(g.B2, 1, 1);
        var y = Tensor.From(g.Y, 1, 1);
        var z1 = Ops.MatMul(x, w1);
        var z2 = z1 + b1;
        var z3 = Ops.Sigmoid(z2);
        var z4 = Ops.MatMul(z3, w2);
        var yHat = z4 + b2;

        // The engine: Dense(H) → sigmoid → Dense(1), the library's MSE (one sample, one output: (ŷ − y)²).
        var hidden = Derivation.Float64(new Dense(hCount), new Shape(d), w1, Tensor.From(g.B1, hCount));
        var sigmoid = Derivation.Float64(new Activation("sigmoid"), new Shape(hCount));
        var output = Derivation.Float64(new Dense(1), new Shape(hCount), w2, Tensor.From(g.B2, 1));
        var prediction = output.Forward(sigmoid.Forward(hidden.Forward(x, training: true), training: true), training: true);
        var dPrediction = new Tensor<double>(prediction.Shape);
        new MeanSquaredErrorLoss().Backward(y, prediction, dPrediction);
        Derivation.ZeroGradients(hidden, output);
        var dZ3Engine = output.Backward(dPrediction).Clone();
        var dZ2Engine = sigmoid.Backward(dZ3Engine).Clone();
        var dXEngine = hidden.Backward(dZ2Engine).Clone();

        var correct = Chain(x, w1, z3, w2, yHat, y, publishedSign: false);
        var published = Chain(x, w1, z3, w2, yHat, y, publishedSign: true);
        var engine = new Dictionary<string, double[]?>
        {
            ["i"] = null,
            ["ii"] = null,
            ["iii"] = dPrediction.ToArray(),
            ["iv"] = output.Bias!.GradientAs<double>().ToArray(),
            ["v"] = dPrediction.ToArray(),
            ["vi"] = output.Kernel.GradientAs<double>().ToArray(),
            ["vii"] = dZ3Engine.ToArray(),
            ["viii"] = dZ2Engine.ToArray(),
            ["ix"] = hidden.Bias!.GradientAs<double>().ToArray(),
            ["x"] = dZ2Engine.ToArray(),
            ["xi"] = hidden.Kernel.GradientAs<double>().ToArray(),
            ["xii"] = dXEngine.ToArray(),
        };
        var differences = CentralDifferencesOf(g);
        GraphDerivative Row((string Number, string Name, string Formula, Tensor<double> Value) r) =>
            new(r.Number, r.Name, r.Formula, r.Value.ToArray(), engine[r.Number], differences[r.Number]);
        return (correct.Select(Row).ToList(), published.Where(r => r.Number is not ("i" or "ii" or "iii")).Select(Row).ToList());
    }

    /// <summary>The chain (i)–(xii). With <paramref name="publishedSign"/>, ∂l/∂ŷ enters (iv) onwards as +2(y − ŷ),
    /// as the course carried it on.</summary>
    private static List<(string Number, string Name, string Formula, Tensor<double> Value)> Chain(
        Tensor<double> x, Tensor<double> w1, Tensor<double> z3, Tensor<double> w2, Tensor<double> yHat, Tensor<double> y, bool publishedSign)
    {
        var dL = Tensor.From([1.0], 1, 1);
        var dY = (y - yHat) * 2.0;
        var dYHat = (y - yHat) * -2.0;
        var carried = publishedSign ? dY : dYHat;
        var dB2 = carried;
        var dZ4 = carried;
        var dW2 = Ops.MatMul(z3, dZ4, transposeA: true);
        var dZ3 = Ops.MatMul(dZ4, w2, transposeB: true);
        var dZ2 = dZ3 * z3 * (-z3 + 1.0);
        var dB1 = dZ2;
        var dZ1 = dZ2;
        var dW1 = Ops.MatMul(x, dZ1, transposeA: true);
        var dX = Ops.MatMul(dZ1, w1, transposeB: true);
        string sign = publishedSign ? " (carried as +2(y − ŷ))" : "";
        return
        [
            ("i", "∂l/∂l", "1", dL),
            ("ii", "∂l/∂y", "2(y − ŷ)", dY),
            ("iii", "∂l/∂ŷ", "−2(y − ŷ)", dYHat),
            ("iv", "∂l/∂b2", "∂l/∂ŷ" + sign, dB2),
            ("v", "∂l/∂z4", "∂l/∂ŷ" + sign, dZ4),
            ("vi", "∂l/∂W2", "z3ᵀ ∂l/∂z4", dW2),
            ("vii", "∂l/∂z3", "∂l/∂z4 W2ᵀ", dZ3),
            ("viii", "∂l/∂z2", "∂l/∂z3 ∘ z3(1 − z3)", dZ2),
            ("ix", "∂l/∂b1", "∂l/∂z2", dB1),
            ("x", "∂l/∂z1", "∂l/∂z2", dZ1),
            ("xi", "∂l/∂W1", "xᵀ ∂l/∂z1", dW1),
            ("xii", "∂l/∂x", "∂l/∂z1 W1ᵀ", dX),
        ];
    }

    /// <summary>Central differences of l with respect to each variable and each intermediate node: a node is
    /// perturbed after it is computed and the rest of the graph recomputed from it.</summary>
    private static Dictionary<string, double[]> CentralDifferencesOf(Graph g)
    {
        double[] Node(string node)
        {
            var value = g.Nodes()[node];
            return CentralDifferences.Of(value, () => g.Loss(node, value));
        }

        double[] loss = [g.Loss()];
        return new Dictionary<string, double[]>
        {
            ["i"] = CentralDifferences.Of(loss, () => loss[0]),
            ["ii"] = CentralDifferences.Of(g.Y, () => g.Loss()),
            ["iii"] = Node("yHat"),
            ["iv"] = CentralDifferences.Of(g.B2, () => g.Loss()),
            ["v"] = Node("z4"),
            ["vi"] = CentralDifferences.Of(g.W2, () => g.Loss()),
            ["vii"] = Node("z3"),
            ["viii"] = Node("z2"),
            ["ix"] = CentralDifferences.Of(g.B1, () => g.Loss()),
            ["x"] = Node("z1"),
            ["xi"] = CentralDifferences.Of(g.W1, () => g.Loss()),
            ["xii"] = CentralDifferences.Of(g.X, () => g.Loss()),
        };
    }

    /// <summary>The graph with loops, row-major: x (D), W1 (D × H), b1 (H), W2 (H), b2 (1), y (1).</summary>
    private sealed record Graph(double[] X, double[] W1, double[] B1, double[] W2, double[] B2, double[] Y, int D, int H)
    {
        /// <summary>Every intermediate node, freshly computed.</summary>
        public Dictionary<string, double[]> Nodes()
        {
            var nodes = new Dictionary<string, double[]>();
            Loss(null, null, nodes);
            return nodes;
        }

        /// <summary>l, with node <paramref name="node"/> replaced by <paramref name="value"/> after it is computed.</summary>
        public double Loss(string? node = null, double[]? value = null, Dictionary<string, double[]>? nodes = null)
        {
            double[] Take(string name, double[] computed)
            {
                nodes?.Add(name, computed);
                return name == node ? value! : computed;
            }

            var z1 = new double[H];
            for (int j = 0; j < H; j++)
            {
                for (int i = 0; i < D; i++)
                {
                    z1[j] += X[i] * W1[i * H + j];
                }
            }

            z1 = Take("z1", z1);
            var z2 = Take("z2", z1.Select((v, j) => v + B1[j]).ToArray());
            var z3 = Take("z3", z2.Select(v => 1 / (1 + Math.Exp(-v))).ToArray());
            var z4 = Take("z4", [z3.Select((v, j) => v * W2[j]).Sum()]);
            var yHat = Take("yHat", [z4[0] + B2[0]]);
            double e = Y[0] - yHat[0];
            return e * e;
        }
    }
}
