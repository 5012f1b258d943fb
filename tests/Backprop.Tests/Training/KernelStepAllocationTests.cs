using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>Steps through the vectorised BatchNormalization passes, the dampened SGD and the Adam kernel allocate
/// nothing once warm (GC.GetAllocatedBytesForCurrentThread over 50 TrainOnBatch calls).</summary>
[Collection("Parallelism")]
public sealed class KernelStepAllocationTests
{
    [Fact]
    public void A_pytorch_style_linear_batchnorm_relu_step_allocates_nothing()
    {
        var model = new Sequential(new Input([2]),
            new Dense(33, kernelInitializer: new FanInUniform(1), biasInitializer: new FanInUniform(2)),
            new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true),
            new Activation("relu"),
            new Dense(1, kernelInitializer: new FanInUniform(3), biasInitializer: new FanInUniform(4)));
        model.Compile(new SGD(1e-4, momentum: 0.9, dampening: 0.5), "mse");
        var x = Tensor.From(TestData.Floats(2 * 100, 1), 100, 2);
        var y = Tensor.From(TestData.Floats(100, 2), 100, 1);
        Assert.Equal(0, AllocatedBy(() => model.TrainOnBatch(x, y)));
    }

    [Fact]
    public void An_adam_step_allocates_nothing()
    {
        var model = new Sequential(new Input([1]), new Dense(37, activation: "relu"), new Dense(1));
        model.Compile(new Adam(1e-3), "mse");
        var x = Tensor.From(TestData.Floats(8, 3), 8, 1);
        var y = Tensor.From(TestData.Floats(8, 4), 8, 1);
        Assert.Equal(0, AllocatedBy(() => model.TrainOnBatch(x, y)));
    }

    private static long AllocatedBy(Action step)
    {
        for (int i = 0; i < 20; i++)
        {
            step();
        }

        return Allocations.By(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                step();
            }
        });
    }
}
