using System.Runtime.CompilerServices;
using Backprop.Config;
using Backprop.Kernels;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Optimizers;

/// <summary>Adamax, Adam's infinity-norm variant (Kingma and Ba 2014, §7.1), Keras 3 form. With t = Iterations + 1:
/// <c>m ← m + (g − m)(1 − β₁)</c>, <c>u ← max(β₂·u, |g|)</c>, <c>w ← w − η·m/((1 − β₁ᵗ)(u + ε))</c>. PyTorch's
/// <c>Adamax</c> computes <c>u ← max(β₂·u, |g| + ε)</c> and divides by u alone, with lr 2e-3 and ε = 1e-8; Keras
/// defaults η = 1e-3, ε = 1e-7.</summary>
public sealed class Adamax : FirstOrderOptimizer
{
    /// <param name="learningRate">η (default 1e-3) or a schedule.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1), decay of the infinity norm.</param>
    /// <param name="epsilon">ε &gt; 0 added to u.</param>
    /// <param name="weightDecay">Decoupled decay λ (see <see cref="Optimizer"/>).</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    public Adamax(
        LearningRateOrSchedule? learningRate = null,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-7,
        double? weightDecay = null,
        double? clipNorm = null,
        double? clipValue = null,
        double? globalClipNorm = null)
        : base(learningRate ?? 1e-3, weightDecay, clipNorm, clipValue, globalClipNorm)
    {
        Beta1 = CheckUnitInterval(beta1, nameof(beta1));
        Beta2 = CheckUnitInterval(beta2, nameof(beta2));
        Epsilon = CheckPositive(epsilon, nameof(epsilon));
    }

    /// <summary>β₁, the decay rate of the first-moment estimate (Keras default 0.9).</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay rate of the exponentially weighted infinity norm (Keras default 0.999).</summary>
    public double Beta2 { get; }

    /// <summary>ε &gt; 0 added to the denominator for numerical stability (Keras default 1e-7).</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adamax";

    /// <inheritdoc/>
    protected override int SlotCount => 2;

    /// <inheritdoc/>
    protected override string SlotName(int slot) => slot switch
    {
        0 => "m",
        1 => "u",
        _ => base.SlotName(slot),
    };

    /// <inheritdoc/>
    /// <remarks>Compiled fully optimised at its first call, as the SGD and Adam kernels are: its loop is the step's
    /// work, and at tier 0 (a lab that keeps compiling new code keeps methods there) its vector operations would run
    /// as calls.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate)
    {
        double t = Iterations + 1;
        T lr = T.CreateChecked(learningRate);
        T correction = T.CreateChecked(1 - Math.Pow(Beta1, t));
        T oneMinusBeta1 = T.CreateChecked(1 - Beta1);
        T beta2 = T.CreateChecked(Beta2);
        T eps = T.CreateChecked(Epsilon);
        var w = weight.AsSpan();
        var g = gradient.AsSpan();
        var m = Slot(index, 0, weight).AsSpan();
        var u = Slot(index, 1, weight).AsSpan();
        // Products that would be subnormal are zero and subnormal state is stored as zero (Subnormals).
        T least1 = Subnormals.ProductThreshold(oneMinusBeta1), leastLr = Subnormals.ProductThreshold(lr);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The formula below in whole vectors, operation by operation, so every lane rounds as the scalar loop does.
            var wv = MemoryMarshal.Cast<T, Vector<T>>(w);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
            var uv = MemoryMarshal.Cast<T, Vector<T>>(u);
            var lrV = new Vector<T>(lr);
            var correctionV = new Vector<T>(correction);
            var oneMinusBeta1V = new Vector<T>(oneMinusBeta1);
            var beta2V = new Vector<T>(beta2);
            var epsV = new Vector<T>(eps);
            var least1V = new Vector<T>(least1);
            var leastLrV = new Vector<T>(leastLr);
            var normal = new Vector<T>(Subnormals.SmallestNormal<T>());
            for (int k = 0; k < wv.Length; k++)
            {
                var gk = gv[k];
                var mk = Subnormals.MovingAverage(mv[k], gk, oneMinusBeta1V, least1V, normal);
                mv[k] = mk;
                var uk = Subnormals.ZeroBelow(Vector.Max(beta2V * uv[k], Vector.Abs(gk)), normal);
                uv[k] = uk;
                wv[k] = wv[k] - lrV * Subnormals.ZeroBelow(mk, leastLrV) / (correctionV * (uk + epsV));
            }

            i = wv.Length * Vector<T>.Count;
        }

        for (; i < w.Length; i++)
        {
            T gi = g[i];
            m[i] = Subnormals.MovingAverage(m[i], gi, oneMinusBeta1, least1);
            u[i] = Subnormals.Flush(T.Max(beta2 * u[i], T.Abs(gi)));
            w[i] -= lr * Subnormals.ZeroBelow(m[i], leastLr) / (correction * (u[i] + eps));
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = BaseConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        return config;
    }

    internal static Adamax FromConfig(ConfigReader config) => new(
        config.LearningRate(1e-3), config.Double("beta_1", 0.9), config.Double("beta_2", 0.999), config.Double("epsilon", 1e-7),
        config.NullableDouble("weight_decay"), config.NullableDouble("clipnorm"), config.NullableDouble("clipvalue"),
        config.NullableDouble("global_clipnorm"));
}
