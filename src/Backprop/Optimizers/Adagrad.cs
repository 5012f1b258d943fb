using System.Runtime.CompilerServices;
using Backprop.Config;
using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Kernels;

namespace Backprop.Optimizers;

/// <summary>Adagrad (Duchi et al. 2011), Keras 3 form: <c>a ← a + g²</c> (a starts at
/// <c>initial_accumulator_value</c> = 0.1), <c>w ← w − η·g/√(a + ε)</c> — ε inside the square root. PyTorch's
/// <c>Adagrad</c> starts a at 0, divides by <c>√a + ε</c> with ε = 1e-10 and defaults to lr 1e-2; Keras
/// defaults η = 1e-3, ε = 1e-7.</summary>
public sealed class Adagrad : FirstOrderOptimizer
{
    /// <param name="learningRate">η (default 1e-3) or a schedule.</param>
    /// <param name="initialAccumulatorValue">The accumulator's starting value, ≥ 0.</param>
    /// <param name="epsilon">ε &gt; 0 inside the square root.</param>
    /// <param name="weightDecay">Decoupled decay λ (see <see cref="Optimizer"/>).</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    public Adagrad(
        LearningRateOrSchedule? learningRate = null,
        double initialAccumulatorValue = 0.1,
        double epsilon = 1e-7,
        double? weightDecay = null,
        double? clipNorm = null,
        double? clipValue = null,
        double? globalClipNorm = null)
        : base(learningRate ?? 1e-3, weightDecay, clipNorm, clipValue, globalClipNorm)
    {
        InitialAccumulatorValue = CheckNonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue));
        Epsilon = CheckPositive(epsilon, nameof(epsilon));
    }

    /// <summary>The starting value of every squared-gradient accumulator (Keras default 0.1).</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>ε &gt; 0 added to the denominator for numerical stability (Keras default 1e-7).</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adagrad";

    /// <inheritdoc/>
    protected override int SlotCount => 1;

    /// <inheritdoc/>
    protected override string SlotName(int slot) => slot switch
    {
        0 => "accumulator",
        _ => base.SlotName(slot),
    };

    /// <inheritdoc/>
    /// <remarks>Compiled fully optimised at its first call, as the SGD and Adam kernels are: its loop is the step's
    /// work, and at tier 0 (a lab that keeps compiling new code keeps methods there) its vector operations would run
    /// as calls.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate)
    {
        T lr = T.CreateChecked(learningRate);
        T eps = T.CreateChecked(Epsilon);
        var w = weight.AsSpan();
        var g = gradient.AsSpan();
        var a = Slot(index, 0, weight, InitialAccumulatorValue).AsSpan();
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The formula below in whole vectors, operation by operation, so every lane rounds as the scalar loop does.
            var wv = MemoryMarshal.Cast<T, Vector<T>>(w);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var av = MemoryMarshal.Cast<T, Vector<T>>(a);
            var lrV = new Vector<T>(lr);
            var epsV = new Vector<T>(eps);
            for (int k = 0; k < wv.Length; k++)
            {
                var gk = gv[k];
                var ak = av[k] + gk * gk;
                av[k] = ak;
                wv[k] = wv[k] - lrV * gk / Vector.SquareRoot(ak + epsV);
            }

            i = wv.Length * Vector<T>.Count;
        }

        for (; i < w.Length; i++)
        {
            T gi = g[i];
            a[i] += gi * gi;
            w[i] -= lr * gi / T.Sqrt(a[i] + eps);
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = BaseConfig();
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["epsilon"] = Epsilon;
        return config;
    }

    internal static Adagrad FromConfig(ConfigReader config) => new(
        config.LearningRate(1e-3), config.Double("initial_accumulator_value", 0.1), config.Double("epsilon", 1e-7),
        config.NullableDouble("weight_decay"), config.NullableDouble("clipnorm"), config.NullableDouble("clipvalue"),
        config.NullableDouble("global_clipnorm"));
}
