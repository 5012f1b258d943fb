using System.Numerics;
using Backprop.Kernels;
using Backprop.Regularizers;

namespace Backprop.Tests.Kernels;

public class AddScaledSignTests
{
    /// <summary>The loop the vectorised kernel must match bit for bit: g += factor·sign(w), sign(±0) = 0, sign(NaN) = NaN.</summary>
    private static void AddScaledSignReference<T>(ReadOnlySpan<T> w, T factor, Span<T> g)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < w.Length; i++)
        {
            T sign = T.IsNaN(w[i]) ? T.NaN : w[i] > T.Zero ? T.One : w[i] < T.Zero ? -T.One : T.Zero;
            g[i] += T.IsNaN(sign) ? sign : sign == T.Zero ? T.Zero : sign > T.Zero ? factor : -factor;
        }
    }

    private static T[] Values<T>(int length, int seed)
        where T : IFloatingPointIeee754<T>
    {
        var random = new System.Random(seed);
        T[] special = [T.Zero, -T.Zero, T.NaN, T.PositiveInfinity, T.NegativeInfinity, T.Epsilon, -T.Epsilon];
        return Enumerable.Range(0, length)
            .Select(i => random.Next(8) == 0 ? special[random.Next(special.Length)] : T.CreateTruncating(random.NextDouble() * 4 - 2))
            .ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void Float_MatchesTheReferenceLoopBitForBit(int length) => Check<float>(length);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void Double_MatchesTheReferenceLoopBitForBit(int length) => Check<double>(length);

    private static void Check<T>(int length)
        where T : IFloatingPointIeee754<T>
    {
        T[] w = Values<T>(length, length);
        T[] start = Values<T>(length, length + 1).Select(v => T.IsFinite(v) ? v : T.One).ToArray();
        T factor = T.CreateTruncating(0.37);
        T[] expected = (T[])start.Clone();
        T[] actual = (T[])start.Clone();
        AddScaledSignReference<T>(w, factor, expected);
        Elementwise.AddScaledSign<T>(w, factor, actual);
        for (int i = 0; i < length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]) || (T.IsNaN(expected[i]) && T.IsNaN(actual[i])), $"element {i}: w = {w[i]}, expected {expected[i]}, got {actual[i]}");
        }

        Assert.Contains(w, v => T.IsNaN(v) || v == T.Zero || length < 33);
    }

    [Fact]
    public void RejectsSpansOfDifferentLengths() =>
        Assert.Throws<ArgumentException>(() => Elementwise.AddScaledSign<float>(new float[3], 1f, new float[4]));

    [Fact]
    public void L1Penalty_MatchesADoubleSumOfMagnitudes()
    {
        var random = new System.Random(3);
        foreach (int length in new[] { 1, 7, 33, 78_400 })
        {
            float[] w = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double reference = 1e-4 * w.Sum(v => Math.Abs((double)v));
            double penalty = new L1(1e-4).Penalty(Tensor<float>.Wrap(w, new Shape(length)));
            Assert.Equal(reference, penalty, reference * 1e-5);
            double both = new L1L2(1e-4, 3e-4).Penalty(Tensor<float>.Wrap(w, new Shape(length)));
            Assert.Equal(reference + 3e-4 * w.Sum(v => (double)v * v), both, both * 1e-5);
        }
    }
}
