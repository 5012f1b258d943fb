using Backprop.Random;
using Backprop.Training;
using Xunit;

namespace Backprop.Tests.Training;

/// <summary>Fit's shuffled batches: every batch holds exactly the rows of the epoch's permutation, whatever the row
/// width (each width below takes a different copy path: value by value, 16- and 32-byte vectors, memmove, memmove with
/// rows prefetched ahead) and whatever the batch size (the last batch partial).</summary>
public class BatchSourceTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 32)]
    [InlineData(13, 33)]
    [InlineData(16, 8)]
    [InlineData(63, 128)]
    [InlineData(64, 5)]
    [InlineData(65, 2)]
    [InlineData(784, 128)]
    [InlineData(1000, 33)]
    [InlineData(3072, 1)]
    public void ShuffledBatchesHoldThePermutedRowsFloat(int width, int batchSize) => Check<float>(width, batchSize);

    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 33)]
    [InlineData(33, 4)]
    [InlineData(784, 64)]
    public void ShuffledBatchesHoldThePermutedRowsDouble(int width, int batchSize) => Check<double>(width, batchSize);

    /// <summary>Fit keeps its shuffled batches' order and storage for the next Fit (BatchSource.Buffers). Fits on data
    /// of other row counts and batch sizes, one after another (a row count that needs a new order array, a batch size that
    /// needs new storage, and back), must train exactly as a new trainer each time does (recompiling with the same
    /// stateless SGD gives one).</summary>
    [Fact]
    public void Kept_batch_storage_trains_as_new_storage_does()
    {
        var kept = Build();
        var fresh = Build();
        kept.Compile(new Backprop.Optimizers.SGD(0.05), "mse");
        var runs = new (int Rows, int Batch)[] { (300, 32), (301, 32), (300, 50), (7, 32), (300, 32), (300, 300) };
        int seed = 20;
        foreach (var (rows, batch) in runs)
        {
            var x = Tensor.From(Backprop.Tests.TestSupport.TestData.Floats(rows * 13, seed++), rows, 13);
            var y = Tensor.From(Backprop.Tests.TestSupport.TestData.Floats(rows * 2, seed++), rows, 2);
            fresh.Compile(new Backprop.Optimizers.SGD(0.05), "mse");
            kept.Fit(x, y, epochs: 2, batchSize: batch, verbose: 0, seed: 3);
            fresh.Fit(x, y, epochs: 2, batchSize: batch, verbose: 0, seed: 3);
            var (a, b) = (kept.GetWeights(), fresh.GetWeights());
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(((Tensor<float>)a[i]).ToArray().AsSpan().SequenceEqual(((Tensor<float>)b[i]).ToArray()), $"{rows} rows, batch {batch}: weight {i} differs");
            }
        }

        static Backprop.Models.Sequential Build()
        {
            var model = new Backprop.Models.Sequential(new Backprop.Layers.Dense(9, activation: "tanh", inputShape: [13]), new Backprop.Layers.Dense(2));
            Backprop.Tests.Layers.LayerTestKit.Randomize(model, 5, -0.4, 0.4);
            return model;
        }
    }

    /// <summary>A Fit started inside another (a callback may call Fit on its own model, on the same thread) must not
    /// take the outer Fit's kept order and storage while the outer one still uses them: here the inner Fit runs no
    /// epoch (initialEpoch = epochs), so the outer Fit must train exactly as it does without it.</summary>
    [Fact]
    public void A_Fit_inside_a_Fit_leaves_the_outer_batches_alone()
    {
        var x = Tensor.From(Backprop.Tests.TestSupport.TestData.Floats(300 * 13, 31), 300, 13);
        var y = Tensor.From(Backprop.Tests.TestSupport.TestData.Floats(300 * 2, 32), 300, 2);
        float[] Train(bool nested)
        {
            var model = new Backprop.Models.Sequential(new Backprop.Layers.Dense(9, activation: "tanh", inputShape: [13]), new Backprop.Layers.Dense(2));
            Backprop.Tests.Layers.LayerTestKit.Randomize(model, 5, -0.4, 0.4);
            model.Compile(new Backprop.Optimizers.SGD(0.05), "mse");
            model.Fit(x, y, epochs: 1, batchSize: 32, verbose: 0, seed: 3);
            var callbacks = nested
                ? new Backprop.Training.Callbacks.Callback[] { new Backprop.Training.Callbacks.LambdaCallback(onBatchEnd: (batch, _) =>
                    {
                        if (batch == 2)
                        {
                            model.Fit(x, y, epochs: 1, batchSize: 32, verbose: 0, seed: 7, initialEpoch: 1);
                        }
                    }) }
                : [];
            model.Fit(x, y, epochs: 2, batchSize: 32, verbose: 0, seed: 3, callbacks: callbacks);
            return model.GetWeights().SelectMany(w => ((Tensor<float>)w).ToArray()).ToArray();
        }

        Assert.True(Train(nested: false).AsSpan().SequenceEqual(Train(nested: true)), "The Fit inside the Fit changed the outer Fit's batches.");
    }

    private static void Check<T>(int width, int batchSize)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        const int rows = 301;
        const int targets = 3;
        var x = new T[rows * width];
        var y = new T[rows * targets];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = T.CreateTruncating(i);
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = T.CreateTruncating(-i);
        }

        var source = new BatchSource<T>(Tensor.From(x, rows, width), Tensor.From(y, rows, targets), batchSize, shuffle: true);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            source.BeginEpoch(seed: 11, epoch);

            // The permutation Fit draws (BatchSource.BeginEpoch's documented stream), computed independently here.
            var order = Enumerable.Range(0, rows).ToArray();
            new RandomGenerator(11, stream: (ulong)epoch).Shuffle<int>(order);
            Assert.NotEqual(Enumerable.Range(0, rows), order);

            int seen = 0;
            for (int step = 0; seen < rows; step++)
            {
                var (bx, by) = source.Batch(step);
                int count = Math.Min(batchSize, rows - seen);
                Assert.Equal([count, width], bx.Shape.ToArray());
                Assert.Equal([count, targets], by.Shape.ToArray());
                var gx = bx.AsSpan();
                var gy = by.AsSpan();
                for (int r = 0; r < count; r++)
                {
                    int row = order[seen + r];
                    for (int j = 0; j < width; j++)
                    {
                        Assert.Equal(x[row * width + j], gx[r * width + j]);
                    }

                    for (int j = 0; j < targets; j++)
                    {
                        Assert.Equal(y[row * targets + j], gy[r * targets + j]);
                    }
                }

                seen += count;
            }
        }
    }
}
