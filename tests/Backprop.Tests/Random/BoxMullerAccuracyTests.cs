using System.Runtime.Intrinsics;
using Backprop.Random;

namespace Backprop.Tests.Random;

/// <summary>Our own ln/sin/cos against the C runtime's double-precision functions over the whole input range that
/// Box–Muller feeds them (u ∈ (0, 1] in steps of 2⁻²⁴ or 2⁻⁵³).</summary>
public class BoxMullerAccuracyTests
{
    [Fact]
    public void FloatLogAndSinCosAreWithinTwoUlps()
    {
        var g = new RandomGenerator(1234);
        double worstLog = 0, worstTrig = 0;
        for (int i = 0; i < 200_000; i++)
        {
            // Cover every binade down to 2⁻²⁴ and the exact endpoints.
            float u = i switch
            {
                0 => 1f,
                1 => 1f / (1 << 24),
                _ => MathF.ScaleB(1 + (g.NextUInt32() >> 9) * (1f / (1 << 23)), -1 - g.NextInt(24)),
            };
            float log = BoxMuller.Log(Vector256.Create(u)).ToScalar();
            worstLog = Math.Max(worstLog, Math.Abs(log - Math.Log(u)) / Ulp(Math.Log(u)));

            float angle = i == 2 ? 0f : (g.NextUInt32() >> 8) * (1f / (1 << 24));
            BoxMuller.SinCosTwoPi(Vector256.Create(angle), out var sin, out var cos);
            worstTrig = Math.Max(worstTrig, Math.Abs(sin.ToScalar() - Math.Sin(2 * Math.PI * angle)) / 5.96e-8);
            worstTrig = Math.Max(worstTrig, Math.Abs(cos.ToScalar() - Math.Cos(2 * Math.PI * angle)) / 5.96e-8);
        }

        Assert.True(worstLog <= 2, $"log error {worstLog} ulp");
        Assert.True(worstTrig <= 2, $"sin/cos absolute error {worstTrig}·2⁻²⁴");
    }

    [Fact]
    public void DoubleLogAndSinCosAreWithinTwoUlps()
    {
        var g = new RandomGenerator(4321);
        double worstLog = 0, worstTrig = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double u = i == 0 ? 1.0 : Math.ScaleB(1 + (g.NextUInt64() >> 12) * Math.ScaleB(1, -52), -1 - g.NextInt(53));
            double log = BoxMuller.Log(Vector256.Create(u)).ToScalar();
            double exact = Math.Log(u);
            if (exact != 0)
            {
                worstLog = Math.Max(worstLog, Math.Abs(log - exact) / (Math.BitIncrement(Math.Abs(exact)) - Math.Abs(exact)));
            }

            double angle = (g.NextUInt64() >> 11) * Math.ScaleB(1, -53);
            BoxMuller.SinCosTwoPi(Vector256.Create(angle), out var sin, out var cos);
            worstTrig = Math.Max(worstTrig, Math.Abs(sin.ToScalar() - double.SinPi(2 * angle)) / 1.11e-16);
            worstTrig = Math.Max(worstTrig, Math.Abs(cos.ToScalar() - double.CosPi(2 * angle)) / 1.11e-16);
        }

        Assert.True(worstLog <= 2, $"log error {worstLog} ulp");
        Assert.True(worstTrig <= 4, $"sin/cos absolute error {worstTrig}·2⁻⁵³");
    }

    private static double Ulp(double x) => Math.Abs(MathF.BitIncrement((float)Math.Abs(x)) - (float)Math.Abs(x));
}
