using System.Runtime.CompilerServices;
using System.Globalization;
using Backprop.Kernels;

namespace Backprop.Activations;

/// <summary>f(x) = x for x &gt; 0, α·(eˣ − 1) otherwise (α = 1). Keras <c>elu(x, alpha=1.0)</c>; PyTorch
/// <c>nn.ELU(alpha=1.0)</c>. f′ = 1 for x &gt; 0, α·eˣ otherwise.</summary>
public sealed class Elu : Activation
{
    /// <summary>ELU with slope α for negative inputs.</summary>
    /// <param name="alpha">α, the value f approaches as x → −∞ is −α; finite (Keras default 1).</param>
    public Elu(double alpha = 1.0)
    {
        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be finite.");
        }

        Alpha = alpha;
    }

    /// <summary>α: f(x) = α·(eˣ − 1) for x ≤ 0.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public override string Name => "elu";

    /// <inheritdoc/>
    public override void Forward<T>(Tensor<T> x, Tensor<T> y)
    {
        CheckSameShape(x, y, "y");
        SmoothActivationKernels.EluForward<T>(x.AsSpan(), y.AsSpan(), Alpha, 1.0);
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        SmoothActivationKernels.EluBackward<T>(x.AsSpan(), dy.AsSpan(), dx.AsSpan(), Alpha, 1.0);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["alpha"] = Alpha };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"elu(alpha={Alpha})");
}
