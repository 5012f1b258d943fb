using Backprop.Kernels;
using static Backprop.Tests.Kernels.Conv2DKernelsTests;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="PoolingKernels"/> against the naive loops: odd sizes, 1 and 7 channels, overlapping windows
/// (strides below the pool size), strides above it, both paddings, channel counts around the vector widths.</summary>
public sealed class PoolingKernelsTests
{
    public static TheoryData<WindowCase> Cases => new()
    {
        new WindowCase(3, 24, 24, 6, 2, 2, 2, 2, 1, 1, Same: false),
        new WindowCase(2, 7, 9, 1, 2, 2, 2, 2, 1, 1, Same: true),
        new WindowCase(2, 7, 9, 7, 3, 3, 2, 2, 1, 1, Same: true),
        new WindowCase(1, 11, 10, 7, 3, 2, 3, 3, 1, 1, Same: false),
        new WindowCase(4, 8, 8, 33, 3, 3, 1, 1, 1, 1, Same: true),
        new WindowCase(2, 13, 6, 16, 2, 3, 2, 1, 1, 1, Same: false),
        new WindowCase(5, 5, 5, 12, 5, 5, 5, 5, 1, 1, Same: false),
        new WindowCase(2, 9, 9, 2, 4, 4, 3, 3, 1, 1, Same: true),
        new WindowCase(2, 9, 7, 3, 2, 2, 2, 2, 1, 1, Same: false),
        new WindowCase(3, 11, 13, 64, 2, 2, 2, 2, 1, 1, Same: false),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Max_pooling_matches_the_reference(WindowCase k)
    {
        var x = RandomArray<double>(k.InputLength, 1);
        var dy = RandomArray<double>(k.PooledLength, 2);
        var (expectedY, expectedDx) = ConvolutionReference.MaxPool(k, x, dy);
        var y = new double[k.PooledLength];
        var where = new double[k.PooledLength];
        var dx = RandomArray<double>(k.InputLength, 3);
        PoolingKernels.MaxForward<double>(k.Geometry, k.Batch, x, y, where);
        PoolingKernels.MaxBackward<double>(k.Geometry, k.Batch, where, dy, dx);
        Assert.Equal(expectedY, y);
        AssertClose(expectedDx, dx, 1e-15, $"max pooling dx {k}");

        var xf = x.Select(v => (float)v).ToArray();
        var yf = new float[k.PooledLength];
        var wf = new float[k.PooledLength];
        PoolingKernels.MaxForward<float>(k.Geometry, k.Batch, xf, yf, wf);
        Assert.Equal(expectedY.Select(v => (float)v), yf);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Average_pooling_matches_the_reference_and_does_not_count_padding(WindowCase k)
    {
        var x = RandomArray<double>(k.InputLength, 4);
        var dy = RandomArray<double>(k.PooledLength, 5);
        var (expectedY, expectedDx) = ConvolutionReference.AveragePool(k, x, dy);
        var y = new double[k.PooledLength];
        var dx = RandomArray<double>(k.InputLength, 6);
        PoolingKernels.AverageForward<double>(k.Geometry, k.Batch, x, y);
        PoolingKernels.AverageBackward<double>(k.Geometry, k.Batch, dy, dx);
        AssertClose(expectedY, y, 1e-14, $"average pooling {k}");
        AssertClose(expectedDx, dx, 1e-14, $"average pooling dx {k}");

        var yf = new float[k.PooledLength];
        PoolingKernels.AverageForward<float>(k.Geometry, k.Batch, x.Select(v => (float)v).ToArray(), yf);
        AssertClose(expectedY, yf, 1e-6, $"float average pooling {k}");
    }

    [Fact]
    public void Ties_send_the_gradient_to_the_first_maximum_once()
    {
        // One 2×2 window of equal values: TensorFlow and PyTorch route dy to one cell, the first in window order.
        var k = new WindowCase(1, 2, 2, 1, 2, 2, 2, 2, 1, 1, Same: false);
        var y = new double[1];
        var where = new double[1];
        var dx = new double[4];
        PoolingKernels.MaxForward<double>(k.Geometry, 1, [3, 3, 3, 3], y, where);
        PoolingKernels.MaxBackward<double>(k.Geometry, 1, where, [1.5], dx);
        Assert.Equal([1.5, 0, 0, 0], dx);
    }

    [Fact]
    public void Global_average_pooling_matches_the_mean_over_pixels()
    {
        const int batch = 3, pixels = 35, channels = 7;
        var x = RandomArray<double>(batch * pixels * channels, 7);
        var y = new double[batch * channels];
        PoolingKernels.GlobalAverageForward<double>(batch, pixels, channels, x, y);
        var dy = RandomArray<double>(batch * channels, 8);
        var dx = new double[x.Length];
        PoolingKernels.GlobalAverageBackward<double>(batch, pixels, channels, dy, dx);
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                double mean = Enumerable.Range(0, pixels).Sum(p => x[((b * pixels) + p) * channels + c]) / pixels;
                Assert.Equal(mean, y[(b * channels) + c], 1e-14);
                for (int p = 0; p < pixels; p++)
                {
                    Assert.Equal(dy[(b * channels) + c] / pixels, dx[((b * pixels) + p) * channels + c], 1e-15);
                }
            }
        }
    }
}
