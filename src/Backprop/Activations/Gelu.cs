using System.Runtime.CompilerServices;
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
        SmoothActivationKernels.GeluForward<T>(x.AsSpan(), y.AsSpan(), Approximate);
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        CheckBackwardShapes(x, y, dy, dx);
        SmoothActivationKernels.GeluBackward<T>(x.AsSpan(), y.AsSpan(), dy.AsSpan(), dx.AsSpan(), Approximate);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["approximate"] = Approximate };

    /// <inheritdoc/>
    public override string ToString() => Approximate ? "gelu(approximate=True)" : Name;
}
