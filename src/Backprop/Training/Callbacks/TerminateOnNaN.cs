using Backprop.Models;

namespace Backprop.Training.Callbacks;

/// <summary>Stops training as soon as the loss becomes NaN or infinite, as Keras's <c>TerminateOnNaN</c>, and
/// puts back the last good weights: the model never applies a step whose loss is not finite, and this callback
/// also keeps a copy of the weights after every good step, restored if a step left non-finite weights behind
/// (an overflowing gradient with a finite loss). <see cref="Message"/> says at which epoch and batch it stopped;
/// the message is also written to the model's output.</summary>
public sealed class TerminateOnNaN : Callback
{
    private Tensor[]? _lastGood;
    private int _epoch;

    /// <summary>The epoch (0-based) at which training was stopped, or null.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>The batch (0-based, within the epoch) whose loss was not finite, or null.</summary>
    public int? StoppedBatch { get; private set; }

    /// <summary>What happened, e.g. "Epoch 2, batch 3: invalid loss NaN; training stopped, weights restored to the last good step."</summary>
    public string? Message { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        StoppedEpoch = null;
        StoppedBatch = null;
        Message = null;
        _lastGood = RequireModel().GetWeights();
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _epoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        double loss = logs.TryGetValue("loss", out double l) ? l : double.NaN;
        bool weightsFinite = AllFinite(model);
        if (double.IsFinite(loss) && weightsFinite)
        {
            Snapshot(model);
            return;
        }

        StoppedEpoch = _epoch;
        StoppedBatch = batch;
        model.SetWeights(_lastGood!);
        Message = double.IsFinite(loss)
            ? $"Epoch {_epoch + 1}, batch {batch + 1}: the step made the weights non-finite; training stopped, weights restored to the last good step."
            : $"Epoch {_epoch + 1}, batch {batch + 1}: invalid loss {loss}; training stopped, weights restored to the last good step.";
        model.Output.WriteLine(Message);
        model.StopTraining = true;
    }

    private static bool AllFinite(Sequential model)
    {
        foreach (var layer in model.Layers)
        {
            foreach (var p in layer.Parameters)
            {
                switch (p.Value)
                {
                    case Tensor<float> f:
                        foreach (float v in f.AsSpan())
                        {
                            if (!float.IsFinite(v))
                            {
                                return false;
                            }
                        }

                        break;
                    case Tensor<double> d:
                        foreach (double v in d.AsSpan())
                        {
                            if (!double.IsFinite(v))
                            {
                                return false;
                            }
                        }

                        break;
                }
            }
        }

        return true;
    }

    private void Snapshot(Sequential model)
    {
        int i = 0;
        foreach (var layer in model.Layers)
        {
            foreach (var p in layer.Parameters)
            {
                switch (p.Value, _lastGood![i])
                {
                    case (Tensor<float> f, Tensor<float> s): s.CopyFrom(f); break;
                    case (Tensor<double> d, Tensor<double> s): s.CopyFrom(d); break;
                }

                i++;
            }
        }
    }
}
