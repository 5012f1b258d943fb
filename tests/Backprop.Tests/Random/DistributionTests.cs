using System.Numerics;
using Backprop.Random;

namespace Backprop.Tests.Random;

/// <summary>Moments and Kolmogorov–Smirnov distance of ~1M samples against the exact distributions. Tolerances
/// are five standard errors for the moments (derived from n and the distribution's own moments) and the 0.1%
/// critical value 1.95/√n for the KS statistic. Seeds are fixed, so these cannot flake.</summary>
public class DistributionTests
{
    private const int N = 1_000_003;

    public static TheoryData<bool> BothTypes => [false, true];

    [Theory]
    [MemberData(nameof(BothTypes))]
    public void UniformHasExactMomentsAndCdf(bool isDouble)
    {
        const double low = -3, high = 5, width = high - low;
        double[] x = Sample(isDouble, 101, (g, f) => g.FillUniform(f, (float)low, (float)high), (g, d) => g.FillUniform(d, low, high));
        Assert.All(x, v => Assert.True(v is >= low and < high));
        AssertMoments(x, (low + high) / 2, width * width / 12, Math.Pow(width, 4) / 80);
        AssertKolmogorovSmirnov(x, v => (v - low) / width);
    }

    [Theory]
    [MemberData(nameof(BothTypes))]
    public void NormalHasExactMomentsAndCdf(bool isDouble)
    {
        const double mean = 1.5, std = 2.0;
        double[] x = Sample(isDouble, 202, (g, f) => g.FillNormal(f, (float)mean, (float)std), (g, d) => g.FillNormal(d, mean, std));
        AssertMoments(x, mean, std * std, 3 * Math.Pow(std, 4));
        AssertKolmogorovSmirnov(x, v => NormalCdf((v - mean) / std));
    }

    [Theory]
    [MemberData(nameof(BothTypes))]
    public void TruncatedNormalStaysWithinTwoSigmaWithKerasSpread(bool isDouble)
    {
        const double mean = -0.5, std = 0.1;
        double[] x = Sample(isDouble, 303, (g, f) => g.FillTruncatedNormal(f, (float)mean, (float)std),
            (g, d) => g.FillTruncatedNormal(d, mean, std));
        double tolerance = isDouble ? 1e-15 : 1e-7;
        Assert.All(x, v => Assert.True(Math.Abs(v - mean) <= 2 * std + tolerance, $"{v}"));
        // Truncation at ±2: variance 1 − 2·2φ(2)/(Φ(2) − Φ(−2)) = 0.8796256610342398², fourth moment 3 − … (numeric).
        const double spread = 0.87962566103423978;
        double z = 1 - 2 * NormalPdf(2) * 2 / (2 * NormalCdf(2) - 1);
        Assert.Equal(spread * spread, z, 12);
        double fourth = (3 * z - 2 * 8 * NormalPdf(2) / (2 * NormalCdf(2) - 1)) * Math.Pow(std, 4);
        AssertMoments(x, mean, Math.Pow(spread * std, 2), fourth);
        double mass = 2 * NormalCdf(2) - 1;
        AssertKolmogorovSmirnov(x, v => (NormalCdf((v - mean) / std) - NormalCdf(-2)) / mass);
    }

    [Theory]
    [MemberData(nameof(BothTypes))]
    public void BernoulliHasTheRequestedRate(bool isDouble)
    {
        const double p = 0.3;
        double[] x = Sample(isDouble, 404, (g, f) => g.FillBernoulli(f, p), (g, d) => g.FillBernoulli(d, p));
        Assert.All(x, v => Assert.True(v is 0 or 1));
        AssertMoments(x, p, p * (1 - p), p * (1 - p) * (1 - 3 * p + 3 * p * p) + Math.Pow(p * (1 - p), 2));
    }

    [Fact]
    public void NextIntIsUnbiasedByChiSquare()
    {
        // Small bound: 7 cells, chi-square with 6 degrees of freedom, 0.1% critical value 22.46.
        var g = new RandomGenerator(505);
        var counts = new long[7];
        for (int i = 0; i < 700_000; i++)
        {
            counts[g.NextInt(7)]++;
        }

        Assert.True(ChiSquare(counts, 700_000) < 22.46, $"chi² = {ChiSquare(counts, 700_000)}");

        // Bound 3·2²⁹: a 32-bit multiply-shift maps 8 inputs onto 3 outputs, so without the rejection step the
        // outputs ≡ 0, 1 (mod 3) would get 3/8 of the draws each and ≡ 2 only 2/8. Folding by v mod 3 exposes it
        // (2 degrees of freedom, critical value 13.82).
        const int bound = 3 << 29;
        var residues = new long[3];
        for (int i = 0; i < 600_000; i++)
        {
            int v = g.NextInt(bound);
            Assert.InRange(v, 0, bound - 1);
            residues[v % 3]++;
        }

        Assert.True(ChiSquare(residues, 600_000) < 13.82, $"chi² = {ChiSquare(residues, 600_000)}");
        for (int i = 0; i < 1000; i++)
        {
            Assert.InRange(g.NextInt(-5, 5), -5, 4);
        }
    }

    [Fact]
    public void ShuffleAndPermutationArePermutationsWithUniformPositions()
    {
        var g = new RandomGenerator(606);
        foreach (int n in new[] { 0, 1, 7, 33, 1000 })
        {
            int[] p = g.Permutation(n);
            Assert.Equal(Enumerable.Range(0, n), p.Order());
        }

        // Where element 0 lands after shuffling 5 elements: uniform over 5 positions (4 dof, critical 18.47).
        const int trials = 100_000;
        var landing = new long[5];
        Span<int> values = stackalloc int[5];
        for (int t = 0; t < trials; t++)
        {
            g.Permutation(values);
            landing[values.IndexOf(0)]++;
        }

        Assert.True(ChiSquare(landing, trials) < 18.47, $"chi² = {ChiSquare(landing, trials)}");
        string[] words = ["a", "b", "c", "d"];
        g.Shuffle<string>(words);
        Assert.Equal(["a", "b", "c", "d"], words.Order());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(7, 2)]
    [InlineData(33, 1)]
    [InlineData(303, 0)]
    [InlineData(1000, 3)]
    public void Shuffle_draws_the_same_words_as_one_bounded_draw_per_swap(int n, int wordsUsedBefore)
    {
        // Shuffle generates its words eight blocks at a time; it must equal Fisher–Yates on NextInt(i + 1) word by
        // word, from any position within a block, and leave the generator where that would.
        var g = new RandomGenerator(77, stream: 5);
        var twin = new RandomGenerator(77, stream: 5);
        for (int k = 0; k < wordsUsedBefore; k++)
        {
            g.NextUInt32();
            twin.NextUInt32();
        }

        int[] shuffled = [.. Enumerable.Range(0, n)];
        g.Shuffle<int>(shuffled);
        int[] expected = [.. Enumerable.Range(0, n)];
        for (int i = n - 1; i > 0; i--)
        {
            int j = twin.NextInt(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }

        Assert.Equal(expected, shuffled);
        Assert.Equal(twin.NextUInt32(), g.NextUInt32());
    }

    private static double[] Sample(bool isDouble, ulong seed, Action<RandomGenerator, float[]> fillFloat,
        Action<RandomGenerator, double[]> fillDouble)
    {
        var generator = new RandomGenerator(seed);
        if (isDouble)
        {
            var values = new double[N];
            fillDouble(generator, values);
            return values;
        }

        var floats = new float[N];
        fillFloat(generator, floats);
        return floats.Select(v => (double)v).ToArray();
    }

    /// <summary>Mean within 5·σ/√n; sample variance within 5·√((μ₄ − σ⁴)/n).</summary>
    private static void AssertMoments(double[] x, double mean, double variance, double fourthCentralMoment)
    {
        double sum = 0;
        foreach (double v in x)
        {
            sum += v;
        }

        double sampleMean = sum / x.Length;
        double squares = 0;
        foreach (double v in x)
        {
            squares += (v - sampleMean) * (v - sampleMean);
        }

        double sampleVariance = squares / (x.Length - 1);
        double meanTolerance = 5 * Math.Sqrt(variance / x.Length);
        double varianceTolerance = 5 * Math.Sqrt((fourthCentralMoment - variance * variance) / x.Length);
        Assert.True(Math.Abs(sampleMean - mean) < meanTolerance, $"mean {sampleMean} vs {mean} ± {meanTolerance}");
        Assert.True(Math.Abs(sampleVariance - variance) < varianceTolerance,
            $"variance {sampleVariance} vs {variance} ± {varianceTolerance}");
    }

    private static void AssertKolmogorovSmirnov(double[] x, Func<double, double> cdf)
    {
        double[] sorted = (double[])x.Clone();
        Array.Sort(sorted);
        double n = sorted.Length, distance = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = cdf(sorted[i]);
            distance = Math.Max(distance, Math.Max(f - i / n, (i + 1) / n - f));
        }

        double critical = 1.95 / Math.Sqrt(n);
        Assert.True(distance < critical, $"KS distance {distance} ≥ {critical}");
    }

    private static double ChiSquare(long[] counts, long total)
    {
        double expected = (double)total / counts.Length, chi = 0;
        foreach (long c in counts)
        {
            chi += (c - expected) * (c - expected) / expected;
        }

        return chi;
    }

    private static double NormalPdf(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);

    /// <summary>Φ(x) = erfc(−x/√2)/2 with erfc from its continued fraction / series (error below 1e-13).</summary>
    internal static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < 2.5)
        {
            // erf x = 2/√π · Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n+1))
            double term = x, sum = x;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -x * x / n;
                sum += term / (2 * n + 1);
            }

            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }

        // Lentz continued fraction erfc x = e^(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
        double fraction = x;
        for (int k = 60; k >= 1; k--)
        {
            fraction = x + k / 2.0 / fraction;
        }

        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / fraction;
    }
}
