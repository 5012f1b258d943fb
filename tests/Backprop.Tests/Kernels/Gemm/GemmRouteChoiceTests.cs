using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;
using Way = Backprop.Kernels.GemmRouteChoice.Way;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="GemmRouteChoice"/>: the products the narrow or the panel route can take run it or the packed
/// path, whichever this machine runs faster for the shape, decided by timing the first calls of each; the choice never
/// changes a bit.</summary>
[Collection(nameof(ThreadCountCollection))]
public class GemmRouteChoiceTests
{
    private const int Counted = GemmRouteChoice.CountedCallsPerWay;

    [Fact]
    public void Calls_alternate_from_the_in_place_route()
    {
        var decision = new GemmRouteChoice.Decision();
        bool[] turns = Enumerable.Range(0, 6).Select(_ => decision.NextIsInPlace()).ToArray();
        Assert.Equal([true, false, true, false, true, false], turns);
    }

    [Theory]
    [InlineData(1.0, 0.5, "Packed")]
    [InlineData(0.5, 1.0, "InPlace")]
    [InlineData(0.8, 0.8, "InPlace")]
    public void The_faster_way_is_kept_once_both_have_their_counted_calls(double panels, double packed, string faster)
    {
        var expected = Enum.Parse<Way>(faster);
        var decision = new GemmRouteChoice.Decision();
        // First calls (compiling, cold caches): not counted, however slow or fast.
        decision.Record(true, 1e-9);
        decision.Record(false, 1e9);
        for (int i = 0; i < Counted; i++)
        {
            // Slower calls besides the best one: the best counts.
            decision.Record(true, panels * (i == 1 ? 1 : 3));
            Assert.Equal(Way.Undecided, decision.Way);
            decision.Record(false, packed * (i == 2 ? 1 : 3));
            Assert.Equal(i == Counted - 1 ? expected : Way.Undecided, decision.Way);
        }

        // Later timings change nothing.
        decision.Record(true, expected == Way.Packed ? 1e-12 : 1e12);
        decision.Record(false, expected == Way.Packed ? 1e12 : 1e-12);
        Assert.Equal(expected, decision.Way);
    }

    /// <summary>A choice made while the host favoured one way is not kept for ever: the shape is timed again after
    /// <see cref="GemmRouteChoice.FirstRecheckCalls"/> calls, then after twice as many; a forced choice is kept.</summary>
    [Fact]
    public void A_decided_shape_is_timed_again_after_a_doubling_number_of_calls()
    {
        var decision = new GemmRouteChoice.Decision();
        Decide(decision, inPlace: 2.0, packed: 1.0);
        Assert.Equal(Way.Packed, decision.Way);
        int recheck = GemmRouteChoice.FirstRecheckCalls;
        for (int round = 0; round < 3; round++)
        {
            for (int call = 1; call < recheck; call++)
            {
                Assert.False(decision.RecheckDue());
            }

            Assert.True(decision.RecheckDue());
            Assert.Equal(Way.Undecided, decision.Way);

            // Fresh timings decide, whatever the old ones said.
            bool inPlaceFaster = round % 2 == 0;
            Decide(decision, inPlace: inPlaceFaster ? 1.0 : 2.0, packed: inPlaceFaster ? 2.0 : 1.0);
            Assert.Equal(inPlaceFaster ? Way.InPlace : Way.Packed, decision.Way);
            recheck *= 2;
        }

        decision.Force(Way.InPlace);
        for (int call = 0; call < 3 * recheck; call++)
        {
            Assert.False(decision.RecheckDue());
        }

        Assert.Equal(Way.InPlace, decision.Way);
    }

    private static void Decide(GemmRouteChoice.Decision decision, double inPlace, double packed)
    {
        for (int i = 0; i <= Counted; i++)
        {
            decision.Record(true, inPlace);
            decision.Record(false, packed);
        }
    }

    [Fact]
    public void One_way_alone_never_decides()
    {
        var decision = new GemmRouteChoice.Decision();
        for (int i = 0; i < 10 * Counted; i++)
        {
            decision.Record(false, 1.0);
        }

        decision.Record(true, 2.0);
        Assert.Equal(Way.Undecided, decision.Way);
        decision.Reset();
        for (int i = 0; i <= Counted; i++)
        {
            decision.Record(true, 2.0);
            decision.Record(false, 1.0);
        }

        Assert.Equal(Way.Packed, decision.Way);
    }

    /// <summary>Two wide layers run two shapes per step, call after call: each shape is timed both ways and decided
    /// on its own (alternating one shared choice would time one layer always one way, the other always the other).</summary>
    [Fact]
    public void Shapes_interleaved_call_by_call_are_each_timed_both_ways()
    {
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return;
        }

        const int m = 24, k = 200;
        int[] widths = [300, 420];
        float[] a = RandomArray<float>(m * k, 1), b = RandomArray<float>(k * 420, 2), c = new float[m * 420];
        WithThreads(1, () =>
        {
            var decisions = widths.Select(n => GemmRouteChoice.For<float>(m, n, k, severalThreads: false)).ToArray();
            Assert.NotSame(decisions[0], decisions[1]);
            foreach (var decision in decisions)
            {
                decision.Reset();
            }

            for (int call = 0; call < 2 * (Counted + 1); call++)
            {
                foreach (int n in widths)
                {
                    Assert.True(GemmSmall.TakesPanels(m, n, k) && !GemmSmall.Takes(m, n, k, transposeB: false));
                    Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                }
            }

            // Each was decided by its own five calls each way.
            Assert.All(decisions, d => Assert.NotEqual(Way.Undecided, d.Way));
        });
    }

    /// <summary>Through the public entry point, while the choice is timed and after it, forced either way: every call
    /// gives the packed path's bits, at one and two threads, float and double.</summary>
    [Theory]
    [InlineData(33, 1000, 784)]
    [InlineData(128, 257, 300)]
    [InlineData(40, 640, 19)]
    [InlineData(300, 100, 784)]
    [InlineData(1000, 10, 100)]
    [InlineData(77, 33, 577)]
    public void Every_way_gives_the_same_bits(int m, int n, int k)
    {
        Check<float>(m, n, k);
        Check<double>(m, n, k);
    }

    private static void Check<T>(int m, int n, int k)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool inPlace = n <= GemmSmall.NarrowColumns<T>() || GemmSmall.TakesPanels(m, n, k);
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported || !inPlace || GemmSmall.Takes(m, n, k, transposeB: false))
        {
            // Narrow means at most 128 floats or 64 doubles with AVX-512, 64 or 32 with AVX2.
            Assert.True(!System.Runtime.Intrinsics.X86.Fma.IsSupported || n > GemmSmall.NarrowColumns<T>(), $"{m}×{n}×{k} takes no in-place route");
            return;
        }

        T[] a = RandomArray<T>(m * k, 5), b = RandomArray<T>(k * n, 6), bias = RandomArray<T>(n, 7), c0 = RandomArray<T>(m * n, 8);
        T beta = T.CreateTruncating(0.5);

        T[] Product()
        {
            T[] c = (T[])c0.Clone();
            Gemm.Multiply(false, false, m, n, k, T.One, a, k, b, n, beta, c, n, bias, GemmActivation.Relu);
            return c;
        }

        foreach (int threads in new[] { 1, 2 })
        {
            WithThreads(threads, () =>
            {
                var decision = GemmRouteChoice.For<T>(m, n, k, severalThreads: threads > 1);
                decision.Force(Way.Packed);
                T[] packed = Product();
                decision.Force(Way.InPlace);
                Assert.Equal(packed, Product());
                decision.Reset();
                for (int call = 0; call < 2 * (Counted + 1); call++)
                {
                    Assert.Equal(packed, Product());
                }

                Assert.NotEqual(Way.Undecided, decision.Way);
                Assert.Equal(packed, Product());
            });
        }
    }
}
