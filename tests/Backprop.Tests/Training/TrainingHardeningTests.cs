using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.TestSupport;
using Backprop.Training;
using Backprop.Training.Callbacks;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Training;

/// <summary>Issue 14's findings on the trainer: no step leaves non-finite weights, one model is never used from two
/// threads at once, and misuse gets typed errors.</summary>
public sealed class TrainingHardeningTests
{
    [Fact]
    public void Float32_inputs_of_1e30_stop_training_with_the_weights_finite_and_unchanged()
    {
        // The finding: a first-batch loss of 4.76e58 (finite in double), 36 of 161 weights non-finite, NaN predictions.
        var x = new Tensor<float>(64, 8);
        var y = new Tensor<float>(64, 1);
        var values = TestData.Floats(64 * 8, seed: 5);
        for (int i = 0; i < values.Length; i++)
        {
            x.AsSpan()[i] = values[i] * 1e30f;
        }

        Backprop.Random.RandomSeed.Set(3);
        var model = new Sequential(new Dense(16, activation: "relu", inputShape: [8]), new Dense(1)) { Output = TextWriter.Null };
        var before = model.GetWeights();
        model.Compile("adam", "mse");
        var e = Assert.Throws<NonFiniteTrainingException>(() => model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0, seed: 1));
        Assert.Equal((0, 0), (e.Epoch, e.Batch));
        Assert.NotNull(e.ParameterName);
        Assert.StartsWith("dense", e.LayerName);
        Assert.Contains($"{e.LayerName}/{e.ParameterName}", e.Message);
        Assert.Contains("last finite weights", e.Message);
        Assert.True(TrainingTestKit.SameWeights(before, model.GetWeights()));
        Assert.All(model.Predict(x).ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Adam_at_learning_rate_1e6_never_leaves_non_finite_weights()
    {
        // The finding: non-finite weights after 38 of 40 batches, then NaN losses with no message.
        var (x64, y64) = TrainingTestKit.Regression(320, 7);
        var x = Tensor.Cast<double, float>(x64);
        var y = Tensor.Cast<double, float>(y64);
        var model = TrainingTestKit.SmallModel(dtype: DType.Float32);
        model.Compile(new Adam(learningRate: 1e6), "mse");
        try
        {
            model.Fit(x, y, epochs: 50, batchSize: 8, verbose: 0, seed: 2);
        }
        catch (NonFiniteTrainingException)
        {
            // Stopping is fine; what matters is that the weights stay finite either way.
        }

        Assert.All(model.GetWeights(), w => Assert.All(w.ToDoubleArray(), v => Assert.True(double.IsFinite(v))));
        model.Trainer!.NonFiniteSteps = NonFiniteStepPolicy.Skip;
        model.Fit(x, y, epochs: 5, batchSize: 8, verbose: 0, seed: 3);
        Assert.All(model.GetWeights(), w => Assert.All(w.ToDoubleArray(), v => Assert.True(double.IsFinite(v))));
    }

    [Fact]
    public void An_update_that_overflows_is_put_back_whole()
    {
        // Finite gradients, but η·g overflows float32 for the second parameter: nothing may change, slots included.
        var optimizer = new SGD(learningRate: 1e37, momentum: 0.5);
        var a = Create<float>("kernel", [1.0, 2.0]);
        var b = Create<float>("bias", [3.0]);
        SetGradient(a, [1e-40, 0]);
        SetGradient(b, [0]);
        optimizer.Apply([a, b]);   // a harmless first step that creates the momentum slots
        var aBefore = Values(a);
        var bBefore = Values(b);
        SetGradient(a, [1e-3, 1e-3]);
        SetGradient(b, [1e3]);
        var e = Assert.Throws<NonFiniteUpdateException>(() => optimizer.Apply([a, b]));
        Assert.True(e.Restored);
        Assert.Equal(("bias", 1), (e.ParameterName, e.ParameterIndex));
        Assert.Equal(aBefore, Values(a));
        Assert.Equal(bBefore, Values(b));
        Assert.Equal(1, optimizer.Iterations);

        // The momentum slots were put back too: the same harmless step from here gives what it gave before.
        SetGradient(a, [1e-40, 0]);
        SetGradient(b, [0]);
        optimizer.Apply([a, b]);
        Assert.All(Values(a).Concat(Values(b)), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void A_nan_gradient_changes_nothing_in_any_optimiser()
    {
        foreach (string name in OptimizerRegistry.Names.Where(n => n != "lbfgs"))
        {
            var optimizer = (FirstOrderOptimizer)Optimizer.Get(name);
            var p = Create<double>("kernel", [1.0, -2.0, 0.5]);
            SetGradient(p, [0.1, 0.2, 0.3]);
            optimizer.Apply([p]);
            var before = Values(p);
            SetGradient(p, [0.1, double.NaN, 0.3]);
            var e = Assert.Throws<NonFiniteGradientException>(() => optimizer.Apply([p]));
            Assert.Equal("kernel", e.ParameterName);
            Assert.Equal(before, Values(p));
            Assert.Equal(1, optimizer.Iterations);
        }
    }

    [Fact]
    public async Task One_model_used_from_two_threads_is_refused_and_the_same_thread_may_reenter()
    {
        var (x, y) = TrainingTestKit.Regression(64, 2);
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse");
        using var inFit = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Exception? fromOtherThread = null;
        var reentrant = new LambdaCallback(onEpochEnd: (epoch, _) =>
        {
            model.Predict(x);   // the same thread: allowed
            if (epoch == 0)
            {
                inFit.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        });
        var fit = Task.Run(() => model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [reentrant]));
        Assert.True(inFit.Wait(TimeSpan.FromSeconds(30)));
        var other = new Thread(() =>
        {
            try
            {
                model.Predict(x);
            }
            catch (Exception e)
            {
                fromOtherThread = e;
            }
        });
        other.Start();
        other.Join();
        release.Set();
        await fit.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = Assert.IsType<InvalidOperationException>(fromOtherThread);
        Assert.Contains("in use on another thread", refused.Message);
        Assert.Contains(model.Name, refused.Message);
        Assert.True(fit.IsCompletedSuccessfully);

        // Afterwards the model is free again, from any thread.
        await Task.Run(() => model.Predict(x));
    }

    [Fact]
    public void Separate_models_train_on_separate_threads_with_the_same_bits_as_in_sequence()
    {
        double[] Train(int seed)
        {
            var (x, y) = TrainingTestKit.Regression(48, seed);
            var model = TrainingTestKit.SmallModel(seed);
            model.Compile(new SGD(0.01, momentum: 0.5), "mse");
            model.Fit(x, y, epochs: 5, batchSize: 8, verbose: 0, seed: (ulong)seed);
            return model.GetWeights().SelectMany(w => w.ToDoubleArray()).ToArray();
        }

        var sequential = Enumerable.Range(1, 6).Select(Train).ToArray();
        var parallel = new double[6][];
        Parallel.For(0, 6, i => parallel[i] = Train(i + 1));
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Misuse_gets_typed_errors_naming_the_argument()
    {
        var (x, y) = TrainingTestKit.Regression(10, 1);
        var model = TrainingTestKit.SmallModel();
        model.Compile("sgd", "mse");
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => model.Fit(x, null!)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => model.Evaluate(x, null!)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => model.TrainOnBatch(x, null!)).ParamName);
        Assert.Equal("validationData.Y", Assert.Throws<ArgumentNullException>(() => model.Fit(x, y, validationData: (x, null!), verbose: 0)).ParamName);
        Assert.Contains("callbacks[1]", Assert.Throws<ArgumentNullException>(() => model.Fit(x, y, callbacks: [new TerminateOnNaN(), null!], verbose: 0)).Message);

        var empty = new Tensor<double>(0, 4);
        var emptyY = new Tensor<double>(0, 1);
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => model.Fit(empty, emptyY, verbose: 0)).Message);
        var optimizer = model.Optimizer!;
        long iterations = optimizer.Iterations;
        Assert.Throws<ArgumentException>(() => model.TrainOnBatch(empty, emptyY));
        Assert.Equal(iterations, optimizer.Iterations);

        // A batch size near int.MaxValue is one step per epoch, not an overflow that trains nothing.
        var history = model.Fit(x, y, epochs: 2, batchSize: int.MaxValue, verbose: 0);
        Assert.Equal(iterations + 2, optimizer.Iterations);
        Assert.Equal(1, history.Params["steps"]);
    }

    [Fact]
    public void A_zero_width_input_is_refused_when_the_model_is_built()
    {
        var model = new Sequential(new Dense(3)) { Output = TextWriter.Null };
        model.Compile("sgd", "mse");
        var e = Assert.ThrowsAny<ArgumentException>(() => model.Fit(new Tensor<float>(5, 0), new Tensor<float>(5, 3), verbose: 0));
        Assert.Contains("(None, 0)", e.Message);
    }
}
