using Backprop.Inspection;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Labs.DyingRelu;

/// <summary>One job of a batch: a setting and the random stream its run draws everything from.</summary>
/// <param name="Setup">The network and target.</param>
/// <param name="Stream">The Philox stream (of the lab's seed) that draws the run's data, weights and shuffling.</param>
public readonly record struct CollapseJob(CollapseSetup Setup, ulong Stream);

/// <summary>Course 003, Problem 2.2: train a narrow, deep network on a 1-D function many times over and count the
/// runs whose network ends up constant. One run draws 3,000 training and 100 test inputs from U(−√7, √7), builds
/// the network with fresh weights, trains it with Adam (Keras defaults) on the mean squared error, batch 64,
/// 20 epochs, and checks its test predictions before and after. Runs are independent, so a batch runs them on
/// separate models on separate threads; every run draws from its own stream of the seed, so the results are the
/// same bits at any thread count.</summary>
public static class CollapseExperiment
{
    /// <summary>Training inputs per run.</summary>
    public const int TrainPoints = 3000;

    /// <summary>Test inputs per run (the collapse check looks at their predictions).</summary>
    public const int TestPoints = 100;

    /// <summary>Epochs per run.</summary>
    public const int Epochs = 20;

    /// <summary>Rows per Adam step.</summary>
    public const int BatchSize = 64;

    /// <summary>A run's predictions count as constant under the tolerance criterion when their range is below this
    /// fraction of the test targets' range.</summary>
    public const double RelativeTolerance = 1e-6;

    /// <summary>Inputs are drawn from U(−√7, √7).</summary>
    public static readonly float Bound = MathF.Sqrt(7);

    /// <summary>The stream of run <paramref name="run"/> of experiment <paramref name="experiment"/>: runs with the
    /// same index in one experiment share their data and weight seeds (paired cells), different runs never do.</summary>
    public static ulong Stream(int experiment, int run) => ((ulong)(uint)experiment << 32) | (uint)run;

    /// <summary>The network of <paramref name="setup"/> with each layer's kernel drawn from its own seed; biases zero.</summary>
    public static Sequential Build(CollapseSetup setup, IReadOnlyList<int> layerSeeds)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(layerSeeds);
        if (layerSeeds.Count < setup.Depth + 2)
        {
            throw new ArgumentException($"A depth-{setup.Depth} network needs {setup.Depth + 2} layer seeds; got {layerSeeds.Count}.", nameof(layerSeeds));
        }

        var model = new Sequential(new Dense(setup.Width, kernelInitializer: setup.Init.Kernel(layerSeeds[0]), inputShape: [1]));
        for (int l = 1; l <= setup.Depth; l++)
        {
            Backprop.Activations.Activation activation = setup.Activation == "relu"
                ? new Backprop.Activations.Relu()
                : new Backprop.Activations.LeakyRelu(setup.Slope);
            model.Add(new Dense(setup.Width, activation: activation, kernelInitializer: setup.Init.Kernel(layerSeeds[l])));
        }

        model.Add(new Dense(1, kernelInitializer: setup.Init.Kernel(layerSeeds[setup.Depth + 1])));
        model.Build(new Shape(1));
        return model;
    }

    /// <summary>One run of <paramref name="setup"/>, drawing its data, weights and shuffling from stream
    /// <paramref name="stream"/> of <paramref name="seed"/>. Runs on the calling thread with the library's kernel
    /// threads as they are set (a batch sets them to 1).</summary>
    public static RunOutcome Run(CollapseSetup setup, int seed, ulong stream, int epochs = Epochs)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var random = new RandomGenerator(unchecked((ulong)seed), stream);
        var x = new Tensor<float>(TrainPoints, 1);
        var xTest = new Tensor<float>(TestPoints, 1);
        random.FillUniform(x.AsSpan(), -Bound, Bound);
        random.FillUniform(xTest.AsSpan(), -Bound, Bound);
        ulong shuffleSeed = random.NextUInt64();
        var layerSeeds = new int[setup.Depth + 2];
        for (int l = 0; l < layerSeeds.Length; l++)
        {
            layerSeeds[l] = (int)(random.NextUInt32() >> 1);
        }

        var y = Targets(x, setup.Target);
        var yTest = Targets(xTest, setup.Target);
        var model = Build(setup, layerSeeds);
        model.Compile(new Adam(), new MeanSquaredError());

        var (targetLow, targetHigh) = Range(yTest.AsSpan());
        double tolerance = RelativeTolerance * (targetHigh - targetLow);
        var before = model.Predict(xTest, batchSize: TestPoints);
        var (lowBefore, highBefore) = Range(before.AsSpan());

        model.Fit(x, y, epochs: epochs, batchSize: BatchSize, verbose: 0, seed: shuffleSeed);

        var after = model.Predict(xTest, batchSize: TestPoints);
        var (lowAfter, highAfter) = Range(after.AsSpan());
        double squaredError = 0;
        for (int i = 0; i < TestPoints; i++)
        {
            double e = after[i, 0] - yTest[i, 0];
            squaredError += e * e;
        }

        return new RunOutcome(
            BornDead: lowBefore == highBefore,
            BornDeadTolerance: highBefore - lowBefore < tolerance,
            Collapsed: lowAfter == highAfter,
            CollapsedTolerance: highAfter - lowAfter < tolerance,
            InactiveUnits: InactiveUnits(model, xTest, setup.Depth),
            TestMse: squaredError / TestPoints,
            PredictionHash: Hash(after.AsSpan()));
    }

    /// <summary>Runs every job, <paramref name="threads"/> at a time, each on its own model, with the library's
    /// kernels on one thread per run (a run's layers are far too small to split). The result for job i is at index
    /// i, the same bits whatever <paramref name="threads"/> is. <paramref name="completed"/> is called after each run
    /// (from the worker threads) with the number done so far.</summary>
    public static RunOutcome[] RunMany(IReadOnlyList<CollapseJob> jobs, int seed, int threads, int epochs = Epochs, Action<int>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var results = new RunOutcome[jobs.Count];
        int kernelThreads = Parallelism.ThreadCount;
        Parallelism.ThreadCount = 1;
        try
        {
            int next = -1, done = 0;
            var workers = new Thread[Math.Min(threads, Math.Max(1, jobs.Count))];
            Exception? failure = null;
            for (int t = 0; t < workers.Length; t++)
            {
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        for (int i = Interlocked.Increment(ref next); i < jobs.Count && Volatile.Read(ref failure) is null; i = Interlocked.Increment(ref next))
                        {
                            results[i] = Run(jobs[i].Setup, seed, jobs[i].Stream, epochs);
                            completed?.Invoke(Interlocked.Increment(ref done));
                        }
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                })
                {
                    IsBackground = true,
                    Name = $"collapse runs {t + 1}",
                };
                workers[t].Start();
            }

            foreach (var worker in workers)
            {
                worker.Join();
            }

            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        finally
        {
            Parallelism.ThreadCount = kernelThreads;
        }

        return results;
    }

    private static Tensor<float> Targets(Tensor<float> x, CollapseTarget target)
    {
        var y = new Tensor<float>(x.Shape[0], 1);
        for (int i = 0; i < x.Shape[0]; i++)
        {
            y[i, 0] = (float)target.Function(x[i, 0]);
        }

        return y;
    }

    private static (float Low, float High) Range(ReadOnlySpan<float> values)
    {
        float low = float.PositiveInfinity, high = float.NegativeInfinity;
        foreach (float v in values)
        {
            low = MathF.Min(low, v);
            high = MathF.Max(high, v);
        }

        return (low, high);
    }

    /// <summary>Hidden units whose output is ≤ 0 for every test input: for ReLU an output of exactly 0, a dead unit.</summary>
    private static int InactiveUnits(Sequential model, Tensor<float> xTest, int depth)
    {
        var activations = model.ForwardWithActivations(xTest);
        int inactive = 0;
        for (int l = 1; l <= depth; l++)
        {
            var output = (Tensor<float>)activations[l].Output;
            int width = output.Shape[1];
            for (int u = 0; u < width; u++)
            {
                bool active = false;
                for (int r = 0; r < output.Shape[0] && !active; r++)
                {
                    active = output[r, u] > 0;
                }

                inactive += active ? 0 : 1;
            }
        }

        return inactive;
    }

    /// <summary>FNV-1a over the float bits.</summary>
    private static ulong Hash(ReadOnlySpan<float> values)
    {
        ulong hash = 14695981039346656037UL;
        foreach (float v in values)
        {
            hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
        }

        return hash;
    }
}
