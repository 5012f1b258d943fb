using System.Diagnostics;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Labs.EggholderCapacity;

/// <summary>One trained network: its time, its training loss per epoch and its test RMSE computed both ways.</summary>
/// <param name="Config">The network.</param>
/// <param name="Dampening">SGD's dampening.</param>
/// <param name="TrainSeconds">Wall-clock seconds of Fit (the course's <c>time.time()</c> around <c>train</c>).</param>
/// <param name="Loss">Training MSE per epoch (the mean of the epoch's batch losses).</param>
/// <param name="RmseCourse">√MSE over the whole test set in one forward pass in training mode, as the course computed
/// it without <c>model.eval()</c>: batch normalisation uses the test set's own statistics.</param>
/// <param name="RmseInference">√MSE in inference mode (<c>model.eval()</c>): batch normalisation uses its running
/// statistics.</param>
/// <param name="CpuSeconds">Processor time of the whole process during Fit (all threads): less sensitive than the
/// wall clock to other jobs on a shared machine.</param>
internal sealed record EggholderResult(EggholderConfig Config, double Dampening, double TrainSeconds, double CpuSeconds, double[] Loss, double RmseCourse, double RmseInference)
{
    public bool Diverged => !double.IsFinite(RmseCourse) || Loss.Any(v => !double.IsFinite(v));
}

internal static class EggholderTraining
{
    public static EggholderResult Train(EggholderConfig config, EggholderData data, int seed, double dampening, int? epochs = null, Callback? progress = null)
    {
        var model = EggholderModels.Build(config, seed, dampening);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var history = model.Fit(data.XTrain, data.YTrain, epochs: epochs ?? config.Epochs, batchSize: EggholderModels.BatchSize, verbose: 0,
            seed: unchecked((ulong)seed), callbacks: progress is null ? null : [progress]);
        clock.Stop();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        // Inference mode first: the course's training-mode pass would move BN's running statistics towards the test set.
        int rows = data.XTest.Shape[0];
        double inference = Rmse(model.Predict(data.XTest, batchSize: rows), data.YTest);
        double course = Rmse(model.Forward(data.XTest, training: true), data.YTest);
        return new EggholderResult(config, dampening, clock.Elapsed.TotalSeconds, cpuSeconds, history["loss"].ToArray(), course, inference);
    }

    /// <summary>√(mean (ŷ − y)²) accumulated in float64.</summary>
    public static double Rmse(Tensor<float> predicted, Tensor<float> target)
    {
        var p = predicted.AsSpan();
        var t = target.AsSpan();
        double sum = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double d = p[i] - (double)t[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / t.Length);
    }

    /// <summary>The RMSE of always predicting the training mean: what a network that learned nothing scores.</summary>
    public static double ConstantRmse(EggholderData data)
    {
        double mean = data.YTrain.AsSpan().ToArray().Average(v => (double)v);
        var t = data.YTest.AsSpan();
        double sum = 0;
        for (int i = 0; i < t.Length; i++)
        {
            sum += (t[i] - mean) * (t[i] - mean);
        }

        return Math.Sqrt(sum / t.Length);
    }
}
