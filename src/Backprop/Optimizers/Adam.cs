using System.Runtime.CompilerServices;
using Backprop.Kernels;
using Backprop.Config;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Optimizers;

/// <summary>Adam (Kingma and Ba 2014) in Keras 3's form. With t = Iterations + 1:
/// <c>α_t = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)</c>, <c>m ← m + (g − m)(1 − β₁)</c>, <c>v ← v + (g² − v)(1 − β₂)</c>,
/// <c>w ← w − α_t·m/(√v + ε)</c>; with amsgrad <c>v̂ ← max(v̂, v)</c> replaces v in the denominator.
/// <para>PyTorch's <c>torch.optim.Adam</c> divides by <c>√v̂_t + ε</c> with <c>v̂_t = v/(1 − β₂ᵗ)</c>, i.e. Keras's
/// ε̂ equals PyTorch's ε·√(1 − β₂ᵗ): the two agree exactly when PyTorch's ε is set to ε̂/√(1 − β₂ᵗ) (a different
/// value each step), and approximately once √v ≫ ε. Defaults differ too: Keras ε = 1e-7, PyTorch 1e-8.</para>
/// Keras computes α_t in the parameter dtype; Backprop in float64 before rounding once.</summary>
public class Adam : FirstOrderOptimizer
{
    /// <param name="learningRate">η (default 1e-3) or a schedule.</param>
    /// <param name="beta1">β₁ in [0, 1), decay of the first moment.</param>
    /// <param name="beta2">β₂ in [0, 1), decay of the second moment.</param>
    /// <param name="epsilon">ε̂ &gt; 0 added to √v.</param>
    /// <param name="amsgrad">Use the running maximum of v (Reddi et al. 2018).</param>
    /// <param name="weightDecay">Decoupled decay λ (see <see cref="Optimizer"/>).</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    public Adam(
        LearningRateOrSchedule? learningRate = null,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-7,
        bool amsgrad = false,
        double? weightDecay = null,
        double? clipNorm = null,
        double? clipValue = null,
        double? globalClipNorm = null)
        : base(learningRate ?? 1e-3, weightDecay, clipNorm, clipValue, globalClipNorm)
    {
        Beta1 = CheckUnitInterval(beta1, nameof(beta1));
        Beta2 = CheckUnitInterval(beta2, nameof(beta2));
        Epsilon = CheckPositive(epsilon, nameof(epsilon));
        Amsgrad = amsgrad;
    }

    /// <summary>β₁, the decay rate of the first-moment (mean) estimate (Keras default 0.9).</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay rate of the second-moment (uncentred variance) estimate (Keras default 0.999).</summary>
    public double Beta2 { get; }

    /// <summary>ε &gt; 0 added to the denominator for numerical stability (Keras default 1e-7; PyTorch 1e-8).</summary>
    public double Epsilon { get; }

    /// <summary>Use AMSGrad: divide by the running maximum of the second-moment estimate.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <inheritdoc/>
    protected override int SlotCount => Amsgrad ? 3 : 2;

    /// <inheritdoc/>
    protected override string SlotName(int slot) => slot switch
    {
        0 => "momentum",
        1 => "velocity",
        2 => "velocity_hat",
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
        double alpha = learningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t));
        T a = T.CreateChecked(alpha);
        T oneMinusBeta1 = T.CreateChecked(1 - Beta1);
        T oneMinusBeta2 = T.CreateChecked(1 - Beta2);
        T eps = T.CreateChecked(Epsilon);
        var w = weight.AsSpan();
        var g = gradient.AsSpan();
        var m = Slot(index, 0, weight).AsSpan();
        var v = Slot(index, 1, weight).AsSpan();
        if (Amsgrad)
        {
            var vMax = Slot(index, 2, weight).AsSpan();
            // As in OptimizerKernels.AdamStep: products that would be subnormal are zero, subnormal state is stored
            // as zero (Subnormals).
            T least1 = Subnormals.ProductThreshold(oneMinusBeta1), least2 = Subnormals.ProductThreshold(oneMinusBeta2);
            T leastA = Subnormals.ProductThreshold(a);
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                // The formula below in whole vectors, operation by operation, so every lane rounds as the scalar loop does.
                var wv = MemoryMarshal.Cast<T, Vector<T>>(w);
                var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
                var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
                var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
                var maxV = MemoryMarshal.Cast<T, Vector<T>>(vMax);
                var c1 = new Vector<T>(oneMinusBeta1);
                var c2 = new Vector<T>(oneMinusBeta2);
                var aV = new Vector<T>(a);
                var epsV = new Vector<T>(eps);
                var least1V = new Vector<T>(least1);
                var least2V = new Vector<T>(least2);
                var leastAV = new Vector<T>(leastA);
                var normal = new Vector<T>(Subnormals.SmallestNormal<T>());
                for (int k = 0; k < wv.Length; k++)
                {
                    var gk = gv[k];
                    var mk = Subnormals.MovingAverage(mv[k], gk, c1, least1V, normal);
                    var vk = Subnormals.MovingAverage(vv[k], gk * gk, c2, least2V, normal);
                    mv[k] = mk;
                    vv[k] = vk;
                    var top = Vector.Max(maxV[k], vk);
                    maxV[k] = top;
                    wv[k] = wv[k] - Subnormals.ZeroBelow(mk, leastAV) * aV / (Vector.SquareRoot(top) + epsV);
                }

                i = wv.Length * Vector<T>.Count;
            }

            for (; i < w.Length; i++)
            {
                T gi = g[i];
                m[i] = Subnormals.MovingAverage(m[i], gi, oneMinusBeta1, least1);
                v[i] = Subnormals.MovingAverage(v[i], gi * gi, oneMinusBeta2, least2);
                vMax[i] = T.Max(vMax[i], v[i]);
                w[i] -= Subnormals.ZeroBelow(m[i], leastA) * a / (T.Sqrt(vMax[i]) + eps);
            }

            return;
        }

        ReportLargestMagnitude(OptimizerKernels.AdamStep(w, m, v, g, a, oneMinusBeta1, oneMinusBeta2, eps));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = BaseConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        config["amsgrad"] = Amsgrad;
        return config;
    }

    internal static Adam FromConfig(ConfigReader config) => new(
        config.LearningRate(1e-3), config.Double("beta_1", 0.9), config.Double("beta_2", 0.999), config.Double("epsilon", 1e-7),
        config.Bool("amsgrad", false), config.NullableDouble("weight_decay"), config.NullableDouble("clipnorm"),
        config.NullableDouble("clipvalue"), config.NullableDouble("global_clipnorm"));
}
