using System.Runtime.CompilerServices;
using Backprop.Config;
using Backprop.Kernels;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Optimizers;

/// <summary>Nadam (Dozat 2016) exactly as Keras 3 computes it. With t = Iterations + 1 and the momentum schedule
/// <c>μ_t = β₁(1 − ½·0.96ᵗ)</c>, the product <c>Π_t = μ₁…μ_t</c> advances once per step, then per parameter:
/// <c>m ← m + (g − m)(1 − β₁)</c>, <c>v ← v + (g² − v)(1 − β₂)</c>,
/// <c>m̂ = μ_{t+1}·m/(1 − Π_t·μ_{t+1}) + (1 − μ_t)·g/(1 − Π_t)</c>, <c>v̂ = v/(1 − β₂ᵗ)</c>,
/// <c>w ← w − η·m̂/(√v̂ + ε)</c>. PyTorch's <c>NAdam</c> follows Dozat's schedule <c>μ_t = β₁(1 − ½·0.96^(ψt))</c> with
/// ψ = <c>momentum_decay</c> = 0.004, so its μ_t creeps towards β₁ over ~10⁵ steps where Keras's gets there in
/// ~100; it also defaults to lr 2e-3 and ε = 1e-8. The two agree only for β₁ = 0.</summary>
public sealed class Nadam : FirstOrderOptimizer
{
    private double _momentumProduct = 1.0;
    private double _previousMomentumProduct = 1;

    /// <param name="learningRate">η (default 1e-3) or a schedule.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0 added to √v̂.</param>
    /// <param name="weightDecay">Decoupled decay λ (see <see cref="Optimizer"/>).</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    public Nadam(
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

    /// <summary>β₂, the decay rate of the second-moment estimate (Keras default 0.999).</summary>
    public double Beta2 { get; }

    /// <summary>ε &gt; 0 added to the denominator for numerical stability (Keras default 1e-7).</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "nadam";

    /// <inheritdoc/>
    protected override int SlotCount => 2;

    /// <inheritdoc/>
    protected override string SlotName(int slot) => slot switch
    {
        0 => "momentum",
        1 => "velocity",
        _ => base.SlotName(slot),
    };

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        _momentumProduct = 1.0;
    }

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        _previousMomentumProduct = _momentumProduct;
        _momentumProduct *= MomentumAt(Iterations + 1);
    }

    /// <inheritdoc/>
    protected override void UndoBeginStep() => _momentumProduct = _previousMomentumProduct;
    /// <inheritdoc/>
    protected override void WriteState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names)
    {
        base.WriteState(state, parameters, names);
        state.SetDouble("momentum_product", _momentumProduct);
    }

    /// <inheritdoc/>
    protected override Action ReadState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, ISet<string> used)
    {
        var slots = base.ReadState(state, parameters, names, used);
        double product = state.GetDouble("momentum_product");
        used.Add("momentum_product");
        return () =>
        {
            slots();
            _momentumProduct = product;
        };
    }


    /// <inheritdoc/>
    /// <remarks>Compiled fully optimised at its first call, as the SGD and Adam kernels are: its loop is the step's
    /// work, and at tier 0 (a lab that keeps compiling new code keeps methods there) its vector operations would run
    /// as calls.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate)
    {
        double t = Iterations + 1;
        double uT = MomentumAt(t);
        double uNext = MomentumAt(t + 1);
        double product = _momentumProduct;
        double productNext = product * uNext;
        T mCoefficient = T.CreateChecked(uNext / (1 - productNext));
        T gCoefficient = T.CreateChecked((1 - uT) / (1 - product));
        T vCorrection = T.CreateChecked(1 - Math.Pow(Beta2, t));
        T lr = T.CreateChecked(learningRate);
        T oneMinusBeta1 = T.CreateChecked(1 - Beta1);
        T oneMinusBeta2 = T.CreateChecked(1 - Beta2);
        T eps = T.CreateChecked(Epsilon);
        var w = weight.AsSpan();
        var g = gradient.AsSpan();
        var m = Slot(index, 0, weight).AsSpan();
        var v = Slot(index, 1, weight).AsSpan();
        // Products that would be subnormal are zero and subnormal state is stored as zero (Subnormals): a moment
        // decaying while its gradient is zero would otherwise pass through the subnormal range, slowly on Intel cores.
        T least1 = Subnormals.ProductThreshold(oneMinusBeta1), least2 = Subnormals.ProductThreshold(oneMinusBeta2);
        T leastM = Subnormals.ProductThreshold(mCoefficient), leastLr = Subnormals.ProductThreshold(lr);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The formula below in whole vectors, operation by operation, so every lane rounds as the scalar loop does.
            var wv = MemoryMarshal.Cast<T, Vector<T>>(w);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
            var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
            var c1 = new Vector<T>(oneMinusBeta1);
            var c2 = new Vector<T>(oneMinusBeta2);
            var mCoefficientV = new Vector<T>(mCoefficient);
            var gCoefficientV = new Vector<T>(gCoefficient);
            var vCorrectionV = new Vector<T>(vCorrection);
            var lrV = new Vector<T>(lr);
            var epsV = new Vector<T>(eps);
            var least1V = new Vector<T>(least1);
            var least2V = new Vector<T>(least2);
            var leastMV = new Vector<T>(leastM);
            var leastLrV = new Vector<T>(leastLr);
            var normal = new Vector<T>(Subnormals.SmallestNormal<T>());
            for (int k = 0; k < wv.Length; k++)
            {
                var gk = gv[k];
                var mk = Subnormals.MovingAverage(mv[k], gk, c1, least1V, normal);
                var vk = Subnormals.MovingAverage(vv[k], gk * gk, c2, least2V, normal);
                mv[k] = mk;
                vv[k] = vk;
                var mHat = mCoefficientV * Subnormals.ZeroBelow(mk, leastMV) + gCoefficientV * gk;
                var vHat = vk / vCorrectionV;
                wv[k] = wv[k] - Subnormals.ZeroBelow(mHat, leastLrV) * lrV / (Vector.SquareRoot(vHat) + epsV);
            }

            i = wv.Length * Vector<T>.Count;
        }

        for (; i < w.Length; i++)
        {
            T gi = g[i];
            m[i] = Subnormals.MovingAverage(m[i], gi, oneMinusBeta1, least1);
            v[i] = Subnormals.MovingAverage(v[i], gi * gi, oneMinusBeta2, least2);
            T mHat = mCoefficient * Subnormals.ZeroBelow(m[i], leastM) + gCoefficient * gi;
            T vHat = v[i] / vCorrection;
            w[i] -= Subnormals.ZeroBelow(mHat, leastLr) * lr / (T.Sqrt(vHat) + eps);
        }
    }

    private double MomentumAt(double step) => Beta1 * (1.0 - 0.5 * Math.Pow(0.96, step));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = BaseConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        return config;
    }

    internal static Nadam FromConfig(ConfigReader config) => new(
        config.LearningRate(1e-3), config.Double("beta_1", 0.9), config.Double("beta_2", 0.999), config.Double("epsilon", 1e-7),
        config.NullableDouble("weight_decay"), config.NullableDouble("clipnorm"), config.NullableDouble("clipvalue"),
        config.NullableDouble("global_clipnorm"));
}
