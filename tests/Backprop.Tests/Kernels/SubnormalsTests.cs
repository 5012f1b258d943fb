using System.Numerics;
using System.Runtime.Intrinsics;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

public class SubnormalsTests
{
    [Fact]
    public void Subnormals_become_zero_and_everything_else_passes_through()
    {
        Assert.Equal(BitConverter.Int32BitsToSingle(0x00800000), Subnormals.SmallestNormal<float>());
        Assert.Equal(BitConverter.Int64BitsToDouble(0x0010000000000000), Subnormals.SmallestNormal<double>());
        Assert.Equal(Half.CreateChecked(6.103515625E-05), Subnormals.SmallestNormal<Half>());

        float smallest = Subnormals.SmallestNormal<float>();
        foreach (float x in new[] { float.Epsilon, -float.Epsilon, 1e-39f, -1e-39f, BitConverter.Int32BitsToSingle(0x007FFFFF) })
        {
            Assert.Equal(0f, Subnormals.Flush(x));
        }

        foreach (float x in new[] { smallest, -smallest, 1e-30f, -2.5f, 0f, float.MaxValue, float.PositiveInfinity, float.NegativeInfinity })
        {
            Assert.Equal(x, Subnormals.Flush(x));
        }

        Assert.True(float.IsNaN(Subnormals.Flush(float.NaN)));
        Assert.Equal(0.0, Subnormals.Flush(double.Epsilon));
        Assert.Equal(0.0, Subnormals.Flush(-1e-310));
        Assert.Equal(1e-300, Subnormals.Flush(1e-300));
        Assert.True(double.IsNaN(Subnormals.Flush(double.NaN)));
    }

    [Fact]
    public void Vector_lanes_flush_exactly_as_the_scalar_does()
    {
        Check<float>(Subnormals.SmallestNormal<float>(), 1e-38);
        Check<double>(Subnormals.SmallestNormal<double>(), 1e-307);
    }

    private static void Check<T>(T least, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Magnitudes spread over the subnormal range, the boundary and above, with the special values among them.
        var values = new List<T> { T.Zero, T.NegativeZero, T.NaN, T.PositiveInfinity, T.NegativeInfinity, least, -least, T.Epsilon };
        var random = new System.Random(7);
        while (values.Count < 5 * Vector512<T>.Count)
        {
            values.Add(T.CreateChecked((random.NextDouble() - 0.5) * scale * Math.Pow(10, random.Next(-9, 4))));
        }

        T[] input = values.ToArray();
        for (int start = 0; start + Vector512<T>.Count <= input.Length; start += Vector512<T>.Count)
        {
            var lanes = Subnormals.ZeroBelow(Vector512.Create(input.AsSpan(start, Vector512<T>.Count)), Vector512.Create(least));
            var wide = Subnormals.ZeroBelow(new Vector<T>(input.AsSpan(start, Vector<T>.Count)), new Vector<T>(least));
            for (int i = 0; i < Vector512<T>.Count; i++)
            {
                T expected = Subnormals.Flush(input[start + i]);
                Assert.True(expected.Equals(lanes[i]), $"{typeof(T).Name} {input[start + i]}: lane {lanes[i]}, scalar {expected}");
                if (i < Vector<T>.Count)
                {
                    Assert.True(expected.Equals(wide[i]), $"{typeof(T).Name} {input[start + i]}: Vector<T> lane {wide[i]}");
                }
            }
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.001)]
    [InlineData(1e-9)]
    [InlineData(0.9)]
    [InlineData(3.7)]
    [InlineData(1e6)]
    public void A_factor_at_the_product_threshold_keeps_the_product_normal_and_one_well_below_does_not(double scale)
    {
        float s = (float)scale, least = Subnormals.ProductThreshold(s);
        float smallest = Subnormals.SmallestNormal<float>();
        Assert.True(least >= smallest);
        Assert.True(Math.Abs(least * 1.000001f * s) >= smallest, $"at the threshold {least}·{s} is subnormal");
        if (s < 1)
        {
            Assert.True(Math.Abs(least * 0.999f * s) < smallest, $"below the threshold {least}·{s} is still normal");
        }

        double d = Subnormals.ProductThreshold(scale);
        Assert.True(Math.Abs(d * (1 + 1e-12) * scale) >= Subnormals.SmallestNormal<double>());
        Assert.Equal(float.PositiveInfinity, Subnormals.ProductThreshold(0f));
    }
}
