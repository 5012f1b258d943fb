using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>Runs that set the library-wide seed must not interleave with other tests drawing from it.</summary>
[CollectionDefinition(nameof(GlobalRandomSeedCollection), DisableParallelization = true)]
public sealed class GlobalRandomSeedCollection;

/// <summary>RandomSeed.Set makes a whole run reproducible: initial weights (unseeded initialisers), Fit's shuffling
/// (no Fit or model seed) and Dropout masks (no layer seed).</summary>
[Collection(nameof(GlobalRandomSeedCollection))]
public sealed class RandomSeedTests
{
    [Fact]
    public void Unseeded_train_test_splits_and_dataset_shuffles_follow_the_global_seed()
    {
        RandomSeed.Set(11);
        var split = Backprop.Data.TrainTestSplit.Indices(1001, 0.25, randomState: null);
        var order = Backprop.Data.Dataset.FromTensorSlices(Tensor.Arange(0.0, 33.0, 1.0)).Shuffle(33).Select(b => b.X.ToScalar()).ToArray();
        RandomSeed.Set(11);
        Assert.Equal(split.Train, Backprop.Data.TrainTestSplit.Indices(1001, 0.25, randomState: null).Train);
        Assert.Equal(order, Backprop.Data.Dataset.FromTensorSlices(Tensor.Arange(0.0, 33.0, 1.0)).Shuffle(33).Select(b => b.X.ToScalar()).ToArray());
        RandomSeed.Set(12);
        Assert.NotEqual(split.Train, Backprop.Data.TrainTestSplit.Indices(1001, 0.25, randomState: null).Train);
    }

    [Fact]
    public void Same_global_seed_gives_bit_identical_runs_and_another_seed_does_not()
    {
        var x = Tensor.From(TestData.Floats(120 * 6, 1), 120, 6);
        var y = Tensor.From(TestData.Floats(120 * 2, 2), 120, 2);

        (Tensor[] Initial, Tensor[] Final) Run(ulong seed)
        {
            RandomSeed.Set(seed);
            var model = new Sequential(
                new Dense(16, activation: "tanh", inputShape: [6]),
                new Dropout(0.3),
                new Dense(2));
            var initial = model.GetWeights();
            model.Compile(new SGD(0.05, momentum: 0.9), "mse");
            model.Output = TextWriter.Null;
            model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0);
            return (initial, model.GetWeights());
        }

        var a = Run(42);
        var b = Run(42);
        Assert.True(TrainingTestKit.SameWeights(a.Initial, b.Initial));
        Assert.True(TrainingTestKit.SameWeights(a.Final, b.Final));
        var c = Run(43);
        Assert.False(TrainingTestKit.SameWeights(a.Initial, c.Initial));
        Assert.False(TrainingTestKit.SameWeights(a.Final, c.Final));
    }

    [Fact]
    public void Shuffling_and_dropout_follow_the_global_seed_when_weights_are_fixed()
    {
        // Same initial weights every time: only the seed-dependent shuffling and masks can make runs differ.
        var x = Tensor.From(TestData.Floats(64 * 3, 3), 64, 3);
        var y = Tensor.From(TestData.Floats(64, 4), 64, 1);

        Tensor[] Run(ulong seed)
        {
            RandomSeed.Set(seed);
            var model = new Sequential(
                new Dense(8, activation: "relu", kernelInitializer: "ones", inputShape: [3]),
                new Dropout(0.5),
                new Dense(1, kernelInitializer: "ones"));
            model.Compile(new SGD(0.01), "mse");
            model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
            return model.GetWeights();
        }

        Assert.True(TrainingTestKit.SameWeights(Run(7), Run(7)));
        Assert.False(TrainingTestKit.SameWeights(Run(7), Run(8)));
    }
}
