using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The leaky-ReLU kernels against the element formulas, one value at a time: whole vectors and the scalar
/// tail, both comparisons at zero (the layer keeps x only above 0, the activation from 0 on), signed zeros,
/// infinities and NaN, slopes 0, 0.2 and 0.3, and the output written over an input.</summary>
public class LeakyReluKernelsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1031)]
    public void Forward_and_backward_match_the_element_formulas(int length)
    {
        foreach (double slope in new[] { 0.0, 0.2, 0.3 })
        {
            Check<float>(length, slope);
            Check<double>(length, slope);
        }
    }

    private static void Check<T>(int length, double slope)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new System.Random(length);
        T[] special = [T.Zero, T.NegativeZero, T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.Epsilon, -T.Epsilon];
        T[] x = new T[length], dy = new T[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = i % 5 == 0 ? special[i / 5 % special.Length] : T.CreateChecked(random.NextDouble() * 4 - 2);
            dy[i] = i % 7 == 3 ? special[i / 7 % special.Length] : T.CreateChecked(random.NextDouble() * 2 - 1);
        }

        T alpha = T.CreateChecked(slope);
        foreach (bool zeroKeepsX in new[] { false, true })
        {
            T[] y = new T[length];
            ActivationKernels.LeakyReluForward<T>(x, y, alpha, zeroKeepsX);
            T[] inPlace = (T[])x.Clone();
            ActivationKernels.LeakyReluForward<T>(inPlace, inPlace, alpha, zeroKeepsX);
            for (int i = 0; i < length; i++)
            {
                T want = (zeroKeepsX ? x[i] >= T.Zero : x[i] > T.Zero) ? x[i] : alpha * x[i];
                AssertSameBits(want, y[i], $"forward {typeof(T).Name} zeroKeepsX={zeroKeepsX} α={slope} x={x[i]} at {i}");
                AssertSameBits(want, inPlace[i], $"forward in place at {i}");
            }
        }

        T[] dx = new T[length];
        ActivationKernels.LeakyReluBackward<T>(x, dy, dx, alpha);
        T[] overDy = (T[])dy.Clone();
        ActivationKernels.LeakyReluBackward<T>(x, overDy, overDy, alpha);
        for (int i = 0; i < length; i++)
        {
            T want = x[i] > T.Zero ? dy[i] : alpha * dy[i];
            AssertSameBits(want, dx[i], $"backward {typeof(T).Name} α={slope} x={x[i]} dy={dy[i]} at {i}");
            AssertSameBits(want, overDy[i], $"backward in place at {i}");
        }
    }

    private static void AssertSameBits<T>(T want, T got, string what)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool same = T.IsNaN(want) ? T.IsNaN(got) : want.Equals(got) && T.IsNegative(want) == T.IsNegative(got);
        Assert.True(same, $"{what}: got {got}, want {want}");
    }
}
