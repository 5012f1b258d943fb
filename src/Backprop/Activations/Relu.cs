using System.Runtime.CompilerServices;
using System.Globalization;
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

        PiecewiseActivationKernels.ReluForward<T>(x.AsSpan(), y.AsSpan(), NegativeSlope, MaxValue, Threshold);
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

        PiecewiseActivationKernels.ReluBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan(), NegativeSlope, MaxValue, Threshold);
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
}
