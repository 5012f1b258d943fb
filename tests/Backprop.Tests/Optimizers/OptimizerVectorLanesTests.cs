using System.Numerics;
using Backprop.Optimizers;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

/// <summary>Every optimiser updates a parameter of 1,007 values (whole vectors plus a scalar tail) to exactly the
/// bits it gives each value updated on its own (a one-value parameter never reaches the vector loop), over several
/// steps with gradients of mixed magnitude, zeros and decaying state included.</summary>
public class OptimizerVectorLanesTests
{
    public static TheoryData<string> Optimizers() =>
        ["sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "nadam", "adamax", "rmsprop",
         "rmsprop-momentum", "rmsprop-centered", "adadelta", "adagrad"];

    private static FirstOrderOptimizer Create(string name) =>
        OptimizerNamed(name, name is "sgd" or "sgd-momentum" or "sgd-nesterov" or "adagrad" ? 0.01 : name == "adadelta" ? 1.0 : 0.003);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Vector_lanes_give_the_bits_of_the_scalar_loop(string name)
    {
        Check<float>(name);
        Check<double>(name);
    }

    private static void Check<T>(string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int length = 1007, steps = 12;
        var random = new System.Random(name.Length * 7 + typeof(T).Name.Length);
        double[] start = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var whole = Create<T>("w", start);
        var wholeOptimizer = Create(name);
        var single = start.Select((v, i) => Create<T>($"w{i}", [v])).ToArray();
        var singleOptimizer = Create(name);
        for (int step = 0; step < steps; step++)
        {
            // Mixed magnitudes, a third exact zeros (dead units), and from step 8 on no gradient at all.
            double[] gradient = Enumerable.Range(0, length)
                .Select(i => step >= 8 || i % 3 == 0 ? 0.0 : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 2)))
                .ToArray();
            SetGradient(whole, gradient);
            wholeOptimizer.Apply([whole]);
            for (int i = 0; i < length; i++)
            {
                SetGradient(single[i], [gradient[i]]);
            }

            singleOptimizer.Apply(single);
            double[] got = Values(whole);
            for (int i = 0; i < length; i++)
            {
                double expected = Values(single[i])[0];
                if (!got[i].Equals(expected))
                {
                    Assert.Fail($"{name} {typeof(T).Name} step {step}, value {i}: {got[i]:R} in the vector pass, {expected:R} alone");
                }
            }
        }
    }
}
