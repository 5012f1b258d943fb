using System.Runtime.CompilerServices;
using System.Globalization;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x for x ≥ 0, negative_slope·x otherwise. Keras <c>keras.activations.leaky_relu</c> (default
/// slope 0.2; the Keras <c>LeakyReLU</c> layer defaults to 0.3 and PyTorch <c>nn.LeakyReLU</c> to 0.01).
/// f′(0) is taken as negative_slope.</summary>
public sealed class LeakyRelu : Activation
{
    /// <summary>f(x) = x for x ≥ 0, negative_slope·x below.</summary>
    /// <param name="negativeSlope">The slope for negative inputs, finite and ≥ 0 (Keras <c>leaky_relu</c> default 0.2).</param>
    public LeakyRelu(double negativeSlope = 0.2)
    {
        if (!double.IsFinite(negativeSlope) || negativeSlope < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite and non-negative.");
        }

        NegativeSlope = negativeSlope;
    }

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    public override string Name => "leaky_relu";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        ActivationKernels.LeakyReluForward<T>(x.AsSpan(), y.AsSpan(), T.CreateChecked(NegativeSlope), zeroKeepsX: true);
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        // dy · f′(x) with f′ = 1 or α: dy itself where x > 0 (dy·1 is dy, bit for bit), α·dy elsewhere.
        ActivationKernels.LeakyReluBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan(), T.CreateChecked(NegativeSlope));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["negative_slope"] = NegativeSlope };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"leaky_relu(negative_slope={NegativeSlope})");
}
