using System.Runtime.Intrinsics;
using Backprop.Random;

namespace Backprop.Tests.Random;

public class PhiloxTests
{
    // Random123 examples/kat_vectors, the three "philox4x32 10" lines: counter[4], key[2] → output[4].
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627E8D5u, 0xE169C58Du, 0xBC57AC4Cu, 0x9B00DBD8u)]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu,
        0x408F276Du, 0x41C83B0Eu, 0xA20BC7C6u, 0x6D5451FDu)]
    [InlineData(0x243F6A88u, 0x85A308D3u, 0x13198A2Eu, 0x03707344u, 0xA4093822u, 0x299F31D0u,
        0xD16CFE09u, 0x94FDCCEBu, 0x5001E420u, 0x24126EA1u)]
    public void BlockMatchesRandom123KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        uint e0, uint e1, uint e2, uint e3)
    {
        Assert.Equal((e0, e1, e2, e3), Philox.Block(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void StreamMatchesIndependentPythonPhilox()
    {
        // philox_uint32.txt comes from make_philox_reference.py, a separate pure-Python Philox checked against the
        // same known-answer vectors.
        uint[] expected = Fixtures.ReadHex("philox_uint32.txt").Select(x => (uint)x).ToArray();
        var generator = new RandomGenerator(Fixtures.Seed, Fixtures.Stream);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], generator.NextUInt32());
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(12345UL)]
    [InlineData(0xFFFFFFFAUL)] // lanes wrap the low counter word: the carry must reach the high word
    [InlineData(0xFFFFFFFFFFFFFFF9UL)]
    public void VectorBlocksEqualScalarBlocks(ulong firstBlock)
    {
        var schedule = new Philox.KeySchedule(0x9E3779B97F4A7C15, 0x1234_5678_9ABC_DEF0);
        Philox.Generate8(firstBlock, schedule, out var x0, out var x1, out var x2, out var x3);
        Philox.Generate8Portable(firstBlock, schedule, out var p0, out var p1, out var p2, out var p3);
        for (int j = 0; j < 8; j++)
        {
            var expected = Philox.Block(schedule.Key, schedule.Stream, unchecked(firstBlock + (ulong)j));
            Assert.Equal(expected, (x0[j], x1[j], x2[j], x3[j]));
            Assert.Equal(expected, (p0[j], p1[j], p2[j], p3[j]));
        }

        Philox.Generate16(firstBlock, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        for (int j = 0; j < 8; j++)
        {
            Assert.Equal(Philox.Block(schedule.Key, schedule.Stream, unchecked(firstBlock + (ulong)j)), (a0[j], a1[j], a2[j], a3[j]));
            Assert.Equal(Philox.Block(schedule.Key, schedule.Stream, unchecked(firstBlock + 8 + (ulong)j)), (b0[j], b1[j], b2[j], b3[j]));
        }
    }

    [Fact]
    public void TransposePutsEachBlocksWordsTogether()
    {
        var v0 = Vector256.Create(0u, 10, 20, 30, 40, 50, 60, 70);
        var v1 = v0 + Vector256<uint>.One;
        var v2 = v0 + Vector256.Create(2u);
        var v3 = v0 + Vector256.Create(3u);
        var (a0, a1, a2, a3) = (v0, v1, v2, v3);
        Philox.Transpose4x8(ref v0, ref v1, ref v2, ref v3);
        Philox.Transpose4x8Portable(ref a0, ref a1, ref a2, ref a3);
        Assert.Equal(Vector256.Create(0u, 1, 2, 3, 10, 11, 12, 13), v0);
        Assert.Equal(Vector256.Create(20u, 21, 22, 23, 30, 31, 32, 33), v1);
        Assert.Equal(Vector256.Create(40u, 41, 42, 43, 50, 51, 52, 53), v2);
        Assert.Equal(Vector256.Create(60u, 61, 62, 63, 70, 71, 72, 73), v3);
        Assert.Equal((v0, v1, v2, v3), (a0, a1, a2, a3));
    }
}
