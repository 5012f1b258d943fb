using Backprop.Models;
using Backprop.Training.Callbacks;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>EarlyStopping against Keras 3's algorithm on scripted val_loss sequences (a LambdaCallback placed
/// before it overwrites the logged val_loss), worked out by hand from early_stopping.py.</summary>
public sealed class EarlyStoppingTests
{
    /// <summary>patience 2, script 5, 4, 4.5, 3, 3.0, 3.5, 3.2:
    /// e0 best=5 (wait 0); e1 4 &lt; 5 best (wait 0); e2 4.5 wait 1; e3 3 best (wait 0); e4 3.0 not &lt; 3, wait 1;
    /// e5 3.5 wait 2 ≥ 2 → stop at epoch 5. Best epoch 3; restored weights = weights after epoch 3.</summary>
    [Fact]
    public void Stops_at_the_epoch_keras_stops_and_restores_the_best_weights()
    {
        var (stopping, history, snapshots, model) = Run([5, 4, 4.5, 3, 3.0, 3.5, 3.2, 1], new EarlyStopping(patience: 2, restoreBestWeights: true), epochs: 8);
        Assert.Equal(5, stopping.StoppedEpoch);
        Assert.Equal(3, stopping.BestEpoch);
        Assert.Equal(3.0, stopping.Best);
        Assert.Equal([0, 1, 2, 3, 4, 5], history.Epoch);
        Assert.True(TrainingTestKit.SameWeights(snapshots[3], model.GetWeights()));
        Assert.False(TrainingTestKit.SameWeights(snapshots[5], model.GetWeights()));
    }

    /// <summary>baseline 3.5, patience 1, script 5, 4, 4.5: e0 improves (best 5) but not below the baseline, wait 1;
    /// e1 wait 2, improves (best 4), still not below 3.5 so wait stays 2 (and improvements return early);
    /// e2 4.5 wait 3 ≥ 1 → stop at epoch 2, best epoch 1.</summary>
    [Fact]
    public void Baseline_keeps_patience_running_until_beaten()
    {
        var (stopping, history, _, _) = Run([5, 4, 4.5, 1, 1], new EarlyStopping(patience: 1, baseline: 3.5), epochs: 5);
        Assert.Equal(2, stopping.StoppedEpoch);
        Assert.Equal(1, stopping.BestEpoch);
        Assert.Equal(3, history.Epoch.Count);
    }

    /// <summary>Never stops (patience 10) but restores the best epoch (1) at the end anyway (keras#12511).</summary>
    [Fact]
    public void Restores_best_weights_even_when_stopping_never_fired()
    {
        var (stopping, history, snapshots, model) = Run([3, 1, 2, 2.5], new EarlyStopping(patience: 10, restoreBestWeights: true), epochs: 4);
        Assert.Equal(0, stopping.StoppedEpoch);
        Assert.Equal(4, history.Epoch.Count);
        Assert.True(TrainingTestKit.SameWeights(snapshots[1], model.GetWeights()));
    }

    /// <summary>minDelta 0.5, mode max on a rising metric: 1, 1.4 (not &gt; 1 + 0.5), 1.6 (&gt; 1.5: best), 1.7, 1.8 →
    /// with patience 2: e1 wait 1; e2 best (wait 0); e3 wait 1; e4 wait 2 → stop at 4.</summary>
    [Fact]
    public void Min_delta_and_max_mode()
    {
        var (stopping, _, _, _) = Run([1, 1.4, 1.6, 1.7, 1.8, 9], new EarlyStopping(minDelta: 0.5, patience: 2, mode: "max"), epochs: 6);
        Assert.Equal(4, stopping.StoppedEpoch);
        Assert.Equal(2, stopping.BestEpoch);
    }

    /// <summary>startFromEpoch 2: epochs 0–1 are ignored even though 0 is the lowest.</summary>
    [Fact]
    public void Start_from_epoch_ignores_warm_up()
    {
        var (stopping, _, _, _) = Run([0, 0, 5, 6, 7, 8], new EarlyStopping(patience: 1, startFromEpoch: 2), epochs: 6);
        Assert.Equal(3, stopping.StoppedEpoch);
        Assert.Equal(2, stopping.BestEpoch);
    }

    [Fact]
    public void Unknown_monitor_fails_at_the_start_listing_available_keys()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse", ["mae"]);
        var (x, y) = TrainingTestKit.Regression(20, 1);
        int epochsRun = 0;
        var ex = Assert.Throws<ArgumentException>(() => model.Fit(x, y, epochs: 3, validationSplit: 0.25, verbose: 0,
            callbacks: [new LambdaCallback(onEpochEnd: (_, _) => epochsRun++), new EarlyStopping(monitor: "val_accuracy")]));
        Assert.Contains("val_accuracy", ex.Message);
        Assert.Contains("loss, mae, val_loss, val_mae", ex.Message);
        Assert.Equal(0, epochsRun);
    }

    [Fact]
    public void Negative_patience_is_rejected_with_the_value()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: -1));
        Assert.Equal(-1, ex.ActualValue);
    }

    [Fact]
    public void One_instance_serves_two_fits()
    {
        var stopping = new EarlyStopping(patience: 1);
        var first = Run([3, 2, 2.5, 2.6], stopping, epochs: 4);
        Assert.Equal(2, first.Stopping.StoppedEpoch);
        var second = Run([3, 4, 5], stopping, epochs: 3);
        Assert.Equal(1, second.Stopping.StoppedEpoch);
        Assert.Equal(0, second.Stopping.BestEpoch);
    }

    private static (EarlyStopping Stopping, History History, List<Tensor[]> Snapshots, Sequential Model) Run(
        double[] script, EarlyStopping stopping, int epochs)
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile(new Backprop.Optimizers.SGD(0.01), "mse");
        var (x, y) = TrainingTestKit.Regression(40, 2);
        var snapshots = new List<Tensor[]>();
        var script_ = new LambdaCallback(onEpochEnd: (epoch, logs) =>
        {
            ((IDictionary<string, double>)logs)["val_loss"] = script[epoch];
            snapshots.Add(model.GetWeights());
        });
        var history = model.Fit(x, y, epochs: epochs, batchSize: 8, validationSplit: 0.25, verbose: 0, seed: 5, callbacks: [script_, stopping]);
        return (stopping, history, snapshots, model);
    }
}
