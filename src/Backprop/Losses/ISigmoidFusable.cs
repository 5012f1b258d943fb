using System.Numerics;

namespace Backprop.Losses;

/// <summary>A loss on probabilities that can give the gradient with respect to the logits of a sigmoid output
/// directly: for binary cross-entropy ∂L/∂z = (ŷ − t)/(number of elements), skipping σ′ = ŷ(1 − ŷ), which
/// underflows when the sigmoid saturates. The model uses it when its last activation is sigmoid and
/// <see cref="FusesWithSigmoid"/> is true.
/// <para>Equals the unfused composition (loss Backward, then <see cref="Activations.Sigmoid"/> Backward) exactly in
/// real arithmetic whenever every ŷ lies in [1e-7, 1 − 1e-7]; where Keras's clipping is active the unfused gradient
/// is zero and the fused one is the gradient of the unclipped loss (what Keras's TensorFlow backend computes from
/// the cached logits).</para></summary>
public interface ISigmoidFusable
{
    /// <summary>True when the loss reads probabilities (not <c>fromLogits</c>), so fusing applies.</summary>
    bool FusesWithSigmoid { get; }

    /// <summary>Writes ∂(mean loss)/∂logits into <paramref name="logitsGradient"/> given the labels and
    /// ŷ = σ(logits).</summary>
    void BackwardThroughSigmoid<T>(Tensor<T> yTrue, Tensor<T> sigmoidOutput, Tensor<T> logitsGradient) where T : unmanaged, IFloatingPointIeee754<T>;
}
