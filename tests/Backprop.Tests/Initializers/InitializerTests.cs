using Backprop.Initializers;

namespace Backprop.Tests.Initializers;

public class InitializerTests
{
    private static double[] Draw(Initializer initializer, params int[] shape)
    {
        var tensor = new Tensor<double>(new Shape(shape));
        initializer.Initialize(tensor);
        return tensor.ToArray();
    }

    private static (double Mean, double Std, double MaxAbs) Stats(double[] v)
    {
        double mean = v.Average();
        double std = Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Sum() / v.Length);
        return (mean, std, v.Max(Math.Abs));
    }

    [Theory]
    // name, fan_in, fan_out, expected std, bound on |w| (∞ if none)
    [InlineData("glorot_uniform", 400, 600, 0.044721359549995794, 0.077459666924148338)]  // limit √(6/1000), std limit/√3
    [InlineData("he_uniform", 500, 300, 0.063245553203367588, 0.10954451150103322)]       // limit √(6/500)
    [InlineData("lecun_uniform", 500, 300, 0.044721359549995794, 0.077459666924148338)]   // limit √(3/500)
    [InlineData("glorot_normal", 400, 600, 0.044721359549995794, 0.10168270784054581)]             // σ √(2/1000), |w| ≤ 2σ/0.8796
    [InlineData("he_normal", 1000, 500, 0.044721359549995794, 0.10168270784054581)]                // σ √(2/1000)
    [InlineData("lecun_normal", 500, 300, 0.044721359549995794, 0.10168270784054581)]              // σ √(1/500)
    [InlineData("random_normal", 300, 400, 0.05, double.PositiveInfinity)]
    [InlineData("random_uniform", 300, 400, 0.028867513459481287, 0.05)]                  // 0.05/√3
    [InlineData("truncated_normal", 300, 400, 0.05 * 0.87962566103423978, 0.1)]
    public void Random_initializers_have_Keras_statistics(string name, int fanIn, int fanOut, double std, double bound)
    {
        double[] values = Draw(Initializer.Get(name), fanIn, fanOut);
        var (mean, actualStd, maxAbs) = Stats(values);
        double standardError = std / Math.Sqrt(values.Length);
        Assert.True(Math.Abs(mean) < 5 * standardError, $"{name}: mean {mean}");
        Assert.True(Math.Abs(actualStd - std) < 0.01 * std, $"{name}: std {actualStd}, expected {std}");
        Assert.True(maxAbs <= bound, $"{name}: max |w| {maxAbs} > {bound}");
        Assert.True(maxAbs > 0.9 * Math.Min(bound, 3 * std), $"{name}: values do not fill the range ({maxAbs})");
    }

    [Fact]
    public void He_for_leaky_relu_scales_the_variance_by_one_over_one_plus_slope_squared()
    {
        const double slope = 0.3;
        double expected = Math.Sqrt(2 / ((1 + slope * slope) * 800));
        Assert.Equal(expected, Stats(Draw(new HeNormal(seed: 1, negativeSlope: slope), 800, 400)).Std, 0.01 * expected);
        Assert.Equal(expected, Stats(Draw(new HeUniform(seed: 1, negativeSlope: slope), 800, 400)).Std, 0.01 * expected);
        Assert.Equal(2 / ((1 + slope * slope) * 800), new HeNormal(negativeSlope: slope).Variance(new Shape(800, 400)), 15);
    }

    [Theory]
    [InlineData("fan_in", 2.0 / 64)]
    [InlineData("fan_out", 2.0 / 16)]
    [InlineData("fan_avg", 2.0 / 40)]
    public void Variance_scaling_modes_use_Keras_fans(string mode, double variance)
    {
        Assert.Equal(variance, new VarianceScaling(2, mode, "uniform").Variance(new Shape(64, 16)), 15);
        // rank 4 (conv kernel 3×3×4×8): receptive field 9, fan_in 36, fan_out 72
        Assert.Equal(1.0 / 36, new VarianceScaling(1, "fan_in").Variance(new Shape(3, 3, 4, 8)), 15);
        double[] v = Draw(new VarianceScaling(2, mode, "untruncated_normal", seed: 4), 64, 16 * 40);
        Assert.True(v.Max(Math.Abs) > 2.2 * Math.Sqrt(new VarianceScaling(2, mode).Variance(new Shape(64, 640))), "untruncated draws exceed 2σ");
    }

    [Fact]
    public void Seeded_initializers_repeat_and_different_seeds_differ()
    {
        foreach (string name in new[] { "glorot_uniform", "he_normal", "random_normal", "truncated_normal", "orthogonal" })
        {
            Initializer Make(int seed) => name switch
            {
                "glorot_uniform" => new GlorotUniform(seed),
                "he_normal" => new HeNormal(seed),
                "random_normal" => new RandomNormal(seed: seed),
                "truncated_normal" => new TruncatedNormal(seed: seed),
                _ => new Orthogonal(seed: seed),
            };

            var initializer = Make(42);
            Assert.Equal(Draw(initializer, 13, 7), Draw(initializer, 13, 7));
            Assert.Equal(Draw(initializer, 13, 7), Draw(Make(42), 13, 7));
            Assert.NotEqual(Draw(initializer, 13, 7), Draw(Make(43), 13, 7));
        }

        // unseeded draws continue one library-wide stream that RandomSeed.Set makes reproducible
        Backprop.Random.RandomSeed.Set(7);
        double[] first = Draw(new GlorotUniform(), 5, 5);
        double[] second = Draw(new GlorotUniform(), 5, 5);
        Backprop.Random.RandomSeed.Set(7);
        Assert.Equal(first, Draw(new GlorotUniform(), 5, 5));
        Assert.NotEqual(first, second);

        // float32 draws its own stream (one 32-bit word per value), seeded just as reproducibly
        var single = new Tensor<float>(new Shape(4, 3));
        var again = new Tensor<float>(new Shape(4, 3));
        new GlorotUniform(9).Initialize(single);
        new GlorotUniform(9).Initialize(again);
        Assert.Equal(single.ToArray(), again.ToArray());
        double limit = Math.Sqrt(6.0 / (4 + 3));
        Assert.All(single.ToArray(), v => Assert.InRange(v, -limit, limit));
    }

    [Theory]
    [InlineData(50, 20)]
    [InlineData(20, 50)]
    [InlineData(33, 33)]
    [InlineData(1, 7)]
    public void Orthogonal_gives_orthonormal_rows_or_columns_times_gain(int rows, int cols)
    {
        const double gain = 1.5;
        double[] w = Draw(new Orthogonal(gain, seed: 3), rows, cols);
        bool tall = rows >= cols;
        int n = tall ? cols : rows;
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                double dot = 0;
                for (int k = 0; k < (tall ? rows : cols); k++)
                {
                    dot += tall ? w[k * cols + a] * w[k * cols + b] : w[a * cols + k] * w[b * cols + k];
                }

                Assert.Equal(a == b ? gain * gain : 0, dot, 12);
            }
        }
    }

    [Fact]
    public void Deterministic_initializers()
    {
        Assert.All(Draw(Initializer.Get("ones"), 3, 2), v => Assert.Equal(1, v));
        Assert.All(Draw(new Constant(0.25), 3, 2), v => Assert.Equal(0.25, v));
        Assert.All(Draw(Initializer.Get("zeros"), 3, 2), v => Assert.Equal(0, v));
        Assert.Equal([2, 0, 0, 0, 2, 0], Draw(new Identity(2), 2, 3));
    }

    [Fact]
    public void Unknown_names_and_bad_arguments_are_reported()
    {
        var error = Assert.Throws<ArgumentException>(() => Initializer.Get("xavier_uniform"));
        Assert.Contains("glorot_uniform", error.Message);
        Assert.Contains("he_normal", error.Message);
        Assert.Contains("orthogonal", error.Message);
        Assert.Contains("fan_sum", Assert.Throws<ArgumentException>(() => new VarianceScaling(mode: "fan_sum")).Message);
        Assert.Contains("normal", Assert.Throws<ArgumentException>(() => new VarianceScaling(distribution: "normal")).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentOutOfRangeException>(() => new VarianceScaling(scale: -1)).Message);
        Assert.Contains("-0.05", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomNormal(stddev: -0.05)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomUniform(1, 0));
        Assert.Contains("(5)", Assert.Throws<ArgumentException>(() => new Orthogonal().Initialize(new Tensor<double>(5))).Message.Replace(",)", ")", StringComparison.Ordinal));
    }
}
