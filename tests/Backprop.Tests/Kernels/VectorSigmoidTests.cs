using System.Runtime.Intrinsics;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The float vector σ used by the fused swish pass: within 3 ulp of the exact σ, the same bits at every
/// vector width, and the saturation, infinity and NaN behaviour of 1/(1 + e^(−z)) in float.</summary>
public sealed class VectorSigmoidTests
{
    // Every 61st bit pattern (odd, so every exponent and low-mantissa pattern is visited) plus edge values.
    private static IEnumerable<float> Samples()
    {
        for (ulong bits = 0; bits <= uint.MaxValue; bits += 61)
        {
            yield return BitConverter.UInt32BitsToSingle((uint)bits);
        }

        foreach (float x in new[]
        {
            0f, -0f, 1f, -1f, 1e-30f, -1e-30f, 15f, -15f, 16.7f, -16.7f, 87.3f, -87.3f, 88.7f, -88.7f, 88.73f, -88.73f,
            89f, -89f, 103.9f, 104f, 105f, -104f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue,
        })
        {
            yield return x;
        }
    }

    [Fact]
    public void Is_within_three_ulp_of_the_exact_sigmoid_and_the_same_at_every_width()
    {
        var chunk = new float[16];
        int filled = 0;
        double worst = 0;
        long checkedValues = 0;
        foreach (float z in Samples())
        {
            chunk[filled++] = z;
            if (filled == chunk.Length)
            {
                worst = Math.Max(worst, Check(chunk, ref checkedValues));
                filled = 0;
            }
        }

        Array.Fill(chunk, 0.5f, filled, chunk.Length - filled);
        worst = Math.Max(worst, Check(chunk, ref checkedValues));
        Assert.True(checkedValues > 30_000_000, $"only {checkedValues} finite values checked");
        Assert.True(worst <= 3, $"worst error {worst:F2} ulp");
    }

    [Fact]
    public void Saturates_like_one_over_one_plus_exp_and_keeps_nan()
    {
        var z = Vector128.Create(float.PositiveInfinity, float.NegativeInfinity, float.NaN, -95f);
        var s = VectorSigmoid.Sigmoid(z);
        Assert.Equal(1f, s.GetElement(0));
        Assert.Equal(0f, s.GetElement(1));
        Assert.True(float.IsNaN(s.GetElement(2)));
        Assert.Equal(0f, s.GetElement(3));
    }

    private static double Check(float[] chunk, ref long checkedValues)
    {
        var s128 = new float[16];
        for (int i = 0; i < 16; i += 4)
        {
            VectorSigmoid.Sigmoid(Vector128.Create(chunk.AsSpan(i, 4))).CopyTo(s128.AsSpan(i, 4));
        }

        var s256 = new float[16];
        for (int i = 0; i < 16; i += 8)
        {
            VectorSigmoid.Sigmoid(Vector256.Create(chunk.AsSpan(i, 8))).CopyTo(s256.AsSpan(i, 8));
        }

        var s512 = new float[16];
        VectorSigmoid.Sigmoid(Vector512.Create(chunk)).CopyTo(s512);
        double worst = 0;
        for (int k = 0; k < 16; k++)
        {
            float z = chunk[k];
            Assert.True(BitConverter.SingleToUInt32Bits(s128[k]) == BitConverter.SingleToUInt32Bits(s256[k])
                && BitConverter.SingleToUInt32Bits(s128[k]) == BitConverter.SingleToUInt32Bits(s512[k]),
                $"σ({z:R}) differs between widths: {s128[k]:R}, {s256[k]:R}, {s512[k]:R}.");
            if (float.IsNaN(z))
            {
                Assert.True(float.IsNaN(s128[k]));
                continue;
            }

            double exact = 1 / (1 + Math.Exp(-(double)z));
            if (exact < 1.1754944e-38)
            {
                // σ below the normal range: 0 or a subnormal, as the float formula gives.
                Assert.True(s128[k] <= 1.2e-38f, $"σ({z:R}) = {s128[k]:R}, exact {exact:R}.");
                continue;
            }

            float rounded = (float)exact;
            double ulp = MathF.BitIncrement(rounded) - rounded;
            worst = Math.Max(worst, Math.Abs(s128[k] - exact) / ulp);
            checkedValues++;
        }

        return worst;
    }
}
