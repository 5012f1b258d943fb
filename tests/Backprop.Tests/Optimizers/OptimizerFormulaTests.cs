using System.Numerics;
using Backprop.Layers;
using Backprop.Optimizers;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

/// <summary>Two steps of each optimiser from w = [1, −0.5] with the constant gradient g = [0.5, −2], pinned to values
/// derived by hand from the Keras formulas (the first-step arithmetic is spelled out per test).</summary>
public class OptimizerFormulaTests
{
    private static readonly double[] s_w0 = [1.0, -0.5];
    private static readonly double[] s_g = [0.5, -2.0];

    public static TheoryData<string, double[], double[]> Pins() => new()
    {
        // SGD η 0.1, μ 0.9: v₁ = −0.1g = [−0.05, 0.2] → w₁ = [0.95, −0.3]; v₂ = 0.9v₁ − 0.1g = [−0.095, 0.38] → w₂ = [0.855, 0.08].
        { "sgd_momentum", [0.95, -0.3], [0.855, 0.08] },

        // Nesterov: w₁ = w₀ + 0.9v₁ − 0.1g = [1 − 0.045 − 0.05, −0.5 + 0.18 + 0.2] = [0.905, −0.12];
        // w₂ = w₁ + 0.9v₂ − 0.1g = [0.905 − 0.0855 − 0.05, −0.12 + 0.342 + 0.2] = [0.7695, 0.422].
        { "sgd_nesterov", [0.905, -0.12], [0.7695, 0.422] },

        // Adam η 0.1: m₁ = 0.1g, v₁ = 0.001g², α₁ = 0.1·√0.001/0.1, step ≈ η·sign(g) shrunk by ε: 0.1·|g|√0.001/(|g|√0.001 + 1e-7).
        { "adam", [0.90000063245153195, -0.40000015811363293], [0.80000107977497248, -0.30000026994486872] },

        // Adagrad η 0.1: a₁ = 0.1 + g² = [0.35, 4.1]; w₁ = w₀ − 0.1g/√(a₁ + 1e-7) = [1 − 0.05/0.59161, −0.5 + 0.2/2.02485].
        { "adagrad", [0.91548458660077792, -0.40122704153958932], [0.85093486954313047, -0.33095420508074158] },

        // RMSprop η 0.01: v₁ = 0.1g² = [0.025, 0.4]; w₁ = w₀ − 0.01g/√(v₁ + 1e-7) = [1 − 0.005/0.158114, −0.5 + 0.02/0.632456].
        { "rmsprop", [0.96837728664367972, -0.46837722735116255], [0.94543573740561004, -0.44543565547342023] },

        // Adamax η 0.1: m₁ = 0.1g, u₁ = |g|; w₁ = w₀ − 0.1·m₁/((1 − 0.9)(u₁ + 1e-7)) = w₀ − 0.1·sign(g)·|g|/(|g| + 1e-7).
        { "adamax", [0.9000000199999959, -0.40000000499999971], [0.80000003999999181, -0.30000000999999943] },

        // Nadam η 0.1: μ₁ = 0.9(1 − ½·0.96) = 0.468, μ₂ = 0.9(1 − ½·0.9216) = 0.48528, Π₁ = 0.468;
        // m̂ = μ₂·0.1g/(1 − 0.468·0.48528) + (1 − 0.468)g/(1 − 0.468), v̂ = g²; w₁ = w₀ − 0.1·m̂/(|g| + 1e-7).
        { "nadam", [0.8937212409248747, -0.39372122498306167], [0.81636218788597725, -0.31636216034030684] },

        // Adadelta η 1, ρ 0.95: a₁ = 0.05g²; Δ₁ = −√1e-7·g/√(a₁ + 1e-7) = [−0.0014142, 0.0014142]; w₁ = w₀ + Δ₁.
        { "adadelta", [0.9985857920944472, -0.49858578679118015], [0.99715356814870004, -0.49715355740574907] },
    };

    [Theory]
    [MemberData(nameof(Pins))]
    public void Float64StepsMatchHandDerivedValues(string name, double[] afterStep1, double[] afterStep2) =>
        Run<double>(name, afterStep1, afterStep2, relative: 1e-14);

    [Theory]
    [MemberData(nameof(Pins))]
    public void Float32StepsMatchHandDerivedValues(string name, double[] afterStep1, double[] afterStep2) =>
        Run<float>(name, afterStep1, afterStep2, relative: 1e-6);

    [Fact]
    public void SgdWithoutMomentumIsPlainGradientDescentAndNeedsNoState()
    {
        var p = Create<double>("kernel", [1.0, -0.5]);
        SetGradient(p, s_g);
        new SGD(learningRate: 0.1).Apply([p]);
        Assert.Equal([0.95, -0.3], Values(p));
    }

    private static void Run<T>(string name, double[] afterStep1, double[] afterStep2, double relative) where T : unmanaged, IFloatingPointIeee754<T>
    {
        FirstOrderOptimizer optimizer = name switch
        {
            "sgd_momentum" => new SGD(learningRate: 0.1, momentum: 0.9),
            "sgd_nesterov" => new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true),
            "adam" => new Adam(learningRate: 0.1),
            "adagrad" => new Adagrad(learningRate: 0.1),
            "rmsprop" => new RMSprop(learningRate: 0.01),
            "adamax" => new Adamax(learningRate: 0.1),
            "nadam" => new Nadam(learningRate: 0.1),
            "adadelta" => new Adadelta(learningRate: 1.0),
            _ => throw new ArgumentException(name),
        };
        Parameter p = Create<T>("kernel", s_w0);
        SetGradient(p, s_g);
        optimizer.Apply([p]);
        AssertClose(afterStep1, Values(p), relative, 0, $"{name} step 1");
        optimizer.Apply([p]);
        AssertClose(afterStep2, Values(p), relative, 0, $"{name} step 2");
    }
}
