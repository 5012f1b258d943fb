using System.Runtime.CompilerServices;
using Backprop.Config;
using Backprop.Kernels;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Optimizers;

/// <summary>Adadelta (Zeiler 2012), Keras 3 form: <c>a ← ρa + (1 − ρ)g²</c>,
/// <c>Δ = −√(d + ε)·g/√(a + ε)</c>, <c>d ← ρd + (1 − ρ)Δ²</c>, <c>w ← w + η·Δ</c>. PyTorch computes the same
/// recursion but defaults to lr 1.0, ρ = 0.9 and ε = 1e-6; Keras defaults η = 1e-3, ρ = 0.95, ε = 1e-7 (so
/// Keras's default Adadelta moves 1000× more slowly than the paper's η = 1).</summary>
public sealed class Adadelta : FirstOrderOptimizer
{
    /// <param name="learningRate">η (default 1e-3) or a schedule.</param>
    /// <param name="rho">ρ in [0, 1), the decay of both running averages.</param>
    /// <param name="epsilon">ε &gt; 0 inside both square roots.</param>
    /// <param name="weightDecay">Decoupled decay λ (see <see cref="Optimizer"/>).</param>
    /// <param name="clipNorm">Per-parameter gradient norm limit.</param>
    /// <param name="clipValue">Element-wise gradient limit.</param>
    /// <param name="globalClipNorm">Joint gradient norm limit.</param>
    public Adadelta(
        LearningRateOrSchedule? learningRate = null,
        double rho = 0.95,
        double epsilon = 1e-7,
        double? weightDecay = null,
        double? clipNorm = null,
        double? clipValue = null,
        double? globalClipNorm = null)
        : base(learningRate ?? 1e-3, weightDecay, clipNorm, clipValue, globalClipNorm)
    {
        Rho = CheckUnitInterval(rho, nameof(rho));
        Epsilon = CheckPositive(epsilon, nameof(epsilon));
    }

    /// <summary>ρ, the decay of both running averages (of squared gradients and of squared updates).</summary>
    public double Rho { get; }

    /// <summary>ε &gt; 0 added to the denominator for numerical stability (Keras default 1e-7).</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Name => "adadelta";

    /// <inheritdoc/>
    protected override int SlotCount => 2;

    /// <inheritdoc/>
    protected override string SlotName(int slot) => slot switch
    {
        0 => "accumulated_grad",
        1 => "accumulated_delta_var",
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
        T rho = T.CreateChecked(Rho);
        T oneMinusRho = T.CreateChecked(1 - Rho);
        T eps = T.CreateChecked(Epsilon);
        var w = weight.AsSpan();
        var g = gradient.AsSpan();
        var a = Slot(index, 0, weight).AsSpan();
        var d = Slot(index, 1, weight).AsSpan();
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The formula below in whole vectors, operation by operation, so every lane rounds as the scalar loop does.
            var wv = MemoryMarshal.Cast<T, Vector<T>>(w);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var av = MemoryMarshal.Cast<T, Vector<T>>(a);
            var dv = MemoryMarshal.Cast<T, Vector<T>>(d);
            var lrV = new Vector<T>(lr);
            var rhoV = new Vector<T>(rho);
            var oneMinusRhoV = new Vector<T>(oneMinusRho);
            var epsV = new Vector<T>(eps);
            var normal = new Vector<T>(Subnormals.SmallestNormal<T>());
            for (int k = 0; k < wv.Length; k++)
            {
                var gk = gv[k];
                var ak = Subnormals.ZeroBelow(rhoV * av[k] + oneMinusRhoV * (gk * gk), normal);
                av[k] = ak;
                var delta = -(Vector.SquareRoot(dv[k] + epsV) * gk / Vector.SquareRoot(ak + epsV));
                dv[k] = Subnormals.ZeroBelow(rhoV * dv[k] + oneMinusRhoV * (delta * delta), normal);
                wv[k] = wv[k] + lrV * delta;
            }

            i = wv.Length * Vector<T>.Count;
        }

        for (; i < w.Length; i++)
        {
            T gi = g[i];
            // Subnormal state is stored as zero (Subnormals): accumulators decaying by ρ while their gradient is zero
            // would otherwise pass through the subnormal range, slowly on Intel cores.
            a[i] = Subnormals.Flush(rho * a[i] + oneMinusRho * (gi * gi));
            T delta = -(T.Sqrt(d[i] + eps) * gi / T.Sqrt(a[i] + eps));
            d[i] = Subnormals.Flush(rho * d[i] + oneMinusRho * (delta * delta));
            w[i] += lr * delta;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = BaseConfig();
        config["rho"] = Rho;
        config["epsilon"] = Epsilon;
        return config;
    }

    internal static Adadelta FromConfig(ConfigReader config) => new(
        config.LearningRate(1e-3), config.Double("rho", 0.95), config.Double("epsilon", 1e-7),
        config.NullableDouble("weight_decay"), config.NullableDouble("clipnorm"), config.NullableDouble("clipvalue"),
        config.NullableDouble("global_clipnorm"));
}
