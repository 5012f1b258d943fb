using Backprop.Checkpoints;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Serialization;
using Backprop.Tests.Serialization;
using Backprop.Tests.Training;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Tests.Checkpoints;

/// <summary>ModelCheckpoint writes files with Keras's placeholders, only on improvement with saveBestOnly, whole
/// models or weights only; what it wrote loads back to the weights of that epoch.</summary>
public sealed class ModelCheckpointTests
{
    [Fact]
    public void Placeholders_follow_python_format_rules()
    {
        var logs = new Dictionary<string, double> { ["loss"] = 0.0123456, ["val_loss"] = 0.125, ["accuracy"] = 0.1234, ["val_mae"] = -2.5 };
        Assert.Equal("m-03-0.12.keras", new ModelCheckpoint("m-{epoch:02d}-{val_loss:.2f}.keras").FormatPath(2, logs));
        Assert.Equal("e3_1.235e-02", new ModelCheckpoint("e{epoch}_{loss:.3e}").FormatPath(2, logs));
        Assert.Equal("12.3%|0.125|-2.50|  3", new ModelCheckpoint("{accuracy:.1%}|{val_loss}|{val_mae:.2f}|{epoch:3d}").FormatPath(2, logs));
        Assert.Equal("w-010.weights", new ModelCheckpoint("w-{epoch:03}.weights").FormatPath(9, logs));
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("m-{epoch:>>x}.keras"));
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("m-{nope}.keras").FormatPath(0, logs));
    }

    [Fact]
    public void Save_best_only_writes_improved_epochs_and_the_files_load_back()
    {
        string folder = SaveLoadKit.TempPath("ckpt");
        try
        {
            var model = TrainingTestKit.SmallModel();
            model.Compile(new SGD(0.01), "mse");
            var (x, y) = TrainingTestKit.Regression(16, 1);
            double[] script = [3, 1, 2, 0.5];
            var snapshots = new List<Tensor[]>();
            var best = new ModelCheckpoint(Path.Combine(folder, "best-{epoch:02d}-{val_loss:.2f}.keras"), saveBestOnly: true);
            var weights = new ModelCheckpoint(Path.Combine(folder, "weights.safetensors"), saveWeightsOnly: true, monitor: "loss");
            model.Fit(x, y, epochs: 4, validationData: (x, y), verbose: 0, seed: 1, callbacks:
            [
                new LambdaCallback(onEpochEnd: (e, logs) => { ((IDictionary<string, double>)logs)["val_loss"] = script[e]; snapshots.Add(model.GetWeights()); }),
                best,
                weights,
            ]);
            Assert.Equal(
                ["best-01-3.00.keras", "best-02-1.00.keras", "best-04-0.50.keras"],
                best.Saved.Select(Path.GetFileName));
            Assert.Equal(0.5, best.Best);
            var second = Sequential.Load(Path.Combine(folder, "best-02-1.00.keras"));
            Assert.True(TrainingTestKit.SameWeights(snapshots[1], second.GetWeights()));
            Assert.IsType<SGD>(second.Optimizer);
            Assert.Equal(2 * 1, second.Optimizer!.Iterations); // one batch of 16 per epoch

            var fresh = TrainingTestKit.SmallModel(seed: 9);
            fresh.LoadWeights(Path.Combine(folder, "weights.safetensors"));
            Assert.True(TrainingTestKit.SameWeights(snapshots[3], fresh.GetWeights()));
            Assert.Equal(4, weights.Saved.Count);
            Assert.DoesNotContain(Directory.EnumerateFiles(folder), AtomicFile.IsTemporary);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_monitor_or_placeholder_fails_before_training()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile(new SGD(0.01), "mse");
        var (x, y) = TrainingTestKit.Regression(8, 1);
        var before = model.GetWeights();
        Assert.Contains("val_loss", Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, callbacks: [new ModelCheckpoint("m.keras", saveBestOnly: true)])).Message);
        Assert.Contains("{val_acc}", Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, callbacks: [new ModelCheckpoint("m-{val_acc}.keras")])).Message);
        Assert.True(TrainingTestKit.SameWeights(before, model.GetWeights()));
    }
}
