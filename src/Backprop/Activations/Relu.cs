using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>Rectified linear unit, Keras <c>relu(x, negative_slope=0, max_value=None, threshold=0)</c>:
/// f(x) = min(x, max_value) for x ≥ threshold (x &gt; threshold when threshold ≠ 0), and
/// negative_slope·(x − threshold) below the threshold. Plain <c>relu</c> is max(x, 0), PyTorch <c>nn.ReLU</c>.
/// The derivative at a kink is taken as the left one (f′(0) = 0 for plain relu), as in Keras and PyTorch.</summary>
public sealed class Relu : Activation
{
    /// <summary>With the defaults, plain max(x, 0).</summary>
    public Relu(double negativeSlope = 0.0, double? maxValue = null, double threshold = 0.0)
    {
        if (!double.IsFinite(negativeSlope) || negativeSlope < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite and non-negative.");
        }

        if (maxValue is { } max && (double.IsNaN(max) || max < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), max, "max_value must be non-negative.");
        }

        if (!double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite.");
        }

        NegativeSlope = negativeSlope;
        MaxValue = maxValue;
        Threshold = threshold;
    }

    /// <summary>The slope below the threshold (0 for plain ReLU).</summary>
    public double NegativeSlope { get; }

    /// <summary>The output ceiling (ReLU6 has 6), or null for none.</summary>
    public double? MaxValue { get; }

    /// <summary>Where the linear part starts (0 for plain ReLU).</summary>
    public double Threshold { get; }

    /// <inheritdoc/>
    public override string Name => "relu";

    private bool IsPlain => NegativeSlope == 0 && MaxValue is null && Threshold == 0;

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        if (IsPlain)
        {
            ActivationKernels.ReluForward<T>(x.AsSpan(), y.AsSpan());
            return;
        }

        ScalarActivationLoops.Forward(Function, x.AsSpan(), y.AsSpan());
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        if (IsPlain)
        {
            ActivationKernels.ReluBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan());
            return;
        }

        ScalarActivationLoops.Backward(Function, x.AsSpan(), y.AsSpan(), dy.AsSpan(), dx.AsSpan());
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["negative_slope"] = NegativeSlope,
        ["max_value"] = MaxValue,
        ["threshold"] = Threshold,
    };

    /// <inheritdoc/>
    public override string ToString() => IsPlain
        ? Name
        : string.Create(CultureInfo.InvariantCulture, $"relu(negative_slope={NegativeSlope}, max_value={MaxValue?.ToString(CultureInfo.InvariantCulture) ?? "None"}, threshold={Threshold})");

    private GeneralRelu Function => new(NegativeSlope, MaxValue ?? double.PositiveInfinity, Threshold);

    // Keras's ReLU.static_call: the positive part is x·[x > threshold] (or max(x, 0) without a threshold), clipped
    // to [0, max_value] when max_value is set, minus negative_slope·max(threshold − x, 0).
    private readonly struct GeneralRelu(double negativeSlope, double maxValue, double threshold) : IScalarActivation
    {
        public T Value<T>(T x) where T : IFloatingPointIeee754<T>
        {
            T t = T.CreateChecked(threshold);
            T positive = threshold != 0 ? (x > t ? x : T.Zero) : T.Max(x, T.Zero);
            if (!double.IsPositiveInfinity(maxValue))
            {
                positive = T.Clamp(positive, T.Zero, T.CreateChecked(maxValue));
            }

            return negativeSlope == 0 ? positive : positive - T.CreateChecked(negativeSlope) * T.Max(t - x, T.Zero);
        }

        public T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>
        {
            T t = T.CreateChecked(threshold);
            bool passes = threshold != 0 ? x > t : x > T.Zero;
            T positive = passes ? x : T.Zero;
            bool clipped = !double.IsPositiveInfinity(maxValue) && (positive < T.Zero || positive >= T.CreateChecked(maxValue));
            T derivative = passes && !clipped ? T.One : T.Zero;
            return x < t ? derivative + T.CreateChecked(negativeSlope) : derivative;
        }
    }
}
