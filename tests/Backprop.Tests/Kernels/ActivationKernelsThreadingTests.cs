using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>Long ReLU passes are split over threads; every element must equal the one-element formula (max(x, 0)
/// with NaN kept, dy where x &gt; 0 else 0) at any thread count, including ±0, NaN and the split edges.</summary>
[Collection(nameof(ThreadCountCollection))]
public class ActivationKernelsThreadingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(ActivationKernels.ParallelLength - 1)]
    [InlineData(ActivationKernels.ParallelLength)]
    [InlineData(ActivationKernels.ParallelLength + 7)]
    [InlineData(300_001)]
    public void Relu_passes_match_the_element_formula_at_any_thread_count(int length)
    {
        float[] x = RandomArray<float>(length, length), dy = RandomArray<float>(length, length + 1);
        x[0] = -0f;
        x[length / 2] = float.NaN;
        x[length - 1] = 0f;
        double[] xd = Array.ConvertAll(x, v => (double)v), dyd = Array.ConvertAll(dy, v => (double)v);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            WithThreads(threads, () =>
            {
                var y = new float[length];
                var dx = new float[length];
                ActivationKernels.ReluForward<float>(x, y);
                ActivationKernels.ReluBackward<float>(x, dy, dx);
                var yd = new double[length];
                var dxd = new double[length];
                ActivationKernels.ReluForward<double>(xd, yd);
                ActivationKernels.ReluBackward<double>(xd, dyd, dxd);
                for (int i = 0; i < length; i++)
                {
                    Assert.Equal(float.IsNaN(x[i]) ? float.NaN : MathF.Max(x[i], 0f), y[i]);
                    Assert.Equal(x[i] > 0 ? dy[i] : 0f, dx[i]);
                    Assert.Equal(double.IsNaN(xd[i]) ? double.NaN : Math.Max(xd[i], 0.0), yd[i]);
                    Assert.Equal(xd[i] > 0 ? dyd[i] : 0.0, dxd[i]);
                }
            });
        }
    }
}
