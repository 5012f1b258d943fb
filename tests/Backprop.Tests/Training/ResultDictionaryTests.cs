using System.Text.RegularExpressions;
using Backprop.Data;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Tests.Training;

/// <summary>Evaluate prints Keras's line unless told not to, and every dictionary training hands out names the keys it
/// has when asked for one it lacks.</summary>
public sealed partial class ResultDictionaryTests
{
    [Fact]
    public void Evaluate_prints_one_Keras_line_at_verbose_1_and_2_and_nothing_at_0()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse", ["mae"]);
        var (x, y) = TrainingTestKit.Regression(37, seed: 3);

        var output = new StringWriter();
        model.Output = output;
        var logs = model.Evaluate(x, y, batchSize: 10);
        string line = output.ToString().TrimEnd();
        // Keras: "4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.1234 - mae: 0.2345"; 37 rows in batches of 10 are 4 steps.
        Assert.Matches(@"^4/4 ━{20} \d+s \d+(us|ms|s)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$", line);
        Assert.EndsWith($"loss: {logs["loss"]:F4} - mae: {logs["mae"]:F4}", line);
        Assert.Single(output.ToString().TrimEnd().Split('\n'));

        output.GetStringBuilder().Clear();
        model.Evaluate(Dataset.FromTensorSlices((x, y)).Batch(10), verbose: 2);
        Assert.Matches(@"^4/4 - \d+s - \d+(us|ms|s)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$", output.ToString().TrimEnd());

        output.GetStringBuilder().Clear();
        var silent = model.Evaluate(x, y, batchSize: 10, verbose: 0);
        Assert.Equal("", output.ToString());
        Assert.Equal(logs["mae"], silent["mae"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(x, y, verbose: 3));
    }

    [Fact]
    public void A_missing_key_names_the_keys_there_are()
    {
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse");
        var (x, y) = TrainingTestKit.Regression(20, seed: 4);

        var results = model.Evaluate(x, y, verbose: 0);
        var missing = Assert.Throws<KeyNotFoundException>(() => results["mae"]);
        Assert.Equal("Evaluate's results have no 'mae'. Keys: loss (metrics appear under the names given to Compile).", missing.Message);

        string? epochMessage = null;
        var probe = new LambdaCallback(onEpochEnd: (_, epochLogs) =>
            epochMessage ??= Assert.Throws<KeyNotFoundException>(() => epochLogs["val_loss"]).Message);
        var history = model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [probe]);
        Assert.Equal("the epoch logs have no 'val_loss'. Keys: loss (validation values appear only when Fit has validation data).", epochMessage);
        Assert.Equal("History's values have no 'mse'. Keys: loss (metrics appear under the names given to Compile).",
            Assert.Throws<KeyNotFoundException>(() => history.Values["mse"]).Message);

        var norms = model.ComputeGradients(x, y).Norms();
        Assert.StartsWith("the gradient norms have no 'dense/kernel'. Keys: ", Assert.Throws<KeyNotFoundException>(() => norms["dense/kernel"]).Message);
        Assert.Equal(4, norms.Count);
    }

    [Fact]
    public void Callbacks_can_still_add_to_the_epoch_logs()
    {
        // LearningRateScheduler writes "learning_rate" into the logs, as Keras does; the dictionary must stay writable.
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse");
        var (x, y) = TrainingTestKit.Regression(20, seed: 5);
        var history = model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new LearningRateScheduler((epoch, rate) => rate / 2)]);
        Assert.Equal(2, history["learning_rate"].Count);
    }
}
