using Backprop.Random;

namespace Backprop.Data;

/// <summary>The pipeline's own seeded generator: xoshiro256** (Blackman and Vigna) seeded through SplitMix64,
/// drawing bounded integers with Lemire's unbiased multiply-and-reject method. A struct so that a shuffle can
/// reseed it each epoch without allocating. It only orders data; it is not meant for weights or dropout.</summary>
internal struct ShuffleRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public ShuffleRandom(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64.Next(ref state);
        _s1 = SplitMix64.Next(ref state);
        _s2 = SplitMix64.Next(ref state);
        _s3 = SplitMix64.Next(ref state);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), exactly uniform (no modulo bias).</summary>
    public int NextInt(int bound)
    {
        ulong n = (ulong)bound;
        ulong high = Math.BigMul(NextUInt64(), n, out ulong low);
        if (low < n)
        {
            ulong threshold = (0 - n) % n;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), n, out low);
            }
        }

        return (int)high;
    }

    /// <summary>Derives the seed of epoch <paramref name="epoch"/> from a base seed, so that consecutive epochs
    /// get unrelated orders while the whole run stays reproducible.</summary>
    public static ulong DeriveSeed(ulong baseSeed, long epoch)
    {
        ulong state = baseSeed ^ ((ulong)epoch * 0xD1B54A32D192ED03UL);
        return SplitMix64.Next(ref state);
    }
}
