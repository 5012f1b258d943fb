using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Random;

/// <summary>Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011;
/// Random123): a counter-based generator. Block <c>b</c> of stream <c>s</c> under key <c>k</c> is the bijection
/// Philox(counter = (b mod 2³², b div 2³², s mod 2³², s div 2³²), key = (k mod 2³², k div 2³²)) → four 32-bit
/// words, so any word of any stream is computable in O(1) without generating the ones before it. That is what
/// makes fills bit-identical at any thread count: each block is computed from its own index.</summary>
internal static class Philox
{
    private const uint Multiplier0 = 0xD2511F53;
    private const uint Multiplier1 = 0xCD9E8D57;
    private const uint KeyBump0 = 0x9E3779B9; // golden ratio
    private const uint KeyBump1 = 0xBB67AE85; // sqrt(3) - 1
    internal const int Rounds = 10;

    /// <summary>Blocks per 256-bit structure-of-arrays set (one per 32-bit lane).</summary>
    internal const int BlocksPerGroup = 8;

    /// <summary>Blocks per kernel call: two independent sets, because one set's ten rounds are a long dependency
    /// chain and the CPU needs the second to stay busy (with AVX-512 both sets come from one 512-bit pass).</summary>
    internal const int BlocksPerCall = 2 * BlocksPerGroup;

    /// <summary>One block of Philox4x32 with an explicit 128-bit counter and 64-bit key, exactly as Random123's
    /// <c>philox4x32_R(10, ctr, key)</c>; the scalar reference that the vector path is tested against.</summary>
    internal static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            ulong product0 = (ulong)Multiplier0 * c0;
            ulong product1 = (ulong)Multiplier1 * c2;
            uint n0 = (uint)(product1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(product0 >> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (uint)product1;
            c2 = n2;
            c3 = (uint)product0;
            k0 += KeyBump0;
            k1 += KeyBump1;
        }

        return (c0, c1, c2, c3);
    }

    /// <summary>Block <paramref name="block"/> of <paramref name="stream"/> under <paramref name="key"/>.</summary>
    internal static (uint X0, uint X1, uint X2, uint X3) Block(ulong key, ulong stream, ulong block) =>
        Block((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32), (uint)key, (uint)(key >> 32));

    /// <summary>Blocks <c>block … block+7</c> in structure-of-arrays form: lane j of <paramref name="x0"/> is word 0
    /// of block <c>block+j</c>, and so on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Generate8(ulong block, in KeySchedule schedule, out Vector256<uint> x0, out Vector256<uint> x1,
        out Vector256<uint> x2, out Vector256<uint> x3)
    {
        if (Avx2.IsSupported)
        {
            Vector256<uint> first = Vector256.Create((uint)block);
            Vector256<uint> low = first + Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            // A lane whose low word wrapped around carries into the high word (LessThan gives all-ones = -1).
            Vector256<uint> high = Vector256.Create((uint)(block >> 32)) - Vector256.LessThan(low, first);
            Generate8(low, high, schedule, out x0, out x1, out x2, out x3);
        }
        else
        {
            Generate8Portable(block, schedule, out x0, out x1, out x2, out x3);
        }
    }

    /// <summary>Eight arbitrary blocks: lane j is block <c>blockLow[j] | blockHigh[j]≪32</c>, in the same
    /// structure-of-arrays form as <see cref="Generate8(ulong, in KeySchedule, out Vector256{uint}, out Vector256{uint},
    /// out Vector256{uint}, out Vector256{uint})"/>; used where the needed blocks are scattered (truncated-normal
    /// redraws).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Generate8(Vector256<uint> blockLow, Vector256<uint> blockHigh, in KeySchedule schedule,
        out Vector256<uint> x0, out Vector256<uint> x1, out Vector256<uint> x2, out Vector256<uint> x3)
    {
        if (Avx2.IsSupported)
        {
            Vector256<uint> c0 = blockLow;
            Vector256<uint> c1 = blockHigh;
            Vector256<uint> c2 = Vector256.Create(schedule.Stream0);
            Vector256<uint> c3 = Vector256.Create(schedule.Stream1);
            Vector256<uint> m0 = Vector256.Create(Multiplier0);
            Vector256<uint> m1 = Vector256.Create(Multiplier1);
            // Unrolled by hand: a rolled loop makes the JIT shuffle the four state registers every round.
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[0], schedule.RoundKeys[1]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[2], schedule.RoundKeys[3]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[4], schedule.RoundKeys[5]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[6], schedule.RoundKeys[7]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[8], schedule.RoundKeys[9]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[10], schedule.RoundKeys[11]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[12], schedule.RoundKeys[13]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[14], schedule.RoundKeys[15]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[16], schedule.RoundKeys[17]);
            Round(ref c0, ref c1, ref c2, ref c3, m0, m1, schedule.RoundKeys[18], schedule.RoundKeys[19]);

            x0 = c0;
            x1 = c1;
            x2 = c2;
            x3 = c3;
        }
        else
        {
            Generate8Portable(blockLow, blockHigh, schedule, out x0, out x1, out x2, out x3);
        }
    }

    /// <summary>Blocks <c>block … block+15</c>: the first eight in <paramref name="a0"/>…<paramref name="a3"/>, the
    /// next eight in <paramref name="b0"/>…<paramref name="b3"/>, each as in <see cref="Generate8(ulong, in KeySchedule,
    /// out Vector256{uint}, out Vector256{uint}, out Vector256{uint}, out Vector256{uint})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Generate16(ulong block, in KeySchedule schedule,
        out Vector256<uint> a0, out Vector256<uint> a1, out Vector256<uint> a2, out Vector256<uint> a3,
        out Vector256<uint> b0, out Vector256<uint> b1, out Vector256<uint> b2, out Vector256<uint> b3)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<uint> first = Vector512.Create((uint)block);
            Vector512<uint> low = first + Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            Vector512<uint> high = Vector512.Create((uint)(block >> 32)) - Vector512.LessThan(low, first);
            Generate16(low, high, schedule, out a0, out a1, out a2, out a3, out b0, out b1, out b2, out b3);
        }
        else
        {
            Generate8(block, schedule, out a0, out a1, out a2, out a3);
            Generate8(block + BlocksPerGroup, schedule, out b0, out b1, out b2, out b3);
        }
    }

    /// <summary>Sixteen arbitrary blocks, lane j being block <c>blockLow[j] | blockHigh[j]≪32</c>, returned as in
    /// <see cref="Generate16(ulong, in KeySchedule, out Vector256{uint}, out Vector256{uint}, out Vector256{uint},
    /// out Vector256{uint}, out Vector256{uint}, out Vector256{uint}, out Vector256{uint}, out Vector256{uint})"/>;
    /// used where the needed blocks are scattered (truncated-normal redraws).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Generate16(Vector512<uint> blockLow, Vector512<uint> blockHigh, in KeySchedule schedule,
        out Vector256<uint> a0, out Vector256<uint> a1, out Vector256<uint> a2, out Vector256<uint> a3,
        out Vector256<uint> b0, out Vector256<uint> b1, out Vector256<uint> b2, out Vector256<uint> b3)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<uint> c0 = blockLow;
            Vector512<uint> c1 = blockHigh;
            Vector512<uint> c2 = Vector512.Create(schedule.Stream0);
            Vector512<uint> c3 = Vector512.Create(schedule.Stream1);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[0], schedule.RoundKeys[1]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[2], schedule.RoundKeys[3]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[4], schedule.RoundKeys[5]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[6], schedule.RoundKeys[7]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[8], schedule.RoundKeys[9]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[10], schedule.RoundKeys[11]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[12], schedule.RoundKeys[13]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[14], schedule.RoundKeys[15]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[16], schedule.RoundKeys[17]);
            Round(ref c0, ref c1, ref c2, ref c3, schedule.RoundKeys[18], schedule.RoundKeys[19]);
            a0 = c0.GetLower();
            a1 = c1.GetLower();
            a2 = c2.GetLower();
            a3 = c3.GetLower();
            b0 = c0.GetUpper();
            b1 = c1.GetUpper();
            b2 = c2.GetUpper();
            b3 = c3.GetUpper();
        }
        else
        {
            Generate8(blockLow.GetLower(), blockHigh.GetLower(), schedule, out a0, out a1, out a2, out a3);
            Generate8(blockLow.GetUpper(), blockHigh.GetUpper(), schedule, out b0, out b1, out b2, out b3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector512<uint> c0, ref Vector512<uint> c1, ref Vector512<uint> c2, ref Vector512<uint> c3,
        uint k0, uint k1)
    {
        Vector512<uint> oddLanes = Vector512.Create(0xFFFFFFFF_00000000UL).AsUInt32();
        Vector512<uint> m0 = Vector512.Create(Multiplier0);
        Vector512<uint> m1 = Vector512.Create(Multiplier1);
        Vector512<ulong> even0 = Avx512F.Multiply(c0, m0);
        Vector512<ulong> odd0 = Avx512F.Multiply(Avx512F.ShiftRightLogical(c0.AsUInt64(), 32).AsUInt32(), m0);
        Vector512<ulong> even1 = Avx512F.Multiply(c2, m1);
        Vector512<ulong> odd1 = Avx512F.Multiply(Avx512F.ShiftRightLogical(c2.AsUInt64(), 32).AsUInt32(), m1);
        Vector512<uint> high0 = Vector512.ConditionalSelect(oddLanes, odd0.AsUInt32(), Avx512F.ShiftRightLogical(even0, 32).AsUInt32());
        Vector512<uint> low0 = Vector512.ConditionalSelect(oddLanes, Avx512F.ShiftLeftLogical(odd0, 32).AsUInt32(), even0.AsUInt32());
        Vector512<uint> high1 = Vector512.ConditionalSelect(oddLanes, odd1.AsUInt32(), Avx512F.ShiftRightLogical(even1, 32).AsUInt32());
        Vector512<uint> low1 = Vector512.ConditionalSelect(oddLanes, Avx512F.ShiftLeftLogical(odd1, 32).AsUInt32(), even1.AsUInt32());
        c0 = Avx512F.TernaryLogic(high1, c1, Vector512.Create(k0), 0x96);
        c1 = low1;
        c2 = Avx512F.TernaryLogic(high0, c3, Vector512.Create(k1), 0x96);
        c3 = low0;
    }

    internal static void Generate8Portable(ulong block, in KeySchedule schedule, out Vector256<uint> x0,
        out Vector256<uint> x1, out Vector256<uint> x2, out Vector256<uint> x3)
    {
        Span<uint> words = stackalloc uint[4 * BlocksPerGroup];
        for (int j = 0; j < BlocksPerGroup; j++)
        {
            var (w0, w1, w2, w3) = Block(schedule.Key, schedule.Stream, block + (ulong)j);
            words[j] = w0;
            words[BlocksPerGroup + j] = w1;
            words[2 * BlocksPerGroup + j] = w2;
            words[3 * BlocksPerGroup + j] = w3;
        }

        x0 = Vector256.Create<uint>(words[..8]);
        x1 = Vector256.Create<uint>(words[8..16]);
        x2 = Vector256.Create<uint>(words[16..24]);
        x3 = Vector256.Create<uint>(words[24..]);
    }

    internal static void Generate8Portable(Vector256<uint> blockLow, Vector256<uint> blockHigh, in KeySchedule schedule,
        out Vector256<uint> x0, out Vector256<uint> x1, out Vector256<uint> x2, out Vector256<uint> x3)
    {
        Span<uint> words = stackalloc uint[4 * BlocksPerGroup];
        for (int j = 0; j < BlocksPerGroup; j++)
        {
            ulong block = blockLow.GetElement(j) | ((ulong)blockHigh.GetElement(j) << 32);
            var (w0, w1, w2, w3) = Block(schedule.Key, schedule.Stream, block);
            words[j] = w0;
            words[BlocksPerGroup + j] = w1;
            words[2 * BlocksPerGroup + j] = w2;
            words[3 * BlocksPerGroup + j] = w3;
        }

        x0 = Vector256.Create<uint>(words[..8]);
        x1 = Vector256.Create<uint>(words[8..16]);
        x2 = Vector256.Create<uint>(words[16..24]);
        x3 = Vector256.Create<uint>(words[24..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector256<uint> c0, ref Vector256<uint> c1, ref Vector256<uint> c2, ref Vector256<uint> c3,
        Vector256<uint> m0, Vector256<uint> m1, uint k0, uint k1)
    {
        MultiplyHighLow(c0, m0, out Vector256<uint> high0, out Vector256<uint> low0);
        MultiplyHighLow(c2, m1, out Vector256<uint> high1, out Vector256<uint> low1);
        c0 = Xor3(high1, c1, Vector256.Create(k0));
        c1 = low1;
        c2 = Xor3(high0, c3, Vector256.Create(k1));
        c3 = low0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Xor3(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(a, b, c, 0x96) : a ^ b ^ c;

    /// <summary>32×32→64-bit products of every lane: vpmuludq multiplies the even lanes, so the odd lanes are
    /// shifted down for a second multiply and the halves are blended back into place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyHighLow(Vector256<uint> a, Vector256<uint> multiplier, out Vector256<uint> high,
        out Vector256<uint> low)
    {
        Vector256<ulong> even = Avx2.Multiply(a, multiplier);
        Vector256<ulong> odd = Avx2.Multiply(Avx2.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32(), multiplier);
        high = Avx2.Blend(Avx2.ShiftRightLogical(even, 32).AsUInt32(), odd.AsUInt32(), 0b1010_1010);
        low = Avx2.Blend(even.AsUInt32(), Avx2.ShiftLeftLogical(odd, 32).AsUInt32(), 0b1010_1010);
    }

    /// <summary>Turns four structure-of-arrays vectors (lane j = block j) into the stream's word order: on return
    /// <paramref name="v0"/> holds blocks 0–1, <paramref name="v1"/> blocks 2–3, <paramref name="v2"/> blocks 4–5 and
    /// <paramref name="v3"/> blocks 6–7, each block's four words consecutive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose4x8(ref Vector256<uint> v0, ref Vector256<uint> v1, ref Vector256<uint> v2,
        ref Vector256<uint> v3)
    {
        if (Avx2.IsSupported)
        {
            Vector256<uint> t0 = Avx2.UnpackLow(v0, v1);
            Vector256<uint> t1 = Avx2.UnpackHigh(v0, v1);
            Vector256<uint> t2 = Avx2.UnpackLow(v2, v3);
            Vector256<uint> t3 = Avx2.UnpackHigh(v2, v3);
            Vector256<uint> b04 = Avx2.UnpackLow(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
            Vector256<uint> b15 = Avx2.UnpackHigh(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
            Vector256<uint> b26 = Avx2.UnpackLow(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
            Vector256<uint> b37 = Avx2.UnpackHigh(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
            v0 = Avx2.Permute2x128(b04, b15, 0x20);
            v1 = Avx2.Permute2x128(b26, b37, 0x20);
            v2 = Avx2.Permute2x128(b04, b15, 0x31);
            v3 = Avx2.Permute2x128(b26, b37, 0x31);
        }
        else
        {
            Transpose4x8Portable(ref v0, ref v1, ref v2, ref v3);
        }
    }

    internal static void Transpose4x8Portable(ref Vector256<uint> v0, ref Vector256<uint> v1, ref Vector256<uint> v2,
        ref Vector256<uint> v3)
    {
        Span<uint> words = stackalloc uint[4 * BlocksPerGroup];
        for (int j = 0; j < BlocksPerGroup; j++)
        {
            words[4 * j] = v0.GetElement(j);
            words[4 * j + 1] = v1.GetElement(j);
            words[4 * j + 2] = v2.GetElement(j);
            words[4 * j + 3] = v3.GetElement(j);
        }

        v0 = Vector256.Create<uint>(words[..8]);
        v1 = Vector256.Create<uint>(words[8..16]);
        v2 = Vector256.Create<uint>(words[16..24]);
        v3 = Vector256.Create<uint>(words[24..]);
    }

    /// <summary>Key and stream of one generator with the ten round keys precomputed (the key is bumped by the Weyl
    /// constants before every round after the first).</summary>
    internal struct KeySchedule
    {
        public readonly ulong Key;
        public readonly ulong Stream;
        public readonly uint Stream0;
        public readonly uint Stream1;
        public RoundKeyArray RoundKeys;

        public KeySchedule(ulong key, ulong stream)
        {
            Key = key;
            Stream = stream;
            Stream0 = (uint)stream;
            Stream1 = (uint)(stream >> 32);
            uint k0 = (uint)key, k1 = (uint)(key >> 32);
            for (int round = 0; round < Rounds; round++)
            {
                RoundKeys[2 * round] = k0;
                RoundKeys[2 * round + 1] = k1;
                k0 += KeyBump0;
                k1 += KeyBump1;
            }
        }
    }

    [InlineArray(2 * Rounds)]
    internal struct RoundKeyArray
    {
        private uint _element;
    }
}
