using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Regularizers;

namespace Backprop;

/// <summary>A tensor a layer learns (kernel, bias, γ, β) or tracks (moving mean), with the gradient the backward
/// pass accumulates into it. Optimisers see a model as a flat list of these and keep their state in slots aligned
/// with that list. PyTorch: <c>nn.Parameter</c>; Keras: <c>Variable</c>.
/// <para>The gradient rule, as in PyTorch and micrograd: every backward pass ADDS its ∂L/∂θ into
/// <see cref="Gradient"/>, and whoever runs a step clears the gradients first (<see cref="ZeroGradient"/>, or
/// <c>Sequential.ZeroGradients()</c>; <c>Fit</c> and <c>TrainOnBatch</c> do it before every step).</para></summary>
public sealed class Parameter
{
    private Tensor? _gradient;

    // ZeroGradient only marks the gradient as zero; the memory is cleared when someone reads it, or skipped when a
    // built-in backward pass overwrites it whole (the same values as clearing and adding).
    private bool _gradientIsZero = true;

    // An upper bound on max |gradient| vouched for by the backward pass that wrote the whole gradient (Dense:
    // rows·max|x|·max|δ|), so that the optimiser's non-finite guard need not read the gradient again; NaN when
    // unknown. Every access that can write the gradient forgets it.
    private double _gradientBound = double.NaN;

    /// <param name="name">Short name within its layer ("kernel").</param>
    /// <param name="value">The value: a float32 or float64 tensor, owned by the parameter from now on.</param>
    /// <param name="trainable">False for state the optimiser must not touch (batch-norm moving statistics).</param>
    /// <param name="regularizer">Penalty added to the loss, or null.</param>
    /// <param name="constraint">Projection applied after each optimiser step, or null.</param>
    public Parameter(string name, Tensor value, bool trainable = true, Regularizer? regularizer = null, Constraint? constraint = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Trainable = trainable;
        Regularizer = regularizer;
        Constraint = constraint;
        if (value is not (Tensor<float> or Tensor<double>))
        {
            throw new ArgumentException($"Parameters are float32 or float64; '{name}' is {value.DType.Name()}.", nameof(value));
        }
    }

    /// <summary>Short name within its layer: "kernel", "bias", "gamma", "moving_mean".</summary>
    public string Name { get; }

    /// <summary>The current value.</summary>
    public Tensor Value { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>∂loss/∂value accumulated by backward passes since the last <see cref="ZeroGradient"/>. Created
    /// zero-filled on first use, so a model that only predicts (a 193M-weight network, say) holds no gradient
    /// memory.</summary>
    public Tensor Gradient
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            var gradient = Storage();
            _gradientBound = double.NaN;
            if (_gradientIsZero)
            {
                Clear(gradient);
                _gradientIsZero = false;
            }

            return gradient;
        }
    }

    /// <summary>False for state the optimiser must not touch (batch-norm moving statistics).</summary>
    public bool Trainable { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; set; }

    /// <summary>Penalty added to the loss (Keras <c>kernel_regularizer</c>/<c>bias_regularizer</c>).</summary>
    public Regularizer? Regularizer { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; set; }

    /// <summary>Projection applied after each optimiser step (Keras <c>kernel_constraint</c>).</summary>
    public Constraint? Constraint { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; set; }

    /// <summary>The shape of <see cref="Value"/> (and of <see cref="Gradient"/>).</summary>
    public Shape Shape => Value.Shape;

    /// <summary>The value as a typed tensor (the model's dtype).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public Tensor<T> ValueAs<T>() where T : unmanaged, INumber<T> => (Tensor<T>)Value;

    /// <summary>The gradient as a typed tensor (the model's dtype); add into it in a backward pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public Tensor<T> GradientAs<T>() where T : unmanaged, INumber<T> => (Tensor<T>)Gradient;

    /// <summary>Clears the accumulated gradient (PyTorch <c>p.grad.zero_()</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ZeroGradient() => _gradientIsZero = true;

    /// <summary>The gradient for a backward pass that adds into it, and whether it is zero right now: then the
    /// caller may write its whole contribution over the buffer instead of adding it (β = 0 in a GEMM), which
    /// gives exactly the values of clearing and adding. A caller that gets <paramref name="overwrite"/> = true must
    /// write every element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal Tensor<T> GradientToAccumulate<T>(out bool overwrite) where T : unmanaged, INumber<T>
    {
        var gradient = (Tensor<T>)Storage();
        overwrite = _gradientIsZero;
        _gradientIsZero = false;
        _gradientBound = double.NaN;
        return gradient;
    }

    /// <summary>An upper bound on max |<see cref="Gradient"/>| that needs no pass over it: 0 while the gradient is
    /// zero, the bound the last backward pass vouched for with <see cref="BoundGradient"/> when nothing could have
    /// written the gradient since, else NaN (unknown: read it).</summary>
    internal double GradientBound => _gradientIsZero ? 0 : _gradientBound;

    /// <summary>Vouches that max |gradient| ≤ <paramref name="bound"/>: called by a backward pass right after it
    /// wrote the whole gradient (<see cref="GradientToAccumulate{T}"/> with overwrite), from a bound it can compute
    /// without reading the gradient. NaN or ∞ vouch for nothing.</summary>
    internal void BoundGradient(double bound) => _gradientBound = bound;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Shape} {Value.DType.Name()}{(Trainable ? "" : " (non-trainable)")}";

    // Small enough to inline on every step; the first call's allocation is out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private Tensor Storage() => _gradient ?? CreateStorage();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Tensor CreateStorage()
    {
        // A new tensor is zero-filled already.
        _gradient = Value switch
        {
            Tensor<float> f => Tensor<float>.LongLived(f.Shape),
            _ => Tensor<double>.LongLived(((Tensor<double>)Value).Shape),
        };
        _gradientIsZero = false;
        return _gradient;
    }

    private static void Clear(Tensor gradient)
    {
        switch (gradient)
        {
            case Tensor<float> f: f.AsSpan().Clear(); break;
            case Tensor<double> d: d.AsSpan().Clear(); break;
        }
    }
}
