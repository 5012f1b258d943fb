using Backprop.Random;

namespace Backprop.Training;

/// <summary>Where a running Fit is and what it has gathered so far, apart from the model and the optimiser: the
/// epoch and the batches of it already done, the epoch's running loss and metric totals, the batch order (the
/// shuffling seed, a dataset pipeline's position), each callback's state, the History so far and the library-wide
/// random streams. <see cref="Trainer.CaptureFitState"/> takes it from inside a callback, and
/// <see cref="Trainer.ResumeFit"/> makes a new Fit — with the same data, callbacks and settings, the weights and the
/// optimiser state put back — continue exactly where it was, to the same bits. BackupAndRestore is built on it.</summary>
public sealed class FitState
{
    /// <summary>The epoch to continue (0-based).</summary>
    public required int Epoch { get; init; }

    /// <summary>Batches of <see cref="Epoch"/> already trained (0 at the start of an epoch).</summary>
    public required int Step { get; init; }

    /// <summary>True when the epoch's <c>OnEpochBegin</c> has run already, so resuming must not run it again.</summary>
    public required bool EpochStarted { get; init; }

    /// <summary>True when a callback had asked training to stop.</summary>
    public required bool StopTraining { get; init; }

    /// <summary>Σ batch loss × batch size over the batches of the epoch done so far.</summary>
    public required double LossSum { get; init; }

    /// <summary>Samples seen in the epoch so far.</summary>
    public required long Seen { get; init; }

    /// <summary>Each compiled metric's running state (empty between epochs).</summary>
    public required IReadOnlyList<StateDict> Metrics { get; init; }

    /// <summary>The training batches' position: the shuffling seed of tensor data, or a dataset pipeline's
    /// iteration state at the start of the epoch in progress.</summary>
    public required IReadOnlyList<long> TrainData { get; init; }

    /// <summary>The validation dataset's iteration state (empty for tensors or no validation).</summary>
    public required IReadOnlyList<long> ValidationData { get; init; }

    /// <summary>The class names of the Fit's callbacks, in the order they were passed.</summary>
    public required IReadOnlyList<string> CallbackTypes { get; init; }

    /// <summary>Each callback's state (null for a callback that keeps none), in the order they were passed.</summary>
    public required IReadOnlyList<StateDict?> Callbacks { get; init; }

    /// <summary>The epochs recorded in History so far.</summary>
    public required IReadOnlyList<int> HistoryEpochs { get; init; }

    /// <summary>History's values so far, key by key.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<double>> HistoryValues { get; init; }

    /// <summary>The library-wide random streams (<see cref="RandomSeed"/>).</summary>
    public required RandomSeedState Random { get; init; }
}
