using Backprop.Labs.BackpropStep;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Random;

namespace Backprop.Labs.GradientDerivations;

/// <summary>The three output-layer pairs whose error signal is δ = ŷ − y.</summary>
public enum OutputPair
{
    /// <summary>Linear output with the halved squared error L = (1/n) Σᵢ ½ Σₖ (ŷᵢₖ − yᵢₖ)².</summary>
    LinearHalfSquaredError,

    /// <summary>Sigmoid output with binary cross-entropy.</summary>
    SigmoidBinaryCrossentropy,

    /// <summary>Softmax output with categorical cross-entropy.</summary>
    SoftmaxCategoricalCrossentropy,
}

/// <summary>One instance: n samples of k outputs (k = 1 for the sigmoid pair), random values from <paramref name="Seed"/>.</summary>
public sealed record OutputCase(OutputPair Pair, int Samples, int Outputs, ulong Seed)
{
    /// <inheritdoc/>
    public override string ToString() => $"{OutputDeltas.Label(Pair)}, n = {Samples}, k = {Outputs}";
}

/// <summary>
/// Course 001 Ex. 1b and course 000 Q3(b): for a linear output with the ½-scaled squared error, a sigmoid output with
/// binary cross-entropy and a softmax output with categorical cross-entropy, the gradient of the per-sample loss
/// with respect to the output layer's pre-activation z is δ = ŷ − y; averaged over a batch of n, ∂L/∂z = (ŷ − y)/n.
/// The engine's δ is the loss's Backward followed by the output activation's Backward (not fused).
/// </summary>
public static class OutputDeltas
{
    /// <summary>How the report names an output–loss pair ("sigmoid + binary cross-entropy").</summary>
    public static string Label(OutputPair pair) => pair switch
    {
        OutputPair.LinearHalfSquaredError => "linear + ½ squared error",
        OutputPair.SigmoidBinaryCrossentropy => "sigmoid + binary cross-entropy",
        _ => "softmax + categorical cross-entropy",
    };

    /// <summary>Checks δ = ŷ − y for one output–loss pair against the engine and against central differences.</summary>
    public static DerivativeCheck Check(OutputCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var random = new RandomGenerator(c.Seed);
        int n = c.Samples, k = c.Outputs;
        double[] zs = Derivation.Normal(random, n * k);
        double[] ys = Targets(random, c);
        var z = Tensor.From(zs, n, k);
        var y = Tensor.From(ys, n, k);
        var (activation, loss) = c.Pair switch
        {
            OutputPair.LinearHalfSquaredError => ("linear", (Loss)new HalfSquaredError()),
            OutputPair.SigmoidBinaryCrossentropy => ("sigmoid", new BinaryCrossentropy()),
            _ => ("softmax", new CategoricalCrossentropy()),
        };

        // The identity: δ = (ŷ − y)/n, ŷ = the output activation of z.
        var output = Derivation.Float64(new Activation(activation), new Shape(k));
        var yHat = output.Forward(z, training: true).Clone();
        var delta = (yHat - y) / n;

        // The engine: the loss's Backward, then the activation's.
        var dYHat = new Tensor<double>(yHat.Shape);
        loss.Backward(y, yHat, dYHat);
        var deltaEngine = output.Backward(dYHat).Clone();

        double Loss() => NaiveLoss(zs, ys, c);
        return new DerivativeCheck(c.ToString(), "δ = ∂L/∂z", "(ŷ − y)/n", Derivation.ShapeText(n, k),
            Errors.Scaled(delta, deltaEngine), Errors.Scaled(delta.AsSpan(), CentralDifferences.Of(zs, Loss)));
    }

    /// <summary>L(z) with loops: the batch mean of the per-sample loss.</summary>
    internal static double NaiveLoss(double[] z, double[] y, OutputCase c)
    {
        int n = c.Samples, k = c.Outputs;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var row = z.AsSpan(i * k, k);
            var target = y.AsSpan(i * k, k);
            switch (c.Pair)
            {
                case OutputPair.LinearHalfSquaredError:
                    for (int j = 0; j < k; j++)
                    {
                        sum += 0.5 * (row[j] - target[j]) * (row[j] - target[j]);
                    }

                    break;
                case OutputPair.SigmoidBinaryCrossentropy:
                    for (int j = 0; j < k; j++)
                    {
                        double p = 1 / (1 + Math.Exp(-row[j]));
                        sum -= (target[j] * Math.Log(p) + (1 - target[j]) * Math.Log(1 - p)) / k;
                    }

                    break;
                default:
                    double max = double.NegativeInfinity;
                    foreach (double v in row)
                    {
                        max = Math.Max(max, v);
                    }

                    double total = 0;
                    foreach (double v in row)
                    {
                        total += Math.Exp(v - max);
                    }

                    for (int j = 0; j < k; j++)
                    {
                        sum -= target[j] * (row[j] - max - Math.Log(total));
                    }

                    break;
            }
        }

        return sum / n;
    }

    // Regression targets from N(0, 1); binary labels 0/1; one-hot classes.
    private static double[] Targets(RandomGenerator random, OutputCase c)
    {
        var y = new double[c.Samples * c.Outputs];
        for (int i = 0; i < c.Samples; i++)
        {
            switch (c.Pair)
            {
                case OutputPair.LinearHalfSquaredError:
                    for (int j = 0; j < c.Outputs; j++)
                    {
                        y[i * c.Outputs + j] = random.NextNormal();
                    }

                    break;
                case OutputPair.SigmoidBinaryCrossentropy:
                    for (int j = 0; j < c.Outputs; j++)
                    {
                        y[i * c.Outputs + j] = random.NextInt(2);
                    }

                    break;
                default:
                    y[i * c.Outputs + random.NextInt(c.Outputs)] = 1;
                    break;
            }
        }

        return y;
    }
}
