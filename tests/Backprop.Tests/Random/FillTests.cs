using System.Numerics;
using Backprop.Kernels;
using Backprop.Random;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Random;

public class FillTests
{
    public static TheoryData<int> AwkwardLengths => [1, 7, 33, 1000, 65537, 200_003];

    [Theory]
    [MemberData(nameof(AwkwardLengths))]
    public void ValueIDependsOnlyOnIndexSoShortFillsArePrefixesOfLongOnes(int length)
    {
        AssertPrefix<float>(length, (g, s) => g.FillNormal(s, 0.5f, 2f));
        AssertPrefix<double>(length, (g, s) => g.FillNormal(s, 0.5, 2.0));
        AssertPrefix<float>(length, (g, s) => g.FillUniform(s, -1f, 3f));
        AssertPrefix<double>(length, (g, s) => g.FillUniform(s, -1.0, 3.0));
        AssertPrefix<float>(length, (g, s) => g.FillTruncatedNormal(s, 0f, 1f));
        AssertPrefix<double>(length, (g, s) => g.FillTruncatedNormal(s, 0.0, 1.0));
        AssertPrefix<float>(length, (g, s) => g.FillBernoulli(s, 0.3));
        AssertPrefix<double>(length, (g, s) => g.FillDropoutMask(s, 0.8));
    }

    private static void AssertPrefix<T>(int length, Action<RandomGenerator, Span<T>> fill)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var full = new T[length + 300_001];
        var prefix = new T[length];
        fill(new RandomGenerator(7, 3), full);
        fill(new RandomGenerator(7, 3), prefix);
        Assert.True(prefix.AsSpan().SequenceEqual(full.AsSpan(0, length)), $"{typeof(T).Name} prefix of {length}");
    }

    [Fact]
    public void FillsStartAtTheNextBlockAndConsumeWholeBlocks()
    {
        var generator = new RandomGenerator(5);
        generator.NextUInt32();
        var floats = new float[5];
        generator.FillUniform<float>(floats);
        Assert.Equal(4UL + 8, generator.Position); // block 1 and 2
        var doubles = new double[5];
        generator.FillNormal<double>(doubles);
        Assert.Equal(12UL + 12, generator.Position); // three blocks of two doubles

        // The float uniforms come from words 4..8, i.e. the second block onwards.
        var words = new RandomGenerator(5);
        words.Skip(4);
        for (int i = 0; i < floats.Length; i++)
        {
            Assert.Equal((words.NextUInt32() >> 8) * (1.0f / (1 << 24)), floats[i]);
        }
    }

    [Fact]
    public void TruncatedNormalRedrawsComeFromTheDocumentedDerivedStreams()
    {
        const int n = 10_007;
        var truncated = new float[n];
        var plain = new float[n];
        var firstRedraw = new float[n];
        var secondRedraw = new float[n];
        var generator = new RandomGenerator(77, 5);
        generator.FillTruncatedNormal<float>(truncated, 0f, 1f);
        new RandomGenerator(77, 5).FillNormal<float>(plain);
        generator.Split(TruncatedNormal.RetryStreamBase + 1).FillNormal<float>(firstRedraw);
        generator.Split(TruncatedNormal.RetryStreamBase + 2).FillNormal<float>(secondRedraw);
        int redrawn = 0, twice = 0;
        for (int i = 0; i < n; i++)
        {
            if (Math.Abs(plain[i]) <= 2)
            {
                Assert.Equal(plain[i], truncated[i]);
            }
            else if (Math.Abs(firstRedraw[i]) <= 2)
            {
                Assert.Equal(firstRedraw[i], truncated[i]);
                redrawn++;
            }
            else if (Math.Abs(secondRedraw[i]) <= 2)
            {
                Assert.Equal(secondRedraw[i], truncated[i]);
                twice++;
            }
        }

        Assert.InRange(redrawn, 300, 650); // ≈ 4.55% of n
        Assert.InRange(twice, 1, 60);
    }

    [Fact]
    public void BatchedTruncatedRedrawsKeepTheFirstAcceptedCandidateOfEachRetryStream()
    {
        // Mid-stream start, several chunks, a partial last group and enough values for third and later rounds.
        AssertTruncatedFromRetryStreams<float>(200_003);
        AssertTruncatedFromRetryStreams<double>(150_001);
    }

    /// <summary>Independent reference through the public API: value i of the truncated fill must be the first of
    /// (plain normal i, value i of Split(RetryStreamBase + 1), … + 2, …) inside ±2, scaled.</summary>
    private static void AssertTruncatedFromRetryStreams<T>(int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rounds = 8;
        T mean = T.CreateChecked(0.5), standardDeviation = T.CreateChecked(3.0), bound = T.CreateChecked(2.0);
        var generator = new RandomGenerator(2025, 9);
        generator.Skip(12);
        int start = (int)(generator.Position / 4) * (typeof(T) == typeof(float) ? 4 : 2);
        var truncated = new T[n];
        generator.FillTruncatedNormal<T>(truncated, mean, standardDeviation);
        var candidates = new T[rounds + 1][];
        for (int k = 0; k <= rounds; k++)
        {
            candidates[k] = new T[start + n];
            var source = k == 0 ? new RandomGenerator(2025, 9) : generator.Split(TruncatedNormal.RetryStreamBase + (ulong)k);
            source.FillNormal<T>(candidates[k]);
        }

        var accepted = new int[rounds + 1];
        for (int i = 0; i < n; i++)
        {
            int k = 0;
            while (k <= rounds && T.Abs(candidates[k][start + i]) > bound)
            {
                k++;
            }

            Assert.True(k <= rounds, $"{typeof(T).Name} value {i} needs more than {rounds} redraws");
            T expected = T.FusedMultiplyAdd(candidates[k][start + i], standardDeviation, mean);
            if (truncated[i] != expected)
            {
                Assert.Fail($"{typeof(T).Name} value {i} (round {k}): expected {expected}, got {truncated[i]}");
            }

            accepted[k]++;
        }

        Assert.True(accepted[1] > 0.04 * n && accepted[2] > 0 && accepted[3] > 0,
            $"{typeof(T).Name} acceptances per round: {string.Join(", ", accepted)}");
    }

    [Fact]
    public void FillsAllocateNothingAfterWarmUp()
    {
        var floats = new float[300_000];
        var doubles = new double[100_001];
        var generator = new RandomGenerator(11);
        void FillAll()
        {
            generator.FillUniform<float>(floats, -1f, 1f);
            generator.FillNormal<float>(floats, 0f, 1f);
            generator.FillTruncatedNormal<float>(floats, 0f, 1f);
            generator.FillBernoulli<float>(floats, 0.5);
            generator.FillUniform<double>(doubles, -1, 1);
            generator.FillNormal<double>(doubles, 0, 1);
            generator.FillTruncatedNormal<double>(doubles, 0, 1);
            generator.FillDropoutMask<double>(doubles, 0.9);
        }

        FillAll();

        // The least of three rounds, as in AllocationTests: a test running in parallel may grow the shared worker
        // pool (which allocates on the thread that needs the new workers) during one of them.
        Assert.Equal(0, Allocations.By(FillAll));
    }

    [Fact]
    public void UniformNeverReachesHighEvenWhenRoundingWould()
    {
        var floats = new float[100_000];
        new RandomGenerator(3).FillUniform<float>(floats, 1f, 2f);
        Assert.All(floats, v => Assert.True(v is >= 1f and < 2f, $"{v}"));
        var same = new double[9];
        new RandomGenerator(3).FillUniform<double>(same, 2.5, 2.5);
        Assert.All(same, v => Assert.Equal(2.5, v));
    }

    [Fact]
    public void BernoulliExtremesAndDropoutScale()
    {
        var values = new float[37];
        var generator = new RandomGenerator(1);
        generator.FillBernoulli<float>(values, 0);
        Assert.All(values, v => Assert.Equal(0f, v));
        generator.FillBernoulli<float>(values, 1);
        Assert.All(values, v => Assert.Equal(1f, v));
        Assert.Equal(2UL * 40, generator.Position);
        var mask = new double[1000];
        generator.FillDropoutMask<double>(mask, 0.8);
        Assert.All(mask, v => Assert.True(v == 0 || v == 1.25, $"{v}"));
        Assert.Contains(0.0, mask);
    }

    [Fact]
    public void BadArgumentsThrowNamedExceptions()
    {
        var g = new RandomGenerator(1);
        var buffer = new float[4];
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillUniform(buffer, 1f, 0f)).ParamName);
        Assert.Equal("low", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillUniform(buffer, float.NaN, 0f)).ParamName);
        Assert.Equal("high", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillUniform(buffer, -float.MaxValue, float.MaxValue)).ParamName);
        Assert.Equal("standardDeviation", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillNormal(buffer, 0f, -1f)).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillTruncatedNormal(buffer, float.PositiveInfinity, 1f)).ParamName);
        Assert.Equal("probability", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillBernoulli(buffer, 1.5)).ParamName);
        Assert.Equal("keepProbability", Assert.Throws<ArgumentOutOfRangeException>(() => g.FillDropoutMask(buffer, 0)).ParamName);
        Assert.Throws<NotSupportedException>(() => g.FillNormal(new Half[3]));
        Assert.Equal("maxExclusive", Assert.Throws<ArgumentOutOfRangeException>(() => g.NextInt(0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Skip(-1));
    }
}

/// <summary>Fills at different thread counts. They set the process-wide thread count, so they run in the collection
/// that runs alone (see <c>FitThreadCountTests</c>).</summary>
[Collection(nameof(Backprop.Tests.Kernels.ThreadCountCollection))]
public class FillThreadCountTests
{
    [Fact]
    public void BigFillsAreBitIdenticalAtAnyThreadCount()
    {
        int saved = Parallelism.ThreadCount;
        try
        {
            const int n = 5_000_000;
            float[]? firstFloats = null;
            double[]? firstDoubles = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Parallelism.ThreadCount = threads;
                var floats = new float[n];
                var doubles = new double[n / 2 + 3];
                var generator = new RandomGenerator(42);
                generator.FillNormal<float>(floats);
                generator.FillTruncatedNormal<double>(doubles, 1.0, 3.0);
                firstFloats ??= floats;
                firstDoubles ??= doubles;
                Assert.True(floats.AsSpan().SequenceEqual(firstFloats), $"normal floats differ at {threads} threads");
                Assert.True(doubles.AsSpan().SequenceEqual(firstDoubles), $"truncated doubles differ at {threads} threads");
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }
}
