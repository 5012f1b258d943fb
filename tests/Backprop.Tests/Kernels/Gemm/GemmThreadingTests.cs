using Backprop.Kernels;
using Backprop.Tests.TestSupport;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>Tests that change <see cref="Parallelism.ThreadCount"/> run one at a time.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public sealed class ThreadCountCollection;

[Collection(nameof(ThreadCountCollection))]
public class GemmThreadingTests
{
    /// <summary>Shapes large enough to be split: column split (wide C), row split (tall, narrow C), an uneven
    /// tile count with edge tiles, several K slices, the GEMV routes, and products that split only because the side
    /// they are split along is long (<see cref="GemmPacked.LongSide"/>).</summary>
    [Theory]
    [InlineData(300, 520, 200, false, false)]
    [InlineData(2000, 40, 64, false, true)]
    [InlineData(257, 333, 530, true, true)]
    [InlineData(129, 1001, 63, true, false)]
    [InlineData(8, 1000, 784, false, false)]
    [InlineData(7, 1003, 300, true, true)]
    [InlineData(1000, 10, 128, true, false)]
    [InlineData(128, 1000, 10, false, true)]
    [InlineData(784, 100, 32, true, false)]
    public void Gemm_IsBitIdenticalForAnyThreadCount(int m, int n, int k, bool transposeA, bool transposeB)
    {
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        float[] a = RandomArray<float>((transposeA ? k : m) * lda, 11), b = RandomArray<float>((transposeB ? n : k) * ldb, 12);
        double[] ad = RandomArray<double>((transposeA ? k : m) * lda, 13), bd = RandomArray<double>((transposeB ? n : k) * ldb, 14);
        float[] c0 = RandomArray<float>(m * n, 15);
        double[] c0d = RandomArray<double>(m * n, 16);
        float[]? first = null;
        double[]? firstD = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            float[] c = (float[])c0.Clone();
            double[] cd = (double[])c0d.Clone();
            WithThreads(threads, () =>
            {
                Gemm.Multiply(transposeA, transposeB, m, n, k, 0.5f, a, lda, b, ldb, 1.5f, c, n, c0.AsSpan(0, n), GemmActivation.Tanh);
                Gemm.Multiply(transposeA, transposeB, m, n, k, 1.0, ad, lda, bd, ldb, 0.0, cd, n);
            });
            if (first is null || firstD is null)
            {
                first = c;
                firstD = cd;
                continue;
            }

            Assert.True(first.AsSpan().SequenceEqual(c), $"float result at {threads} threads differs from 1 thread.");
            Assert.True(firstD.AsSpan().SequenceEqual(cd), $"double result at {threads} threads differs from 1 thread.");
        }
    }

    /// <summary>Transposed products this large sum two row halves separately (whatever the thread count): odd and
    /// minimal row counts, a width that is not a whole number of vectors.</summary>
    [Theory]
    [InlineData(false, 1501, 1203)]
    [InlineData(true, 1501, 1203)]
    [InlineData(true, 8, 65541)]
    [InlineData(true, 1003, 530)]
    [InlineData(true, 4099, 129)]
    public void Gemv_IsBitIdenticalForAnyThreadCount(bool transposeA, int m, int n)
    {
        float[] a = RandomArray<float>(m * n, 21), x = RandomArray<float>(transposeA ? m : n, 22);
        double[] ad = RandomArray<double>(m * n, 24), xd = RandomArray<double>(transposeA ? m : n, 25);
        float[]? first = null;
        double[]? firstD = null;
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            float[] y = RandomArray<float>(transposeA ? n : m, 23);
            double[] yd = new double[transposeA ? n : m];
            WithThreads(threads, () =>
            {
                Gemv.Multiply(transposeA, m, n, 1.5f, a, n, x, -1f, y);
                Gemv.Multiply(transposeA, m, n, 1.0, ad, n, xd, 0.0, yd);
            });
            if (first is null || firstD is null)
            {
                first = y;
                firstD = yd;
                continue;
            }

            Assert.True(first.AsSpan().SequenceEqual(y), $"GEMV result at {threads} threads differs from 1 thread.");
            Assert.True(firstD.AsSpan().SequenceEqual(yd), $"double GEMV result at {threads} threads differs from 1 thread.");
        }
    }

    /// <summary>After warm-up, GEMM and GEMV calls (small path, packed path single- and multi-threaded, GEMV
    /// routes, epilogue) allocate nothing on the calling thread.</summary>
    [Fact]
    public void RepeatedCalls_AllocateNothing()
    {
        float[] a = RandomArray<float>(256 * 300, 1), b = RandomArray<float>(300 * 200, 2), c = new float[256 * 200];
        double[] ad = RandomArray<double>(32 * 13, 3), bd = RandomArray<double>(13 * 32, 4), cd = new double[32 * 32];
        float[] bias = RandomArray<float>(200, 5), x = RandomArray<float>(300, 6), y = new float[256];
        float[] wide = RandomArray<float>(256 * 2048, 7), wideOut = new float[2048]; // split into two row halves

        void Calls()
        {
            Gemm.Multiply(false, false, 256, 200, 300, 1f, a, 300, b, 200, 0f, c, 200);
            Gemm.Multiply(true, true, 200, 256, 300, 1f, b, 200, a, 300, 0.5f, c, 256);
            Gemm.Multiply(false, false, 256, 200, 300, 1f, a, 300, b, 200, 0f, c, 200, bias, GemmActivation.Sigmoid);
            Gemm.Multiply(false, false, 32, 32, 13, 1.0, ad, 13, bd, 32, 0.0, cd, 32);
            Gemm.Multiply(false, true, 32, 13, 32, 1.0, cd, 32, bd, 32, 1.0, ad, 13);
            Gemm.Multiply(false, false, 1, 200, 300, 1f, x, 300, b, 200, 0f, c, 200);
            Gemv.Multiply(false, 256, 300, 1f, a, 300, x, 0f, y);
            Gemv.Multiply(true, 256, 300, 1f, a, 300, y, 0f, x);
            Gemv.Multiply(true, 256, 2048, 1f, wide, 2048, y, 0f, wideOut);
        }

        foreach (int threads in new[] { 1, 2 })
        {
            WithThreads(threads, () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    Calls();
                }

                long allocated = Allocations.By(() =>
                {
                    for (int i = 0; i < 5; i++)
                    {
                        Calls();
                    }
                });
                Assert.True(allocated == 0, $"{allocated} bytes allocated at {threads} threads.");
            });
        }
    }

    [Fact]
    public void WorkerPool_RunsEveryPartOnceAndPropagatesExceptions()
    {
        var counter = new CountingWork();
        for (int round = 0; round < 100; round++)
        {
            WorkerPool.Run(counter, 3);
        }

        Assert.Equal(Enumerable.Repeat(100, 3), counter.Counts);
        var failing = new FailingWork();
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(failing, 2));
        Assert.Equal("part 1", e.Message);
        WorkerPool.Run(counter, 3);
        Assert.Equal(Enumerable.Repeat(101, 3), counter.Counts);
    }

    /// <summary>Setting <see cref="Parallelism.ThreadCount"/> starts the workers on the setting thread, so the first
    /// call split that many ways allocates nothing, whichever thread makes it (a test measuring its own allocations
    /// must not pay for workers another thread asked for). No other test uses 11 to 14 threads.</summary>
    /// <remarks>A collection during the call (another test's, running beside this one) can add the unused rest of this
    /// thread's allocation context to its allocated bytes, so the first call is measured at four thread counts not
    /// yet used, and the least count must be zero: starting workers lazily would allocate at each of them.</remarks>
    [Fact]
    public void Setting_the_thread_count_starts_its_workers()
    {
        long least = long.MaxValue;
        for (int threads = 11; threads <= 14 && least > 0; threads++)
        {
            var counter = new CountingWork(threads);
            long allocated = 0;
            WithThreads(threads, () => allocated = Allocations.Once(() => WorkerPool.Run(counter, threads)));
            Assert.Equal(Enumerable.Repeat(1, threads), counter.Counts);
            least = Math.Min(least, allocated);
        }

        Assert.Equal(0, least);
    }

    private sealed class CountingWork(int parts = 3) : IParallelWork
    {
        public int[] Counts { get; } = new int[parts];

        public void Execute(int part, int parts) => Interlocked.Increment(ref Counts[part]);
    }

    private sealed class FailingWork : IParallelWork
    {
        public void Execute(int part, int parts)
        {
            if (part == 1)
            {
                throw new InvalidOperationException("part 1");
            }
        }
    }
}
