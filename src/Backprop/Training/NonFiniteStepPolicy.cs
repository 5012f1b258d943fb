namespace Backprop.Training;

/// <summary>What Fit and TrainOnBatch do with a step that would make the weights non-finite — a NaN or infinite loss
/// or gradient, or an update that overflows — which is never applied either way.</summary>
public enum NonFiniteStepPolicy
{
    /// <summary>Stop training with a <see cref="NonFiniteTrainingException"/> naming the epoch, batch, layer and
    /// parameter; the weights are the last finite ones (the default).</summary>
    Stop,

    /// <summary>Skip the step, say so on the model's output, and go on (what <c>TerminateOnNaN</c> sets while it
    /// runs, so it can stop training on a NaN loss the Keras way).</summary>
    Skip,
}
