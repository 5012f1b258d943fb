using System.Numerics;
using Backprop.Activations;

namespace Backprop.Losses;

/// <summary>The loss half of the output handshake: a loss that knows ∂L/∂z in closed form for an output
/// activation ŷ = f(z), so training skips f's Jacobian. Categorical cross-entropy after softmax gives
/// ∂L/∂z = (ŷ·Σⱼtⱼ − t)/batch, binary cross-entropy after sigmoid (ŷ − t)/elements — no σ′ = ŷ(1 − ŷ) that underflows
/// when the sigmoid saturates. The layer half is <see cref="Layers.IActivationOutput"/>; the trainer fuses the two
/// whenever both agree, naming no concrete type.
/// <para>The fused gradient equals the unfused composition (loss backward, then f's backward) exactly in real
/// arithmetic whenever the loss's clipping is inactive — every probability in [1e-7, 1 − 1e-7] — and (softmax) the
/// rows of ŷ sum to 1. Where a probability is clipped the unfused gradient is zero for that entry while the fused
/// one keeps pushing the logit: the fused form is the gradient of the unclipped loss, as Keras's TensorFlow backend
/// computes it from the cached logits.</para></summary>
public interface IFusesWithActivation
{
    /// <summary>When this loss fuses with <paramref name="activation"/>, writes ∂(mean loss)/∂z into
    /// <paramref name="preActivationGradient"/> (ŷ's shape) for ŷ = <paramref name="output"/> = f(z) and returns
    /// true; otherwise leaves it alone and returns false.</summary>
    bool TryBackwardThroughActivation<T>(Activation activation, Tensor<T> yTrue, Tensor<T> output, Tensor<T> preActivationGradient)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
