namespace Backprop.Labs.BackpropStep;

/// <summary>Everything the library computed for one SGD step of the backprop-step exercise, in the course's
/// layout: arrays indexed [sample][unit]; weight matrices as the course writes them, row j holding the weights INTO
/// unit j (the transpose of the Keras kernel).</summary>
/// <param name="PreActivations">z¹ = W¹x + b¹ per sample (the hidden Dense layer's output).</param>
/// <param name="Activations">a¹ = relu(z¹) per sample (the ReLU layer's output).</param>
/// <param name="Outputs">ŷ = W²a¹ + b² per sample, before the step.</param>
/// <param name="Targets">y per sample.</param>
/// <param name="OutputDeltas">δ² = ∂L/∂z² per sample as backpropagation carries it, (ŷᵢ − yᵢ)/n (the loss's gradient).</param>
/// <param name="HiddenActivationGradients">∂L/∂a¹ = W²ᵀδ² per sample (the output layer's input gradient).</param>
/// <param name="HiddenDeltas">δ¹ = ∂L/∂z¹ = ∂L/∂a¹ ⊙ relu′(z¹) per sample (the ReLU layer's input gradient).</param>
/// <param name="ReluDerivatives">relu′(z¹) per sample (the ReLU layer's Backward of an upstream gradient of ones).</param>
/// <param name="HiddenKernelGradient">∂L/∂W¹, 4 × 2.</param>
/// <param name="HiddenBiasGradient">∂L/∂b¹.</param>
/// <param name="OutputKernelGradient">∂L/∂W², one weight per hidden unit.</param>
/// <param name="OutputBiasGradient">∂L/∂b².</param>
/// <param name="UpdatedW1">W¹ after one TrainOnBatch.</param>
/// <param name="UpdatedB1">b¹ after the step.</param>
/// <param name="UpdatedW2">W² after the step.</param>
/// <param name="UpdatedB2">b² after the step.</param>
/// <param name="OutputsAfter">ŷ per sample after the step.</param>
/// <param name="LossBefore">L before the step (from ComputeGradients).</param>
/// <param name="TrainOnBatchLoss">The loss TrainOnBatch returned (the loss before its step).</param>
/// <param name="LossAfter">L after the step (TestOnBatch).</param>
/// <param name="UpdateRuleMaxDifference">max |θ_after − (θ_before − η·∂L/∂θ)| over all parameters.</param>
/// <param name="FusedActivationMaxDifference">max |θ_after| difference between this model and the same step on
/// Dense(4, activation: relu) → Dense(1), the fused form of the hidden layer.</param>
public sealed record BackpropStepResult(
    double[][] PreActivations,
    double[][] Activations,
    double[] Outputs,
    double[] Targets,
    double[] OutputDeltas,
    double[][] HiddenActivationGradients,
    double[][] HiddenDeltas,
    double[][] ReluDerivatives,
    double[][] HiddenKernelGradient,
    double[] HiddenBiasGradient,
    double[] OutputKernelGradient,
    double OutputBiasGradient,
    double[][] UpdatedW1,
    double[] UpdatedB1,
    double[] UpdatedW2,
    double UpdatedB2,
    double[] OutputsAfter,
    double LossBefore,
    double TrainOnBatchLoss,
    double LossAfter,
    double UpdateRuleMaxDifference,
    double FusedActivationMaxDifference);
