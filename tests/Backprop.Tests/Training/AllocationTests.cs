using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>A steady-state training step allocates nothing: measured with GC.GetAllocatedBytesForCurrentThread over
/// 50 TrainOnBatch calls after warm-up (the least of up to five rounds, TestSupport/Allocations), at one thread
/// (the allocation counter is per thread).</summary>
[Collection("Parallelism")]
public sealed class AllocationTests
{
    [Fact]
    public void Tiny_regression_model_step_allocates_nothing()
    {
        var model = new Sequential(
            new Dense(32, activation: "relu", kernelInitializer: "zeros", inputShape: [13]),
            new Dense(16, activation: "relu", kernelInitializer: "zeros"),
            new Dense(1, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, 1, -0.3, 0.3);
        model.Compile(new SGD(1e-3, momentum: 0.9, nesterov: true), "mse", ["mae"]);
        var x = Tensor.From(TestData.Floats(32 * 13, 1), 32, 13);
        var y = Tensor.From(TestData.Floats(32, 2), 32, 1);
        Assert.Equal(0, AllocatedBy(() => model.TrainOnBatch(x, y)));
    }

    [Fact]
    public void Mnist_shaped_model_step_allocates_nothing()
    {
        var model = new Sequential(
            new Dense(100, activation: "relu", kernelInitializer: "zeros", inputShape: [784]),
            new Dense(10, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, 2, -0.05, 0.05);
        model.Compile(new SGD(0.01), "mse");
        var x = Tensor.From(TestData.Floats(32 * 784, 3, 0, 1), 32, 784);
        var y = Tensor.From(TestData.Floats(320, 4, 0, 1), 32, 10);
        Assert.Equal(0, AllocatedBy(() => model.TrainOnBatch(x, y)));
    }

    [Fact]
    public void Fit_epoch_allocation_does_not_grow_with_the_number_of_batches()
    {
        var model = new Sequential(
            new Dense(8, activation: "relu", kernelInitializer: "zeros", inputShape: [4]),
            new BatchNormalization(),
            new Dropout(0.1, seed: 3),
            new Dense(1, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, 2, -0.5, 0.5);
        model.Compile(new SGD(0.01, momentum: 0.9), "mse", ["mae"]);
        model.Output = TextWriter.Null;
        var (x, y) = (Tensor.From(TestData.Floats(4000, 5), 1000, 4), Tensor.From(TestData.Floats(1000, 6), 1000, 1));
        long PerFit(int batch) => AllocatedBy(() => model.Fit(x, y, epochs: 1, batchSize: batch, verbose: 0, seed: 1), repetitions: 3) / 3;
        long few = PerFit(500);
        long many = PerFit(10);
        // Per-Fit setup (history, batch buffers, the order array) is the same; 100 batches must not add per-batch garbage.
        Assert.True(many - few < 2048, $"{few} bytes per Fit with 2 batches, {many} with 100 batches");
    }

    /// <summary>A Fit called again on data of the same shape takes its shuffled batches' order and storage from the one
    /// before (401 KB of batch storage here, which a new array would take from fresh memory pages).</summary>
    [Fact]
    public void A_repeated_shuffled_Fit_reuses_its_batch_storage()
    {
        var model = new Sequential(new Dense(10, kernelInitializer: "zeros", inputShape: [784]));
        LayerTestKit.Randomize(model, 3, -0.05, 0.05);
        model.Compile(new SGD(0.01), "mse");
        model.Output = TextWriter.Null;
        var x = Tensor.From(TestData.Floats(3000 * 784, 7, 0, 1), 3000, 784);
        var y = Tensor.From(TestData.Floats(3000 * 10, 8, 0, 1), 3000, 10);
        long perFit = AllocatedBy(() => model.Fit(x, y, epochs: 1, batchSize: 128, verbose: 0, seed: 1), repetitions: 3) / 3;
        Assert.True(perFit < 128 * 784 * sizeof(float) / 4, $"{perFit} bytes per Fit: the 401 KB batch storage was allocated again");
    }

    private static long AllocatedBy(Action step, int repetitions = 50)
    {
        for (int i = 0; i < 20; i++)
        {
            step();
        }

        return Allocations.By(() =>
        {
            for (int i = 0; i < repetitions; i++)
            {
                step();
            }
        });
    }
}
