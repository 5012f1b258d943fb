using System.Diagnostics;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.Kernels;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Tests.Training;

/// <summary>Fit's measured choice between all threads and one (<see cref="Parallelism.AdaptiveTraining"/>): the
/// decision on simulated step times, and on real training that the choice never changes a result.</summary>
[Collection(nameof(ThreadCountCollection))]
public class ThreadChooserTests
{
    private static readonly long Millisecond = Stopwatch.Frequency / 1000;

    /// <summary>Simulated steps: all threads take <paramref name="mostMicroseconds"/>, one thread
    /// <paramref name="oneMicroseconds"/>; the chooser keeps the faster, ties going to all threads.</summary>
    [Theory]
    [InlineData(2, 2000, 1000, 1)]
    [InlineData(2, 1000, 2000, 2)]
    [InlineData(3, 1000, 1000, 3)]
    [InlineData(2, 1, 2, 2)]
    [InlineData(2, 2, 1, 1)]
    [InlineData(4, 700, 690, 1)]
    [InlineData(2, 250_000, 400_000, 2)]
    public void Chooses_the_side_whose_steps_are_faster(int threads, double mostMicroseconds, double oneMicroseconds, int expected)
    {
        WithAdaptive(threads, true, () =>
        {
            var clock = new SimulatedClock();
            var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => false);
            var counts = Simulate(chooser, clock, limit => limit == 1 ? oneMicroseconds : mostMicroseconds);
            Assert.Equal(expected, chooser.Chosen);
            Assert.True(counts[1] > 0 && counts[threads] > 0, "both sides must have been timed");
        });
    }

    /// <summary>The first step after each switch pays for the switch (workers waking, data moving between caches)
    /// and is not counted, and one slow block (the host stealing the CPU) does not decide: the fastest block of
    /// each side does.</summary>
    [Fact]
    public void Ignores_the_first_step_of_a_block_and_a_single_slow_block()
    {
        WithAdaptive(2, true, () =>
        {
            var clock = new SimulatedClock();
            var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => false);
            int previous = -1, oneBlocks = 0;
            Simulate(chooser, clock, limit =>
            {
                bool first = limit != previous;
                previous = limit;
                if (limit == 1 && first)
                {
                    oneBlocks++;
                }

                return limit == 1
                    ? (first ? 50_000 : oneBlocks == 1 ? 20_000 : 1000) // a 50 ms switch, then one block at 20 ms per step
                    : 1500;
            });
            Assert.Equal(1, chooser.Chosen);
        });
    }

    /// <summary>Steps that end while other work runs in the process (the kernel warm-up compiling on the other core)
    /// are not counted: a chooser told the process is busy for the first 200 steps, during which all threads look 10×
    /// slower, still keeps all threads, and decides only on steps after that.</summary>
    [Fact]
    public void Does_not_count_steps_while_other_work_runs()
    {
        WithAdaptive(2, true, () =>
        {
            var clock = new SimulatedClock();
            int steps = 0;
            var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => steps < 200);
            var counts = Simulate(chooser, clock, limit => ++steps < 200 && limit != 1 ? 10_000 : limit == 1 ? 1500 : 1000);
            Assert.Equal(2, chooser.Chosen);
            Assert.True(steps > 200, $"decided after {steps} steps, while the process was still busy");
            Assert.True(counts[1] > 0, "one thread must have been timed after the busy spell");
        });
    }

    /// <summary>After <see cref="ThreadChooser.RecheckSeconds"/> the choice is measured again (the host may have
    /// moved the vCPUs), and it follows the new timings.</summary>
    [Fact]
    public void Measures_again_after_the_recheck_interval()
    {
        WithAdaptive(2, true, () =>
        {
            var clock = new SimulatedClock();
            var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => false);
            Simulate(chooser, clock, limit => limit == 1 ? 3000 : 1000);
            Assert.Equal(2, chooser.Chosen);

            // Steps go on under the choice until the interval is over (the clock is looked at every
            // StepsPerClockCheck steps, so it may run over by that many steps)…
            long until = clock.Now + (long)(ThreadChooser.RecheckSeconds * Stopwatch.Frequency);
            int steps = 0;
            while (chooser.Chosen != 0 && steps < 1_000_000)
            {
                Assert.Equal(2, chooser.NextStep());
                clock.Now += Millisecond;
                chooser.StepDone();
                steps++;
            }

            Assert.Equal(0, chooser.Chosen);
            Assert.InRange(clock.Now, until, until + (ThreadChooser.StepsPerClockCheck + 1) * Millisecond);

            // …then a new measurement, in which one thread has become the faster.
            Simulate(chooser, clock, limit => limit == 1 ? 1000 : 3000);
            Assert.Equal(1, chooser.Chosen);
        });
    }

    /// <summary>Once chosen, the clock is read only every <see cref="ThreadChooser.StepsPerClockCheck"/> steps
    /// (tiny steps pay for no timing); while measuring, at every step; with one thread or the choice off, never.</summary>
    [Fact]
    public void Reads_the_clock_only_when_it_needs_it()
    {
        WithAdaptive(2, true, () =>
        {
            var clock = new SimulatedClock();
            var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => false);
            Simulate(chooser, clock, limit => limit == 1 ? 3000 : 1000);
            Assert.True(clock.Reads > 0);
            clock.Reads = 0;
            for (int step = 0; step < 10 * ThreadChooser.StepsPerClockCheck; step++)
            {
                Assert.Equal(2, chooser.NextStep());
                chooser.StepDone();
            }

            Assert.Equal(10, clock.Reads);
            Assert.Equal(2, chooser.Chosen);
        });
        foreach (var (threads, adaptive) in new[] { (1, true), (2, false) })
        {
            WithAdaptive(threads, adaptive, () =>
            {
                var clock = new SimulatedClock();
                var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => false);
                for (int step = 0; step < 100; step++)
                {
                    Assert.Equal(0, chooser.NextStep());
                    chooser.StepDone();
                }

                Assert.Equal(0, clock.Reads);
            });
        }
    }

    /// <summary>A thread count set while a measurement is under way starts it again for the new count.</summary>
    [Fact]
    public void A_new_thread_count_starts_a_new_measurement()
    {
        WithAdaptive(2, true, () =>
        {
            var clock = new SimulatedClock();
            var chooser = new ThreadChooser(clock.Read, otherWorkRunning: () => false);
            Simulate(chooser, clock, limit => limit == 1 ? 3000 : 1000);
            Assert.Equal(2, chooser.Chosen);
            Parallelism.ThreadCount = 3;
            Assert.Equal(3, chooser.NextStep());
            Assert.Equal(0, chooser.Chosen);
        });
    }

    /// <summary>Training with the choice on gives bit for bit the weights of training on a fixed thread count (one
    /// or three), on a model whose every layer has a threaded kernel or a random stream (Dense, batch
    /// normalisation, dropout), in float and double, with the measurement completed inside the Fit.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Fit_gives_the_same_weights_whichever_thread_count_it_chooses(DType dtype)
    {
        Tensor[] Train(int threads, bool adaptive, out int chosen)
        {
            Tensor[] weights = [];
            int chosenThreads = 0;
            WithAdaptive(threads, adaptive, () =>
            {
                // Large enough that the GEMMs, batch normalisation and ReLU split over threads at batch 64.
                var model = new Sequential(dtype,
                    new Dense(1024, activation: "relu", inputShape: [200]),
                    new BatchNormalization(),
                    new Dropout(0.2, seed: 5),
                    new Dense(3));
                LayerTestKit.Randomize(model, 3, -0.3, 0.3);
                model.Output = TextWriter.Null;
                model.Compile(new Adam(1e-3), "mse");
                var x = TestData.Tensor(7, 1536, 200);
                var y = TestData.Tensor(8, 1536, 3);
                if (dtype == DType.Float32)
                {
                    model.Fit(Tensor.Cast<double, float>(x), Tensor.Cast<double, float>(y), epochs: 6, batchSize: 64, verbose: 0, seed: 9);
                }
                else
                {
                    model.Fit(x, y, epochs: 6, batchSize: 64, verbose: 0, seed: 9);
                }

                weights = model.GetWeights();
                chosenThreads = model.Trainer!.Threads.Chosen;
            });
            chosen = chosenThreads;
            return weights;
        }

        var adaptive = Train(3, true, out int chosen);
        Assert.True(chosen is 1 or 3, $"the measurement did not finish inside the Fit (chosen {chosen})");
        foreach (int threads in new[] { 1, 3 })
        {
            var fixedCount = Train(threads, false, out int none);
            Assert.Equal(0, none);
            Assert.Equal(fixedCount.Length, adaptive.Length);
            for (int i = 0; i < adaptive.Length; i++)
            {
                AssertSameBits(fixedCount[i], adaptive[i]);
            }
        }
    }

    /// <summary>The limit is the training thread's alone: during Fit another thread still sees the configured
    /// count, the training thread sees one or all of them, and after Fit (or a Fit that throws) everything is as
    /// before.</summary>
    [Fact]
    public void The_limit_holds_only_on_the_training_thread_and_only_during_Fit()
    {
        WithAdaptive(2, true, () =>
        {
            var seen = new HashSet<int>();
            var elsewhere = new List<int>();
            var recorder = new Recorder(() =>
            {
                seen.Add(Parallelism.ThreadCount);
                if (elsewhere.Count < 3)
                {
                    var other = new Thread(() => elsewhere.Add(Parallelism.ThreadCount));
                    other.Start();
                    other.Join();
                }
            });
            var model = TrainingTestKit.SmallModel();
            model.Compile(new SGD(0.01), "mse");
            var (x, y) = TrainingTestKit.Regression(600, 4);
            model.Fit(x, y, epochs: 3, batchSize: 2, verbose: 0, callbacks: [recorder]);
            Assert.Contains(1, seen);
            Assert.Contains(2, seen);
            Assert.All(elsewhere, count => Assert.Equal(2, count));
            Assert.Equal(2, Parallelism.ThreadCount);

            var failing = new Recorder(() =>
            {
                if (Parallelism.ThreadCount == 1)
                {
                    throw new InvalidOperationException("stop");
                }
            });
            model.Trainer!.Threads.Reset();
            Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 3, batchSize: 2, verbose: 0, callbacks: [failing]));
            Assert.Equal(2, Parallelism.ThreadCount);
        });
    }

    /// <summary>Runs simulated steps until the chooser decides; returns how many steps ran per thread limit.</summary>
    private static Dictionary<int, int> Simulate(ThreadChooser chooser, SimulatedClock clock, Func<int, double> microsecondsPerStep)
    {
        var counts = new Dictionary<int, int> { [1] = 0 };
        for (int step = 0; step < 100_000; step++)
        {
            int limit = chooser.NextStep();
            if (chooser.Chosen != 0)
            {
                return counts;
            }

            counts[limit] = counts.GetValueOrDefault(limit) + 1;
            clock.Now += (long)(microsecondsPerStep(limit) * Stopwatch.Frequency / 1e6);
            chooser.StepDone();
        }

        throw new InvalidOperationException("The chooser never decided.");
    }

    private static void AssertSameBits(Tensor expected, Tensor actual)
    {
        switch (expected)
        {
            case Tensor<float> f:
                Assert.Equal(f.AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits), ((Tensor<float>)actual).AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits));
                break;
            default:
                Assert.Equal(((Tensor<double>)expected).AsSpan().ToArray().Select(BitConverter.DoubleToInt64Bits), ((Tensor<double>)actual).AsSpan().ToArray().Select(BitConverter.DoubleToInt64Bits));
                break;
        }
    }

    private static void WithAdaptive(int threads, bool adaptive, Action action)
    {
        bool saved = Parallelism.AdaptiveTraining;
        Parallelism.AdaptiveTraining = adaptive;
        try
        {
            GemmTestHelpers.WithThreads(threads, action);
        }
        finally
        {
            Parallelism.AdaptiveTraining = saved;
        }
    }

    /// <summary>A clock the test moves by hand, counting how often it is read.</summary>
    private sealed class SimulatedClock
    {
        public long Now = 1;

        public int Reads;

        public long Read()
        {
            Reads++;
            return Now;
        }
    }

    private sealed class Recorder(Action onBatch) : Callback
    {
        public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => onBatch();
    }
}
