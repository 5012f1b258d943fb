using System.Runtime.Intrinsics;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The inlinable float e^x gives exactly the runtime's vectorised Exp (what TensorPrimitives.Exp and
/// Sigmoid use) at every vector width, so kernels built on it keep the results they had.</summary>
public sealed class VectorExpTests
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
            0f, -0f, 1f, -1f, 87f, -87f, 87.0001f, 88.72283f, 88.72284f, 88.72285f, 89f, -103.97207f, -103.97208f,
            -103.97209f, -104f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity,
        })
        {
            yield return x;
        }
    }

    [Fact]
    public void Matches_the_runtime_exp_bit_for_bit_at_every_width()
    {
        var chunk = new float[16];
        int filled = 0;
        long compared = 0;
        foreach (float x in Samples())
        {
            chunk[filled++] = x;
            if (filled == chunk.Length)
            {
                compared += Compare(chunk);
                filled = 0;
            }
        }

        Array.Fill(chunk, 0.5f, filled, chunk.Length - filled);
        compared += Compare(chunk);
        Assert.True(compared > 70_000_000);
    }

    private static int Compare(float[] chunk)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(chunk);
            AssertSame(chunk, Vector512.Exp(v).AsUInt32(), VectorExp.Exp(v).AsUInt32());
        }

        for (int i = 0; i < 16; i += 8)
        {
            var v = Vector256.Create(chunk.AsSpan(i, 8));
            AssertSame(chunk.AsSpan(i, 8), Vector256.Exp(v).AsUInt32(), VectorExp.Exp(v).AsUInt32());
        }

        for (int i = 0; i < 16; i += 4)
        {
            var v = Vector128.Create(chunk.AsSpan(i, 4));
            AssertSame(chunk.AsSpan(i, 4), Vector128.Exp(v).AsUInt32(), VectorExp.Exp(v).AsUInt32());
        }

        return chunk.Length;
    }

    private static void AssertSame<TVector>(ReadOnlySpan<float> x, TVector expected, TVector actual)
        where TVector : IEquatable<TVector>
    {
        if (expected.Equals(actual))
        {
            return;
        }

        // NaN inputs may come back with another NaN payload; anything else must match exactly.
        var e = Lanes(expected);
        var a = Lanes(actual);
        for (int k = 0; k < x.Length; k++)
        {
            if (e[k] != a[k] && !(float.IsNaN(x[k]) && float.IsNaN(BitConverter.UInt32BitsToSingle(a[k]))))
            {
                Assert.Fail($"exp({x[k]:R}) (bits {BitConverter.SingleToUInt32Bits(x[k]):X8}): runtime {e[k]:X8}, ours {a[k]:X8}.");
            }
        }
    }

    private static uint[] Lanes<TVector>(TVector v) =>
        v switch
        {
            Vector512<uint> w => [.. Enumerable.Range(0, 16).Select(i => w.GetElement(i))],
            Vector256<uint> w => [.. Enumerable.Range(0, 8).Select(i => w.GetElement(i))],
            Vector128<uint> w => [.. Enumerable.Range(0, 4).Select(i => w.GetElement(i))],
            _ => throw new ArgumentException("Unexpected vector type."),
        };
}
