using Backprop.Kernels;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="LargestMagnitude"/> against a naive float64 loop, on awkward lengths, with the largest value
/// and the non-finite ones placed anywhere (first, last, inside the overlapping tail vector).</summary>
public sealed class LargestMagnitudeTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 15, 16, 17, 33, 63, 64, 65, 1000, 1025, 100_003];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Equals_the_naive_maximum_of_absolute_values(int length)
    {
        var random = new System.Random(length);
        for (int trial = 0; trial < 5; trial++)
        {
            float[] f = TestData.Floats(length, (length * 7) + trial);
            double[] d = TestData.Doubles(length, (length * 11) + trial, -1e300, 1e300);
            if (length > 0)
            {
                // The largest magnitude, negative, at a random place (the last elements are read by the overlapping tail).
                f[random.Next(length)] = -1e30f;
                d[trial == 0 ? length - 1 : random.Next(length)] = -double.MaxValue;
            }

            Assert.Equal(Naive(f.Select(x => (double)x)), LargestMagnitude.Of<float>(f));
            Assert.Equal(Naive(d), LargestMagnitude.Of<double>(d));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void NaN_wins_over_infinity_and_infinity_over_any_finite_value(int length)
    {
        if (length == 0)
        {
            Assert.Equal(0.0, LargestMagnitude.Of<float>(ReadOnlySpan<float>.Empty));
            Assert.Equal(0.0, LargestMagnitude.Of<double>(ReadOnlySpan<double>.Empty));
            return;
        }

        var random = new System.Random(length + 1);
        for (int trial = 0; trial < 5; trial++)
        {
            int infinity = random.Next(length), nan = random.Next(length);
            float[] f = TestData.Floats(length, trial);
            double[] d = TestData.Doubles(length, trial);
            f[infinity] = float.NegativeInfinity;
            d[infinity] = double.NegativeInfinity;
            Assert.Equal(double.PositiveInfinity, LargestMagnitude.Of<float>(f));
            Assert.Equal(double.PositiveInfinity, LargestMagnitude.Of<double>(d));

            // A NaN of either sign and any payload.
            f[nan] = trial % 2 == 0 ? float.NaN : -BitConverter.Int32BitsToSingle(0x7F800001);
            d[nan] = trial % 2 == 0 ? double.NaN : -BitConverter.Int64BitsToDouble(0x7FF0000000000001);
            Assert.True(double.IsNaN(LargestMagnitude.Of<float>(f)));
            Assert.True(double.IsNaN(LargestMagnitude.Of<double>(d)));
        }
    }

    [Fact]
    public void Signed_zeros_and_subnormals_are_ordinary_magnitudes()
    {
        Assert.Equal(0.0, LargestMagnitude.Of<float>([-0f, 0f, -0f]));
        Assert.Equal((double)float.Epsilon, LargestMagnitude.Of<float>([-0f, -float.Epsilon, 0f]));
        Assert.Equal(double.Epsilon, LargestMagnitude.Of<double>([0, -double.Epsilon]));
    }

    private static double Naive(IEnumerable<double> values)
    {
        double largest = 0;
        foreach (double v in values)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest;
    }
}
