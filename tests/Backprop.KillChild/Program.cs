using Backprop;
using Backprop.Checkpoints;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Serialization;
using Backprop.Training;
using Backprop.Training.Callbacks;

// The kill test's child: trains a small model with dropout, shuffling, EarlyStopping and
// BackupAndRestore(saveEveryBatches: 3), resuming from the backup when one exists, and writes the final weights.
// Usage: Backprop.KillChild <folder> <threads> <epochs> <rows> [pause-ms]. Prints "ready" when training begins and
// "done" at the end. pause-ms sleeps before each batch, so that on a fast machine a short run still lasts long
// enough for the kills to land (the sleep changes no number: weights depend only on the seeded data and steps).
if (args.Length is not (4 or 5))
{
    Console.Error.WriteLine("usage: Backprop.KillChild <folder> <threads> <epochs> <rows> [pause-ms]");
    return 2;
}

string folder = args[0];
Parallelism.ThreadCount = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
int epochs = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
int rows = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
int pause = args.Length == 5 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0;

RandomSeed.Set(31337);
var model = new Sequential(DType.Float32,
    new Dense(64, activation: "relu", inputShape: [16]),
    new Dropout(0.3),
    new Dense(32, activation: "relu"),
    new Dropout(0.2),
    new Dense(1));
model.Output = TextWriter.Null;
model.Compile(new Adam(0.003), "mse", ["mae"]);

// y = a smooth function of x plus noise, all from the library's seeded stream.
var data = new RandomGenerator(99);
var x = new Tensor<float>(rows, 16);
data.FillNormal(x.AsSpan(), 0f, 1f);
var y = new Tensor<float>(rows, 1);
for (int i = 0; i < rows; i++)
{
    y[i, 0] = MathF.Sin(x[i, 0]) + 0.5f * x[i, 1] * x[i, 2] - 0.25f * x[i, 3] + 0.1f * (float)data.NextDouble();
}

var ready = new LambdaCallback(onTrainBegin: _ =>
{
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
});
var slow = new LambdaCallback(onBatchBegin: (_, _) =>
{
    if (pause > 0)
    {
        Thread.Sleep(pause);
    }
});
var backup = new BackupAndRestore(Path.Combine(folder, "backup"), saveEveryBatches: 3);
model.Fit(x, y, epochs: epochs, batchSize: 32, validationSplit: 0.2, verbose: 0,
    callbacks: [ready, slow, new EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true), backup]);
model.SaveWeights(Path.Combine(folder, "final.safetensors"));
Console.Out.WriteLine(backup.ResumedFrom is null ? "done" : "done (resumed)");
return 0;
