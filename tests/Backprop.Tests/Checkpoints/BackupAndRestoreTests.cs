using Backprop.Checkpoints;
using Backprop.Data;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Serialization;
using Backprop.Tests.Serialization;
using Backprop.Tests.TestSupport;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Tests.Checkpoints;

/// <summary>A training run that crashes (an exception thrown from a callback, after which nothing of the process's
/// training state is reused: a new model, new callbacks, a new Fit) and is started again resumes from
/// BackupAndRestore's checkpoint and ends with the weights, History and CSV log of a run never interrupted, bit for
/// bit — with dropout, shuffling (tensors or a dataset pipeline), EarlyStopping with best weights,
/// ReduceLROnPlateau, TerminateOnNaN and CsvLogger, and at another thread count. The child-process SIGKILL version
/// is <c>KillTests</c>.</summary>
[Collection(nameof(Backprop.Tests.Training.GlobalRandomSeedCollection))]
public sealed class BackupAndRestoreTests
{
    private sealed class SimulatedCrash : Exception;

    /// <summary>Throws after <paramref name="batches"/> batches of this Fit (never when null).</summary>
    private sealed class CrashAfter(int? batches) : Callback
    {
        private int _seen;

        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
        {
            if (++_seen == batches)
            {
                throw new SimulatedCrash();
            }
        }
    }

    private sealed record Outcome(Tensor[] Weights, History History, string Csv, bool Resumed, int Saves);

    /// <summary>One "process": seeds the library, builds the model from its initialisers, fits.</summary>
    private static Outcome Run(string folder, int? crashAfter, int threads, string dataset)
    {
        int savedThreads = Parallelism.ThreadCount;
        Parallelism.ThreadCount = threads;
        try
        {
            RandomSeed.Set(2024);
            var model = new Sequential(DType.Float32,
                new Dense(12, activation: "relu", inputShape: [5]),
                new Dropout(0.3),
                new Dense(8, activation: "tanh"),
                new Dropout(0.2),
                new Dense(1));
            model.Output = TextWriter.Null;
            model.Compile(new Adam(0.02), "mse", ["mae"]);
            var x = Tensor.Cast<double, float>(TestData.Tensor(1, 60, 5));
            var y = Tensor.Cast<double, float>(TestData.Tensor(2, 60, 1));
            var backup = new BackupAndRestore(Path.Combine(folder, "backup"), saveEveryBatches: 3);
            string csv = Path.Combine(folder, "log.csv");
            Callback[] callbacks =
            [
                new EarlyStopping(patience: 2, restoreBestWeights: true),
                new ReduceLROnPlateau(patience: 1, factor: 0.5, minDelta: 0.0),
                new TerminateOnNaN(),
                new CsvLogger(csv),
                new CrashAfter(crashAfter),
                backup,
            ];
            History history;
            try
            {
                var train = Dataset.FromTensorSlices(x.SliceRows(0, 44), y.SliceRows(0, 44));
                var validation = Dataset.FromTensorSlices(x.SliceRows(44, 16), y.SliceRows(44, 16)).Batch(8);
                history = dataset switch
                {
                    "dataset" => model.Fit(train.Shuffle(16).Batch(8), epochs: 9, validationData: validation, callbacks: callbacks, verbose: 0),
                    // A cache below a reshuffling shuffle: a new process refills it with the first epoch's order.
                    "cached" => model.Fit(train.Shuffle(44).Cache().Shuffle(8).Batch(8), epochs: 9, validationData: validation, callbacks: callbacks, verbose: 0),
                    _ => model.Fit(x, y, epochs: 9, batchSize: 8, validationSplit: 0.25, callbacks: callbacks, verbose: 0),
                };
            }
            catch (SimulatedCrash)
            {
                return new Outcome([], new History(), "", backup.ResumedFrom is not null, backup.Saves);
            }

            return new Outcome(model.GetWeights(), history, File.ReadAllText(csv), backup.ResumedFrom is not null, backup.Saves);
        }
        finally
        {
            Parallelism.ThreadCount = savedThreads;
        }
    }

    private static void AssertSame(Outcome expected, Outcome actual)
    {
        Assert.True(SaveLoadKit.SameBits(expected.Weights, actual.Weights), "final weights differ");
        Assert.Equal(expected.History.Epoch, actual.History.Epoch);
        foreach (var (key, values) in expected.History.Values)
        {
            Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), actual.History[key].Select(BitConverter.DoubleToInt64Bits));
        }

        Assert.Equal(expected.Csv, actual.Csv);
    }

    [Theory]
    [InlineData("tensors")]
    [InlineData("dataset")]
    [InlineData("cached")]
    public void Crashed_runs_resume_to_the_same_bits_at_another_thread_count(string dataset)
    {
        string folder = SaveLoadKit.TempPath("resume");
        string reference = SaveLoadKit.TempPath("reference");
        try
        {
            var expected = Run(reference, crashAfter: null, threads: 1, dataset);
            Assert.False(expected.Resumed);
            Assert.True(expected.History.Epoch.Count is > 2 and < 9, $"EarlyStopping should stop the run part-way; it ran {expected.History.Epoch.Count} epochs");
            Assert.False(File.Exists(Path.Combine(reference, "backup", BackupAndRestore.LatestFile)), "a completed run deletes its backup");

            // Crash mid-epoch (batch 4 of epoch 0), then again at an epoch's end, then after a backup's last batch.
            var first = Run(folder, crashAfter: 4, threads: 1, dataset);
            Assert.Equal(1, first.Saves);
            var second = Run(folder, crashAfter: 8, threads: 2, dataset);
            Assert.True(second.Resumed);
            var third = Run(folder, crashAfter: 3, threads: 1, dataset);
            Assert.True(third.Resumed);
            var last = Run(folder, crashAfter: null, threads: 2, dataset);
            Assert.True(last.Resumed);
            AssertSame(expected, last);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(reference, recursive: true);
        }
    }

    [Fact]
    public void A_torn_latest_checkpoint_is_reported_and_the_previous_one_used()
    {
        string folder = SaveLoadKit.TempPath("torn");
        string reference = SaveLoadKit.TempPath("reference");
        try
        {
            var expected = Run(reference, crashAfter: null, threads: 1, dataset: "tensors");
            Run(folder, crashAfter: 7, threads: 1, dataset: "tensors");
            string latest = Path.Combine(folder, "backup", BackupAndRestore.LatestFile);
            byte[] bytes = File.ReadAllBytes(latest);
            File.WriteAllBytes(latest, bytes[..(bytes.Length * 2 / 3)]);
            File.WriteAllBytes(Path.Combine(folder, "backup", ".latest.checkpoint.0123.tmp"), [1, 2, 3]);
            var resumed = Run(folder, crashAfter: null, threads: 1, dataset: "tensors");
            Assert.True(resumed.Resumed);
            AssertSame(expected, resumed);

            // With every checkpoint unreadable, Fit refuses to start over silently.
            Run(folder, crashAfter: 5, threads: 1, dataset: "tensors");
            foreach (string file in Directory.EnumerateFiles(Path.Combine(folder, "backup")))
            {
                File.WriteAllBytes(file, "not a checkpoint"u8.ToArray());
            }

            var e = Assert.Throws<ModelFormatException>(() => Run(folder, crashAfter: null, threads: 1, dataset: "tensors"));
            Assert.Contains("none is valid", e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(reference, recursive: true);
        }
    }

    [Fact]
    public void A_backup_from_another_fit_is_refused_with_the_reason()
    {
        string folder = SaveLoadKit.TempPath("other");
        try
        {
            Run(folder, crashAfter: 5, threads: 1, dataset: "tensors");
            RandomSeed.Set(1);
            var model = new Sequential(DType.Float32, new Dense(3, inputShape: [5]), new Dense(1));
            model.Output = TextWriter.Null;
            model.Compile(new Adam(0.02), "mse");
            var x = Tensor.Cast<double, float>(TestData.Tensor(1, 20, 5));
            var y = Tensor.Cast<double, float>(TestData.Tensor(2, 20, 1));
            var e = Assert.Throws<ModelFormatException>(() => model.Fit(x, y, epochs: 2, callbacks: [new BackupAndRestore(Path.Combine(folder, "backup"))], verbose: 0));
            Assert.Contains("callbacks", e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
