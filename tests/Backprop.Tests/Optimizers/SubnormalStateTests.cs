using System.Numerics;
using Backprop.Kernels;
using Backprop.Optimizers;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

/// <summary>Optimiser state that decays while its gradient is zero (a dead unit) never holds a subnormal value: it is
/// stored as zero instead, as TensorFlow's flushing CPU kernels leave it, because every operation on a subnormal costs a
/// microcode assist on Intel cores (<see cref="Subnormals"/>). Meanwhile the weights follow the formula: a weight moves
/// exactly as the IEEE formula moves it while the update is normal, and not at all once it would be subnormal.</summary>
public class SubnormalStateTests
{
    public static TheoryData<string> Optimizers() =>
        ["sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "nadam", "adamax", "rmsprop", "rmsprop-momentum-centered", "adadelta"];

    // Keras's default rates (SGD's 0.01, Adadelta's 1.0, the others' 0.001).
    private static FirstOrderOptimizer Create(string name) =>
        OptimizerNamed(name, name.StartsWith("sgd", StringComparison.Ordinal) ? 0.01 : name == "adadelta" ? 1.0 : 0.001);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Decaying_state_is_never_stored_subnormal_in_float(string optimizer) => Check<float>(optimizer, 1e-10, 1e-36);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Decaying_state_is_never_stored_subnormal_in_double(string optimizer) => Check<double>(optimizer, 1e-100, 1e-300);

    private static void Check<T>(string name, double largeGradient, double tinyGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // 1,007 values (whole vectors and a scalar tail); gradients of magnitudes from `largeGradient` down to
        // `tinyGradient` (just above the subnormal range) for a few steps, then zero for long enough that every state
        // would decay through the subnormal range (Adam's second moment needs the most steps: 0.999 per step).
        const int length = 1007;
        var random = new System.Random(11);
        double[] start = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var parameter = Create<T>("w", start);
        var optimizer = Create(name);
        double[] magnitudes = Enumerable.Range(0, length).Select(i => largeGradient * Math.Pow(tinyGradient / largeGradient, i / (double)(length - 1))).ToArray();
        for (int step = 0; step < 400; step++)
        {
            double[] gradient = step < 3 ? magnitudes.Select((m, i) => i % 2 == 0 ? m : -m).ToArray() : new double[length];
            SetGradient(parameter, gradient);
            optimizer.Apply([parameter]);
            if (step % 20 == 0 || step == 399)
            {
                AssertNoSubnormal<T>(optimizer, parameter, $"{name} {typeof(T).Name} step {step}");
            }
        }
    }

    private static void AssertNoSubnormal<T>(Optimizer optimizer, Parameter parameter, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (key, tensor) in optimizer.GetState([parameter]).Entries)
        {
            if (tensor is not Tensor<T> state)
            {
                continue;
            }

            var values = state.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                if (T.IsSubnormal(values[i]))
                {
                    Assert.Fail($"{what}: state '{key}'[{i}] holds the subnormal {values[i]}.");
                }
            }
        }

        foreach (T w in ((Tensor<T>)parameter.Value).AsSpan())
        {
            Assert.True(T.IsFinite(w) && !T.IsSubnormal(w), $"{what}: weight {w}");
        }
    }
}
