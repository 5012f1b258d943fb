namespace Backprop.Data;

/// <summary>numpy's legacy <c>np.random.RandomState(seed)</c> for an integer seed, bit for bit: the MT19937
/// generator seeded by <c>init_genrand</c>, with the same draws as <c>random_sample</c>, <c>randint</c>,
/// <c>permutation</c> and <c>shuffle</c>. Keras's data splits and scikit-learn's <c>train_test_split</c> use it, so
/// Backprop reproduces their orders exactly.</summary>
public sealed class NumPyRandomState
{
    private const int StateLength = 624;
    private const int Period = 397;
    private readonly uint[] _state = new uint[StateLength];
    private int _position;

    /// <summary>Seeds like <c>np.random.RandomState(seed)</c> (0 ≤ seed &lt; 2^32).</summary>
    public NumPyRandomState(long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seed, uint.MaxValue);
        uint s = (uint)seed;
        for (int i = 0; i < StateLength; i++)
        {
            _state[i] = s;
            s = (1812433253u * (s ^ (s >> 30))) + (uint)(i + 1);
        }

        _position = StateLength;
    }

    /// <summary>The next 32-bit output of MT19937 (numpy's <c>mt19937_next32</c>).</summary>
    public uint NextUInt32()
    {
        if (_position == StateLength)
        {
            Generate();
        }

        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Two 32-bit outputs joined high word first (numpy's <c>mt19937_next64</c>).</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        return (high << 32) | NextUInt32();
    }

    /// <summary>A double in [0, 1) with 53 random bits: <c>np.random.RandomState.random_sample()</c>
    /// (a = next >> 5, b = next >> 6, (a·2^26 + b) / 2^53).</summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary><paramref name="count"/> draws of <see cref="RandomSample"/>: <c>rand(count)</c>.</summary>
    public double[] Rand(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = RandomSample();
        }

        return result;
    }

    /// <summary>An integer in [<paramref name="low"/>, <paramref name="high"/>): <c>randint(low, high)</c> with the
    /// default int64 dtype (legacy masked rejection sampling).</summary>
    public long RandInt(long low, long high)
    {
        if (high <= low)
        {
            throw new ArgumentException($"randint needs low < high; got low={low}, high={high}.");
        }

        ulong range = (ulong)(high - 1) - (ulong)low;
        return (long)((ulong)low + BoundedMasked(range));
    }

    /// <summary><paramref name="count"/> draws of <see cref="RandInt(long, long)"/>: <c>randint(low, high, size=count)</c>.</summary>
    public long[] RandInt(long low, long high, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new long[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = RandInt(low, high);
        }

        return result;
    }

    /// <summary>A random order of 0 … n−1: <c>permutation(n)</c> (an <c>arange(n)</c> shuffled).</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        int[] result = new int[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = i;
        }

        Shuffle<int>(result);
        return result;
    }

    /// <summary>Shuffles in place like <c>shuffle(x)</c> on a 1-d array: for i from n−1 down to 1, swap x[i] with
    /// x[j], j uniform in [0, i] (legacy <c>random_interval</c>).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i >= 1; i--)
        {
            int j = (int)Interval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>numpy's <c>random_interval(max)</c>: uniform in [0, max] by masked rejection.</summary>
    internal ulong Interval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        ulong mask = Mask(max);
        ulong value;
        if (max <= uint.MaxValue)
        {
            while ((value = NextUInt32() & mask) > max)
            {
            }
        }
        else
        {
            while ((value = NextUInt64() & mask) > max)
            {
            }
        }

        return value;
    }

    private ulong BoundedMasked(ulong range)
    {
        if (range == 0)
        {
            return 0;
        }

        if (range <= uint.MaxValue)
        {
            if (range == uint.MaxValue)
            {
                return NextUInt32();
            }

            uint mask = (uint)Mask(range);
            uint value;
            while ((value = NextUInt32() & mask) > range)
            {
            }

            return value;
        }

        if (range == ulong.MaxValue)
        {
            return NextUInt64();
        }

        ulong mask64 = Mask(range);
        ulong v;
        while ((v = NextUInt64() & mask64) > range)
        {
        }

        return v;
    }

    private static ulong Mask(ulong max)
    {
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        return mask;
    }

    private void Generate()
    {
        const uint upper = 0x80000000u;
        const uint lower = 0x7fffffffu;
        const uint matrix = 0x9908b0dfu;
        int i = 0;
        for (; i < StateLength - Period; i++)
        {
            uint y = (_state[i] & upper) | (_state[i + 1] & lower);
            _state[i] = _state[i + Period] ^ (y >> 1) ^ ((y & 1) == 0 ? 0u : matrix);
        }

        for (; i < StateLength - 1; i++)
        {
            uint y = (_state[i] & upper) | (_state[i + 1] & lower);
            _state[i] = _state[i + Period - StateLength] ^ (y >> 1) ^ ((y & 1) == 0 ? 0u : matrix);
        }

        uint last = (_state[StateLength - 1] & upper) | (_state[0] & lower);
        _state[StateLength - 1] = _state[Period - 1] ^ (last >> 1) ^ ((last & 1) == 0 ? 0u : matrix);
        _position = 0;
    }
}
