using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>Gaussian error linear unit. Exact (the Keras default, <c>gelu(x, approximate=False)</c>, and PyTorch
/// <c>nn.GELU()</c>): f(x) = x·Φ(x) = ½x(1 + erf(x/√2)), f′ = Φ(x) + x·φ(x). With <c>approximate: true</c>
/// (PyTorch <c>approximate='tanh'</c>): f(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Computed in double.</summary>
public sealed class Gelu : Activation
{
    /// <summary>GELU, exact or with the tanh approximation.</summary>
    /// <param name="approximate">Use the tanh approximation (PyTorch <c>approximate='tanh'</c>); default the exact erf form (Keras default).</param>
    public Gelu(bool approximate = false)
    {
        Approximate = approximate;
    }

    /// <summary>True for the tanh approximation, false for the exact x·Φ(x).</summary>
    public bool Approximate { get; }

    /// <inheritdoc/>
    public override string Name => "gelu";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        if (Approximate)
        {
            ScalarActivationLoops.Forward(default(TanhForm), x.AsSpan(), y.AsSpan());
        }
        else
        {
            ScalarActivationLoops.Forward(default(ErfForm), x.AsSpan(), y.AsSpan());
        }
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        if (Approximate)
        {
            ScalarActivationLoops.Backward(default(TanhForm), x.AsSpan(), y.AsSpan(), dy.AsSpan(), dx.AsSpan());
        }
        else
        {
            ScalarActivationLoops.Backward(default(ErfForm), x.AsSpan(), y.AsSpan(), dy.AsSpan(), dx.AsSpan());
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["approximate"] = Approximate };

    /// <inheritdoc/>
    public override string ToString() => Approximate ? "gelu(approximate=True)" : Name;

    private const double InverseSqrt2 = 0.70710678118654752440084436210484903;
    private const double InverseSqrt2Pi = 0.39894228040143267793994605993438187;
    private const double Sqrt2OverPi = 0.79788456080286535587989211986876374;
    private const double Cubic = 0.044715;

    private readonly struct ErfForm : IScalarActivation
    {
        public T Value<T>(T x) where T : IFloatingPointIeee754<T>
        {
            double v = double.CreateTruncating(x);
            return T.CreateTruncating(v * NormalCdf(v));
        }

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            double v = double.CreateTruncating(x);
            return T.CreateTruncating(NormalCdf(v) + v * InverseSqrt2Pi * Math.Exp(-0.5 * v * v));
        }

        // Φ(x) = ½·erfc(−x/√2): erfc keeps relative accuracy in the left tail, where 1 + erf(x/√2) cancels.
        private static double NormalCdf(double v) => 0.5 * SpecialFunctions.Erfc(-v * InverseSqrt2);
    }

    private readonly struct TanhForm : IScalarActivation
    {
        public T Value<T>(T x) where T : IFloatingPointIeee754<T>
        {
            double v = double.CreateTruncating(x);
            return T.CreateTruncating(0.5 * v * (1 + Math.Tanh(Sqrt2OverPi * (v + Cubic * v * v * v))));
        }

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            double v = double.CreateTruncating(x);
            double t = Math.Tanh(Sqrt2OverPi * (v + Cubic * v * v * v));
            return T.CreateTruncating(0.5 * (1 + t) + 0.5 * v * (1 - t * t) * Sqrt2OverPi * (1 + 3 * Cubic * v * v));
        }
    }
}
