using Backprop.Kernels;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Kernels;

/// <summary>The vectorised SGD kernels give exactly the scalar formula's
/// float result element by element, at any thread count.</summary>
[Collection(nameof(ThreadCountCollection))]
public sealed class OptimizerKernelsTests
{
    [Theory]
    [InlineData(1, false, false)]
    [InlineData(7, true, false)]
    [InlineData(33, true, true)]
    [InlineData(1000, false, false)]
    [InlineData(78_500, true, true)]
    [InlineData(200_003, true, false)]
    [InlineData(200_003, false, false)]
    [InlineData(262_144, true, false)]
    [InlineData(784_003, true, true)]
    [InlineData(784_003, false, false)]
    public void Sgd_steps_equal_the_scalar_formula_at_one_and_two_threads(int length, bool momentum, bool nesterov)
    {
        float[] w0 = TestData.Floats(length, 1), v0 = TestData.Floats(length, 2), g = TestData.Floats(length, 3);
        const float lr = 0.013f, mu = 0.9f;
        var expectedW = (float[])w0.Clone();
        var expectedV = (float[])v0.Clone();
        for (int i = 0; i < length; i++)
        {
            if (!momentum)
            {
                expectedW[i] = w0[i] - lr * g[i];
                continue;
            }

            expectedV[i] = mu * v0[i] - lr * g[i];
            expectedW[i] = w0[i] + (nesterov ? mu * expectedV[i] - lr * g[i] : expectedV[i]);
        }

        int saved = Parallelism.ThreadCount;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Parallelism.ThreadCount = threads;
                float[] w = (float[])w0.Clone(), v = (float[])v0.Clone();
                double largest = momentum
                    ? OptimizerKernels.SgdMomentumStep<float>(w, v, g, lr, mu, nesterov)
                    : OptimizerKernels.SgdStep<float>(w, g, lr);

                Assert.Equal(expectedW, w);
                Assert.Equal(expectedV, v);
                Assert.Equal(expectedW.Max(x => Math.Abs((double)x)), largest);
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(12_673)]
    public void Adam_step_equals_the_scalar_formula_in_float_and_double(int length)
    {
        float[] w0 = TestData.Floats(length, 4), m0 = TestData.Floats(length, 5), g = TestData.Floats(length, 6);
        float[] v0 = TestData.Floats(length, 7).Select(Math.Abs).ToArray();
        const float a = 0.0013f, c1 = 0.1f, c2 = 0.001f, eps = 1e-7f;
        var expectedW = (float[])w0.Clone();
        var expectedM = (float[])m0.Clone();
        var expectedV = (float[])v0.Clone();
        for (int i = 0; i < length; i++)
        {
            expectedM[i] += (g[i] - expectedM[i]) * c1;
            expectedV[i] += (g[i] * g[i] - expectedV[i]) * c2;
            expectedW[i] -= expectedM[i] * a / (MathF.Sqrt(expectedV[i]) + eps);
        }

        float[] w = (float[])w0.Clone(), m = (float[])m0.Clone(), v = (float[])v0.Clone();
        double largest = OptimizerKernels.AdamStep<float>(w, m, v, g, a, c1, c2, eps);
        Assert.Equal(expectedW, w);
        Assert.Equal(expectedW.Max(x => Math.Abs((double)x)), largest);
        Assert.Equal(expectedM, m);
        Assert.Equal(expectedV, v);

        double[] wd = w0.Select(x => (double)x).ToArray(), md = m0.Select(x => (double)x).ToArray(), vd = v0.Select(x => (double)x).ToArray();
        double[] gd = g.Select(x => (double)x).ToArray();
        double[] ew = (double[])wd.Clone(), em = (double[])md.Clone(), ev = (double[])vd.Clone();
        for (int i = 0; i < length; i++)
        {
            em[i] += (gd[i] - em[i]) * 0.1;
            ev[i] += (gd[i] * gd[i] - ev[i]) * 0.001;
            ew[i] -= em[i] * 0.0013 / (Math.Sqrt(ev[i]) + 1e-7);
        }

        double largestDouble = OptimizerKernels.AdamStep<double>(wd, md, vd, gd, 0.0013, 0.1, 0.001, 1e-7);
        Assert.Equal(ew, wd);
        Assert.Equal(ew.Max(Math.Abs), largestDouble);
        Assert.Equal(em, md);
        Assert.Equal(ev, vd);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(33, 32)]
    [InlineData(1000, 517)]
    [InlineData(784_003, 5)]
    [InlineData(784_003, 784_002)]
    public void A_non_finite_gradient_shows_in_the_returned_magnitude_at_any_split(int length, int at)
    {
        int saved = Parallelism.ThreadCount;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.ThreadCount = threads;
                foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    float[] g = TestData.Floats(length, 8);
                    g[at] = bad;
                    double expected = float.IsNaN(bad) ? double.NaN : double.PositiveInfinity;
                    Assert.Equal(expected, OptimizerKernels.SgdStep<float>(TestData.Floats(length, 9), g, 0.01f));
                    Assert.Equal(expected, OptimizerKernels.SgdMomentumStep<float>(TestData.Floats(length, 9), new float[length], g, 0.01f, 0.9f, nesterov: at % 2 == 0));
                    float[] v = TestData.Floats(length, 10).Select(Math.Abs).ToArray();
                    double adam = OptimizerKernels.AdamStep<float>(TestData.Floats(length, 9), new float[length], v, g, 0.001f, 0.1f, 0.001f, 1e-7f);
                    Assert.True(double.IsNaN(adam), $"Adam with a gradient of {bad} returned {adam}");
                }
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    /// <summary>State near the subnormal range (a moment decaying while its gradient is zero): the vector lanes give
    /// the bits the scalar tail gives element by element, no subnormal is stored, and each weight either takes exactly
    /// the IEEE formula's value (where every product is normal) or, where m·α would be subnormal, does not move.</summary>
    [Theory]
    [InlineData(1007)]
    [InlineData(40)]
    public void Adam_and_momentum_near_the_subnormal_range_agree_lane_by_lane_with_the_scalar_tail(int length)
    {
        var random = new System.Random(3);
        float Tiny() => (random.Next(2) == 0 ? 1 : -1) * (float)Math.Pow(10, -30 - 16 * random.NextDouble());
        float[] w0 = TestData.Floats(length, 8, -0.5, 0.5);
        float[] m0 = Enumerable.Range(0, length).Select(_ => Tiny()).ToArray();
        float[] v0 = Enumerable.Range(0, length).Select(_ => Math.Abs(Tiny())).ToArray();
        float[] g = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? Tiny() : 0f).ToArray();
        const float a = 0.0013f, c1 = 0.1f, c2 = 0.001f, eps = 1e-7f;

        float[] w = (float[])w0.Clone(), m = (float[])m0.Clone(), v = (float[])v0.Clone();
        OptimizerKernels.AdamStep<float>(w, m, v, g, a, c1, c2, eps);
        float[] sw = (float[])w0.Clone(), sm = (float[])m0.Clone(), sv = (float[])v0.Clone();
        for (int i = 0; i < length; i++)
        {
            OptimizerKernels.AdamStep(sw.AsSpan(i, 1), sm.AsSpan(i, 1), sv.AsSpan(i, 1), g.AsSpan(i, 1), a, c1, c2, eps);
        }

        Assert.Equal(sw, w);
        Assert.Equal(sm, m);
        Assert.Equal(sv, v);
        for (int i = 0; i < length; i++)
        {
            Assert.False(float.IsSubnormal(m[i]) || float.IsSubnormal(v[i]), $"element {i}: m {m[i]}, v {v[i]}");
            // The IEEE value, in double: the weight moves by m·α/(√v + ε) unless that product is subnormal in float.
            double update = (double)m[i] * a / (Math.Sqrt(v[i]) + eps);
            if (Math.Abs(m[i] * a) < 1.17549435e-38f)
            {
                Assert.Equal(w0[i], w[i]);
            }
            else
            {
                Assert.Equal((float)(w0[i] - update), w[i], 0f);
            }
        }

        float[] vel = (float[])m0.Clone(), wm = (float[])w0.Clone();
        float[] svel = (float[])m0.Clone(), swm = (float[])w0.Clone();
        OptimizerKernels.SgdMomentumStep<float>(wm, vel, g, 0.01f, 0.9f, nesterov: true);
        for (int i = 0; i < length; i++)
        {
            OptimizerKernels.SgdMomentumStep(swm.AsSpan(i, 1), svel.AsSpan(i, 1), g.AsSpan(i, 1), 0.01f, 0.9f, nesterov: true);
            Assert.False(float.IsSubnormal(vel[i]), $"velocity {i}: {vel[i]}");
        }

        Assert.Equal(svel, vel);
        Assert.Equal(swm, wm);
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => OptimizerKernels.SgdStep<float>(new float[4], new float[3], 0.1f));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.SgdMomentumStep<double>(new double[4], new double[5], new double[4], 0.1, 0.9, false));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.AdamStep<float>(new float[4], new float[4], new float[3], new float[4], 0.1f, 0.1f, 0.1f, 0.1f));
        var e = Assert.Throws<ArgumentException>(() => OptimizerKernels.SgdMomentumStep<double>(new double[7], new double[33], new double[7], 0.1, 0.9, false));
        Assert.Equal("Optimizer kernel spans differ in length: weight 7, state 33, gradient 7.", e.Message);
    }
}
