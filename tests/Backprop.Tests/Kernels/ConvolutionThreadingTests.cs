using System.Numerics;
using Backprop.Initializers;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.TestSupport;
using Backprop.Training;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>Convolution and pooling give the same bits at 1, 2, 3 and 4 threads, and allocate nothing once warm.</summary>
[Collection(nameof(ThreadCountCollection))]
public sealed class ConvolutionThreadingTests
{
    public static TheoryData<WindowCase> Cases => new()
    {
        new WindowCase(128, 28, 28, 1, 5, 5, 1, 1, 1, 1, Same: false, Filters: 6),
        new WindowCase(37, 12, 12, 6, 5, 5, 1, 1, 1, 1, Same: false, Filters: 16),
        new WindowCase(19, 26, 26, 32, 3, 3, 1, 1, 1, 1, Same: false, Filters: 64),
        new WindowCase(5, 15, 13, 7, 3, 3, 2, 2, 1, 1, Same: true, Filters: 9),
        new WindowCase(1, 40, 40, 8, 5, 5, 1, 1, 1, 1, Same: true, Filters: 8),
        new WindowCase(23, 9, 9, 16, 1, 1, 1, 1, 1, 1, Same: false, Filters: 20),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Convolution_is_bit_identical_for_any_thread_count(WindowCase k)
    {
        foreach (var path in new[] { Conv2DKernels.ConvolutionPath.Auto, Conv2DKernels.ConvolutionPath.Im2Col })
        {
            Compare<float>(k, path);
            Compare<double>(k, path);
        }
    }

    [Theory]
    [InlineData(64, 24, 24, 32, 2, 2, false)]
    [InlineData(9, 13, 11, 6, 3, 2, true)]
    [InlineData(40, 24, 24, 6, 2, 2, false)]
    public void Pooling_is_bit_identical_for_any_thread_count(int batch, int height, int width, int channels, int pool, int stride, bool same)
    {
        var k = new WindowCase(batch, height, width, channels, pool, pool, stride, stride, 1, 1, same);
        var x = RandomArray<float>(k.InputLength, 5);
        var dy = RandomArray<float>(k.PooledLength, 6);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            var y = new float[k.PooledLength];
            var where = new float[k.PooledLength];
            var dx = new float[k.InputLength];
            var ya = new float[k.PooledLength];
            var dxa = new float[k.InputLength];
            WithThreads(threads, () =>
            {
                PoolingKernels.MaxForward<float>(k.Geometry, batch, x, y, where);
                PoolingKernels.MaxBackward<float>(k.Geometry, batch, where, dy, dx);
                PoolingKernels.AverageForward<float>(k.Geometry, batch, x, ya);
                PoolingKernels.AverageBackward<float>(k.Geometry, batch, dy, dxa);
            });
            float[] all = [.. y, .. where, .. dx, .. ya, .. dxa];
            if (first is null)
            {
                first = all;
            }
            else
            {
                Assert.True(first.AsSpan().SequenceEqual(all), $"pooling at {threads} threads differs from 1 thread.");
            }
        }
    }

    [Fact]
    public void Training_a_cnn_gives_the_same_weights_at_any_thread_count()
    {
        var x = Tensor.From(RandomArray<float>(70 * 16 * 15 * 2, 31), 70, 16, 15, 2);
        var labels = new float[70 * 10];
        for (int i = 0; i < 70; i++)
        {
            labels[(i * 10) + (i * 7 % 10)] = 1;
        }

        var y = Tensor.From(labels, 70, 10);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            float[] weights = [];
            WithThreads(threads, () =>
            {
                var model = new Sequential(
                    new Conv2D(6, [5, 5], activation: "sigmoid", kernelInitializer: new GlorotUniform(seed: 1), inputShape: [16, 15, 2]),
                    new AveragePooling2D(),
                    new Conv2D(20, [3, 3], padding: "same", activation: "relu", kernelInitializer: new GlorotUniform(seed: 2)),
                    new MaxPooling2D([2, 2], strides: [1, 1]),
                    new Conv2D(4, [2, 2], strides: [2, 2], kernelInitializer: new GlorotUniform(seed: 3)),
                    new Flatten(),
                    new Dense(10, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 4)));
                model.Compile(new Adam(learningRate: 1e-2), "categorical_crossentropy");
                model.Fit(x, y, epochs: 2, batchSize: 32, verbose: 0, seed: 5);
                weights = model.GetWeights().SelectMany(w => ((Tensor<float>)w).ToArray()).ToArray();
            });
            if (first is null)
            {
                first = weights;
            }
            else
            {
                Assert.True(first.AsSpan().SequenceEqual(weights), $"weights after training at {threads} threads differ from 1 thread.");
            }
        }
    }

    [Fact]
    public void Warm_convolution_and_pooling_calls_allocate_nothing()
    {
        var k = new WindowCase(64, 12, 12, 6, 5, 5, 1, 1, 1, 1, Same: true, Filters: 16);
        var x = RandomArray<float>(k.InputLength, 1);
        var w = RandomArray<float>(k.KernelLength, 2);
        var bias = RandomArray<float>(k.Filters, 3);
        var y = new float[k.OutputLength];
        var dy = RandomArray<float>(k.OutputLength, 4);
        var dw = new float[k.KernelLength];
        var db = new float[k.Filters];
        var dx = new float[k.InputLength];
        var pool = new WindowCase(64, 12, 12, 16, 2, 2, 2, 2, 1, 1, Same: false);
        var pooled = new float[pool.PooledLength];
        var where = new float[pool.PooledLength];
        var poolGradient = new float[pool.InputLength];
        var convGeometry = k.Geometry;
        var poolGeometry = pool.Geometry;
        void Step()
        {
            Conv2DKernels.Forward<float>(convGeometry, k.Batch, k.Filters, x, w, bias, GemmActivation.Sigmoid, y);
            PoolingKernels.MaxForward<float>(poolGeometry, pool.Batch, y, pooled, where);
            PoolingKernels.MaxBackward<float>(poolGeometry, pool.Batch, where, pooled, poolGradient);
            PoolingKernels.AverageForward<float>(poolGeometry, pool.Batch, y, pooled);
            PoolingKernels.AverageBackward<float>(poolGeometry, pool.Batch, pooled, poolGradient);
            Conv2DKernels.Backward<float>(convGeometry, k.Batch, k.Filters, x, w, y, dy, GemmActivation.Sigmoid, dw, db, dx);
        }

        foreach (int threads in new[] { 1, 2 })
        {
            WithThreads(threads, () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    Step();
                }

                // The least over five measured steps: a per-step allocation shows in every one, while a one-off
                // allocation of the runtime (tiering a method up under load) lands in at most one.
                Assert.Equal(0, Allocations.By(Step));
            });
        }
    }

    private static void Compare<T>(WindowCase k, Conv2DKernels.ConvolutionPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = RandomArray<T>(k.InputLength, 1);
        var w = RandomArray<T>(k.KernelLength, 2);
        var bias = RandomArray<T>(k.Filters, 3);
        var dy = RandomArray<T>(k.OutputLength, 4);
        T[]? first = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            var y = new T[k.OutputLength];
            var dw = RandomArray<T>(k.KernelLength, 5);
            var db = RandomArray<T>(k.Filters, 6);
            var dx = new T[k.InputLength];
            WithThreads(threads, () =>
            {
                Conv2DKernels.Forward<T>(k.Geometry, k.Batch, k.Filters, x, w, bias, GemmActivation.Relu, y, path);
                Conv2DKernels.Backward<T>(k.Geometry, k.Batch, k.Filters, x, w, y, dy, GemmActivation.Relu, dw, db, dx, path);
            });
            T[] all = [.. y, .. dw, .. db, .. dx];
            if (first is null)
            {
                first = all;
            }
            else
            {
                Assert.True(first.AsSpan().SequenceEqual(all), $"{typeof(T).Name} convolution ({path}) at {threads} threads differs from 1 thread ({k}).");
            }
        }
    }
}
