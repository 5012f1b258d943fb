using System.Numerics;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Layers;

/// <summary>The layer half of the output handshake: a layer whose output is an activation f applied last,
/// y = f(z), and whose backward pass can also start from ∂L/∂z. When a model's last layer implements it and the
/// loss implements <see cref="Losses.IFusesWithActivation"/> for f, the trainer takes ∂L/∂z from the loss and
/// calls <see cref="BackwardFromPreActivation{T}"/>, skipping f's Jacobian (softmax + cross-entropy: ŷ − y).</summary>
public interface IActivationOutput
{
    /// <summary>f, the activation the layer applies last.</summary>
    ActivationFunction OutputActivation { get; }

    /// <summary>The backward pass for the last forward pass given ∂L/∂z instead of ∂L/∂y: adds ∂L/∂θ into the
    /// parameters' gradients and returns ∂L/∂input, or null when <paramref name="needInputGradient"/> is false.</summary>
    Tensor<T>? BackwardFromPreActivation<T>(Tensor<T> preActivationGradient, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
