using Backprop.Kernels;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Backprop.Tests.Kernels;

/// <summary>Elementwise.IndexOfMax scans short rows itself; it must answer exactly as TensorPrimitives.IndexOfMax
/// (the first NaN, +0 above −0, the first of equal maxima, −1 when empty) at every length, both sides of the
/// short-row bound.</summary>
public sealed class IndexOfMaxTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(33)]
    public void Random_rows_with_ties_zeros_infinities_and_NaN_match_TensorPrimitives(int seed)
    {
        var random = new System.Random(seed);
        float[] pool = [0f, -0f, 1f, -1f, 2.5f, 2.5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon];
        foreach (int length in new[] { 0, 1, 2, 3, 7, 10, 33, 63, 64, 65, 100, 1000 })
        {
            for (int trial = 0; trial < 200; trial++)
            {
                var row = new float[length];
                var doubles = new double[length];
                var ints = new int[length];
                for (int i = 0; i < length; i++)
                {
                    // Mostly a few repeated values so that ties and ±0 are common; NaN rarely.
                    float v = random.Next(4) == 0 ? (float)(random.NextDouble() * 6 - 3) : pool[random.Next(pool.Length - (trial % 5 == 0 ? 0 : 3))];
                    row[i] = v;
                    doubles[i] = v;
                    ints[i] = random.Next(-3, 4);
                }

                Assert.Equal(TP.IndexOfMax<float>(row), Elementwise.IndexOfMax<float>(row));
                Assert.Equal(TP.IndexOfMax<double>(doubles), Elementwise.IndexOfMax<double>(doubles));
                Assert.Equal(TP.IndexOfMax<int>(ints), Elementwise.IndexOfMax<int>(ints));
            }
        }
    }

    [Fact]
    public void Edge_rows_give_the_documented_answers()
    {
        Assert.Equal(-1, Elementwise.IndexOfMax<float>([]));
        Assert.Equal(1, Elementwise.IndexOfMax<float>([-0f, 0f, 0f]));
        Assert.Equal(0, Elementwise.IndexOfMax<float>([0f, -0f]));
        Assert.Equal(2, Elementwise.IndexOfMax<float>([1f, 3f, float.NaN, 5f, float.NaN]));
        Assert.Equal(1, Elementwise.IndexOfMax<float>([2f, 7f, 7f]));
        Assert.Equal(0, Elementwise.IndexOfMax<float>([float.NegativeInfinity, float.NegativeInfinity]));
    }
}
