using System.Numerics;

namespace Backprop.Losses;

/// <summary>A loss on probabilities that can give the gradient with respect to the logits of a softmax output
/// directly, skipping the softmax Jacobian: for categorical cross-entropy ∂L/∂z = (ŷ·Σⱼtⱼ − t)/batch, which is
/// (ŷ − t)/batch for one-hot or smoothed labels. The model uses it when its last activation is softmax and
/// <see cref="FusesWithSoftmax"/> is true.
/// <para>Equals the unfused composition (loss Backward, then <see cref="Activations.Softmax"/> Backward) exactly in
/// real arithmetic whenever the loss's clipping is inactive — every probability in [1e-7, 1 − 1e-7] — and the rows
/// of ŷ sum to 1 (true of a softmax up to rounding). Where a probability is clipped the unfused gradient is zero
/// for that entry while the fused one keeps pushing the logit: the fused form is the gradient of the unclipped
/// loss, as Keras's TensorFlow backend computes it from the cached logits.</para></summary>
public interface ISoftmaxFusable
{
    /// <summary>True when the loss reads probabilities (not <c>fromLogits</c>), so fusing applies.</summary>
    bool FusesWithSoftmax { get; }

    /// <summary>Writes ∂(mean loss)/∂logits into <paramref name="logitsGradient"/> (ŷ's shape) given the labels
    /// and ŷ = softmax(logits).</summary>
    void BackwardThroughSoftmax<T>(Tensor<T> yTrue, Tensor<T> softmaxOutput, Tensor<T> logitsGradient) where T : unmanaged, IFloatingPointIeee754<T>;
}
