using System.Numerics;
using Backprop.Regularizers;

namespace Backprop.Layers;

/// <summary>A tensor a layer learns (kernel, bias, γ, β) or tracks (moving mean), with the gradient the backward
/// pass accumulates into it. Optimisers see a model as a flat list of these and keep their state in slots aligned
/// with that list. PyTorch: <c>nn.Parameter</c>; Keras: <c>Variable</c>.</summary>
public sealed class Parameter
{
    private Tensor? _gradient;

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
    public Tensor Value { get; }

    /// <summary>∂loss/∂value accumulated by Backward since the last <see cref="ZeroGradient"/>. Created zero-filled
    /// on first use, so a model that only predicts (a 193M-weight network, say) holds no gradient memory.</summary>
    public Tensor Gradient => _gradient ??= Value switch
    {
        Tensor<float> f => new Tensor<float>(f.Shape),
        _ => new Tensor<double>(((Tensor<double>)Value).Shape),
    };

    /// <summary>False for state the optimiser must not touch (batch-norm moving statistics).</summary>
    /// <summary>True once <see cref="Gradient"/> has been created.</summary>
    internal bool HasGradient => _gradient is not null;

    public bool Trainable { get; set; }

    /// <summary>Penalty added to the loss (Keras <c>kernel_regularizer</c>/<c>bias_regularizer</c>).</summary>
    public Regularizer? Regularizer { get; set; }

    /// <summary>Projection applied after each optimiser step (Keras <c>kernel_constraint</c>).</summary>
    public Constraint? Constraint { get; set; }

    public Shape Shape => Value.Shape;

    /// <summary>The value as a typed tensor (the model's dtype).</summary>
    public Tensor<T> ValueAs<T>() where T : unmanaged, INumber<T> => (Tensor<T>)Value;

    /// <summary>The gradient as a typed tensor (the model's dtype).</summary>
    public Tensor<T> GradientAs<T>() where T : unmanaged, INumber<T> => (Tensor<T>)Gradient;

    /// <summary>Clears the accumulated gradient.</summary>
    public void ZeroGradient()
    {
        switch (_gradient)
        {
            case Tensor<float> f: f.AsSpan().Clear(); break;
            case Tensor<double> d: d.AsSpan().Clear(); break;
        }
    }

    public override string ToString() => $"{Name} {Shape} {Value.DType.Name()}{(Trainable ? "" : " (non-trainable)")}";
}
