using Backprop.Serialization;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Checkpoints;

/// <summary>Makes a Fit survive being killed — Keras's <c>keras.callbacks.BackupAndRestore(backup_dir,
/// save_freq, delete_checkpoint)</c>, made exact: it saves training to the backup folder at the end of
/// every epoch (or every <c>saveEveryBatches</c> batches), and when a Fit starts and a backup exists, training
/// resumes from it — weights, optimiser slots and iteration count (and so the learning-rate schedule's position),
/// the epoch and the batch within it, every random stream (the library's initialiser and seed streams, Dropout
/// masks, the shuffling order, a dataset pipeline's position), every callback's state (EarlyStopping's best value,
/// wait and best weights, ReduceLROnPlateau's, …) and the History so far. A resumed Fit ends with the same weights,
/// bit for bit, as one never interrupted, at any thread count — given the same program: the same data, model,
/// callbacks (same classes, same order) and Fit arguments.
/// <para>Keras saves and restores only weights, optimiser and epoch, and redoes an unfinished epoch.</para>
/// <para>Each save is crash-safe: the checkpoint is written to a temporary file, flushed to the disk and renamed
/// over <c>latest.checkpoint</c>, whose previous version is first renamed to <c>previous.checkpoint</c>; the
/// folder is flushed after each rename. A crash at any instant therefore leaves a complete latest or previous
/// checkpoint. On start, a checkpoint that is torn, corrupt or foreign is reported on the model's output and the
/// previous one is tried; if there are checkpoints and none is valid, Fit fails with a
/// <see cref="ModelFormatException"/> rather than silently starting over. When training completes, the backups
/// are deleted (unless <c>deleteCheckpoint</c> is false).</para></summary>
public sealed class BackupAndRestore : Callback
{
    /// <summary>The newest checkpoint's file name in the backup folder.</summary>
    public const string LatestFile = "latest.checkpoint";

    /// <summary>The checkpoint before it.</summary>
    public const string PreviousFile = "previous.checkpoint";

    private int _batchesSinceSave;

    /// <param name="backupDir">The folder for the checkpoints (created when missing); one per training run.</param>
    /// <param name="saveEveryBatches">0: save at the end of every epoch; N: after every N batches (counted across
    /// epochs, as Keras's <c>save_freq</c>).</param>
    /// <param name="deleteCheckpoint">Delete the backups when training completes.</param>
    public BackupAndRestore(string backupDir, int saveEveryBatches = 0, bool deleteCheckpoint = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupDir);
        ArgumentOutOfRangeException.ThrowIfNegative(saveEveryBatches);
        BackupDir = backupDir;
        SaveEveryBatches = saveEveryBatches;
        DeleteCheckpoint = deleteCheckpoint;
    }

    /// <summary>The folder holding the backup (Keras <c>backup_dir</c>).</summary>
    public string BackupDir { get; }

    /// <summary>Back up every this many batches as well as at each epoch end; 0 for epoch ends only (Keras <c>save_freq</c>).</summary>
    public int SaveEveryBatches { get; }

    /// <summary>Delete the backup when Fit ends normally (Keras <c>delete_checkpoint</c>).</summary>
    public bool DeleteCheckpoint { get; }

    /// <summary>Saves after the other callbacks, so that their updates are part of the checkpoint.</summary>
    public override bool RunsLast => true;

    /// <summary>The checkpoint this Fit resumed from, or null when it started afresh.</summary>
    public string? ResumedFrom { get; private set; }

    /// <summary>Checkpoints written by this Fit.</summary>
    public int Saves { get; private set; }

    private string LatestPath => Path.Combine(BackupDir, LatestFile);

    private string PreviousPath => Path.Combine(BackupDir, PreviousFile);

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        var trainer = model.Trainer ?? throw new InvalidOperationException("BackupAndRestore needs a compiled model.");
        Directory.CreateDirectory(BackupDir);
        _batchesSinceSave = 0;
        Saves = 0;
        ResumedFrom = null;
        foreach (string leftover in Directory.EnumerateFiles(BackupDir).Where(AtomicFile.IsTemporary))
        {
            // A temporary file is what a crash during a save leaves: never a checkpoint, only litter.
            File.Delete(leftover);
        }

        var problems = new List<string>();
        foreach (string path in new[] { LatestPath, PreviousPath })
        {
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                var (weights, optimizer, state) = TrainingCheckpoint.Read(path);
                Restore(path, weights, optimizer, state, trainer);
                ResumedFrom = path;
                return;
            }
            catch (ModelFormatException e)
            {
                problems.Add(e.Message);
                model.Output.WriteLine($"BackupAndRestore: not resuming from {path}: {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelFormatException(
                $"BackupAndRestore: {BackupDir} holds checkpoints but none is valid, so training would start over and lose them. Remove the folder to start afresh. {string.Join(" ", problems)}");
        }
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveEveryBatches > 0 && ++_batchesSinceSave >= SaveEveryBatches)
        {
            Save();
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveEveryBatches == 0)
        {
            Save();
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (DeleteCheckpoint)
        {
            File.Delete(LatestPath);
            File.Delete(PreviousPath);
            AtomicFile.SyncFolder(BackupDir);
        }
    }

    private void Save()
    {
        var model = RequireModel();
        var state = model.Trainer!.CaptureFitState();
        if (File.Exists(LatestPath))
        {
            // Atomic; made durable by the folder flush that follows the new checkpoint's rename.
            File.Move(LatestPath, PreviousPath, overwrite: true);
        }

        TrainingCheckpoint.Write(LatestPath, model, state);
        _batchesSinceSave = 0;
        Saves++;
    }

    private void Restore(string path, StateDict weights, StateDict? optimizer, FitState state, Trainer trainer)
    {
        var model = RequireModel();
        if (optimizer is null)
        {
            throw ModelFormatException.At(path, "zip container", "the checkpoint has no optimizer state");
        }

        // Everything is checked against this Fit before anything changes.
        try
        {
            trainer.ResumeFit(state);
        }
        catch (ArgumentException e)
        {
            throw ModelFormatException.At(path, "training state", e.Message, e);
        }

        var before = model.GetWeights();
        try
        {
            ModelWeights.Apply(model, weights, $"{path}!{ModelArchive.Weights}");
            ModelSaving.SetOptimizerState(model, optimizer, $"{path}!{ModelArchive.OptimizerState}");
        }
        catch (ModelFormatException)
        {
            model.SetWeights(before);
            throw;
        }
    }
}
