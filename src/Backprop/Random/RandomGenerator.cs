using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Random;

/// <summary>Backprop's reproducible random numbers: Philox4x32-10 (Random123), a counter-based generator. Word i of
/// a stream is a pure function of (seed, stream, i), so the generator can skip ahead in O(1), and the vectorised,
/// multithreaded fills give bit-identical results at any <see cref="Kernels.Parallelism.ThreadCount"/>.
/// <para>Streams are versioned with the library: the algorithm, the mapping from words to floats and the
/// Box–Muller polynomials are pinned by golden files in the tests, so a change to any of them is a breaking change
/// that those tests catch. The results never depend on the .NET version, the OS or the CPU (no C runtime math).</para>
/// <para>Consumption: the scalar methods take consecutive 32-bit words (<see cref="NextUInt32"/> one,
/// <see cref="NextUInt64"/> and <see cref="NextDouble"/> two, <see cref="NextNormal()"/> four). A fill starts at the
/// next 128-bit block boundary and consumes whole blocks: one word per value for float uniform/normal and all
/// Bernoulli fills, two words per value for double uniform/normal fills.</para>
/// Not thread-safe: give each thread its own generator via <see cref="Split"/>.
/// PyTorch: <c>torch.Generator().manual_seed(seed)</c>; NumPy: <c>np.random.Generator(np.random.Philox(...))</c>
/// (NumPy's Philox is the 4x64 variant, so the numbers differ).</summary>
public sealed partial class RandomGenerator
{
    private Philox.KeySchedule _schedule;
    private ulong _position;
    private ulong _cachedBlock = ulong.MaxValue;
    private uint _word0, _word1, _word2, _word3;

    /// <summary>A generator on stream 0 of <paramref name="seed"/>, at position 0.</summary>
    public RandomGenerator(ulong seed)
        : this(seed, 0)
    {
    }

    /// <summary>A generator on stream <paramref name="stream"/> of <paramref name="seed"/>, at position 0. Different
    /// streams of one seed never overlap (they are different Philox counters).</summary>
    public RandomGenerator(ulong seed, ulong stream)
    {
        _schedule = new Philox.KeySchedule(seed, stream);
    }

    /// <summary>A generator resumed from a saved <see cref="State"/>.</summary>
    public RandomGenerator(RandomState state)
    {
        _schedule = new Philox.KeySchedule(state.Seed, state.Stream);
        _position = state.Position;
    }

    /// <summary>A generator with a seed from the operating system's entropy source (not reproducible): 64 bits of
    /// <see cref="System.Random.Shared"/>, which .NET seeds from the operating system for each thread. (Not from
    /// <c>RandomNumberGenerator</c>: a seed needs no cryptographic strength, and loading the cryptography library took
    /// 20–34 ms of a fresh process, against about 1 ms.)</summary>
    public static RandomGenerator CreateUnseeded()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Random.Shared.NextBytes(bytes);
        return new RandomGenerator(BitConverter.ToUInt64(bytes));
    }

    /// <summary>The seed (Philox key) of this generator.</summary>
    public ulong Seed => _schedule.Key;

    /// <summary>The stream id (upper half of the Philox counter).</summary>
    public ulong Stream => _schedule.Stream;

    /// <summary>Position in 32-bit words from the start of the stream.</summary>
    public ulong Position => _position;

    /// <summary>Seed, stream and position; setting it jumps to that point of that stream.</summary>
    public RandomState State
    {
        get => new(_schedule.Key, _schedule.Stream, _position);
        set
        {
            _schedule = new Philox.KeySchedule(value.Seed, value.Stream);
            _position = value.Position;
            _cachedBlock = ulong.MaxValue;
        }
    }

    /// <summary>Moves <paramref name="words"/> 32-bit words forward (backward if negative) in O(1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The move would go before the start of the stream.</exception>
    public void Skip(long words)
    {
        if (words < 0 && (ulong)(-words) > _position)
        {
            throw new ArgumentOutOfRangeException(nameof(words), words,
                $"Cannot skip back {-words} words from position {_position}: before the start of the stream.");
        }

        _position = unchecked(_position + (ulong)words);
    }

    /// <summary>An independent generator for stream id <paramref name="streamId"/>, derived from this generator's
    /// seed and stream without advancing it: <c>Split(k)</c> always gives the same child. Use it for per-layer
    /// initialisers, dropout masks, data shuffling (JAX's <c>random.fold_in</c>).</summary>
    public RandomGenerator Split(ulong streamId) =>
        new(_schedule.Key, StreamDerivation.Derive(_schedule.Key, _schedule.Stream, streamId));

    /// <summary>A new independent generator whose stream id is drawn from this one (advances this generator by two
    /// words), like <c>jax.random.split</c> / NumPy's <c>Generator.spawn</c>.</summary>
    public RandomGenerator Fork() => Split(NextUInt64());

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        ulong block = _position >> 2;
        if (block != _cachedBlock)
        {
            (_word0, _word1, _word2, _word3) = Philox.Block(_schedule.Key, _schedule.Stream, block);
            _cachedBlock = block;
        }

        uint word = (_position & 3) switch
        {
            0 => _word0,
            1 => _word1,
            2 => _word2,
            _ => _word3,
        };
        _position++;
        return word;
    }

    /// <summary>The next 64 random bits: the first word is the low half.</summary>
    public ulong NextUInt64()
    {
        uint low = NextUInt32();
        return low | ((ulong)NextUInt32() << 32);
    }

    /// <summary>Uniform on [0, 1) with 53 random bits: <c>(NextUInt64() ≫ 11)·2⁻⁵³</c>.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1L << 53));

    /// <summary>Uniform on [0, 1) with 24 random bits: <c>(NextUInt32() ≫ 8)·2⁻²⁴</c>.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), exactly unbiased (Lemire's multiply-shift
    /// with rejection, "Fast random integer generation in an interval", 2019).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The exclusive upper bound must be positive.");
        }

        return (int)NextBounded((uint)maxExclusive);
    }

    /// <summary>Uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>), unbiased.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty.</exception>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        if (maxExclusive <= minInclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive,
                $"The exclusive upper bound must exceed the lower bound {minInclusive}.");
        }

        return (int)(minInclusive + NextBounded((uint)((long)maxExclusive - minInclusive)));
    }

    private uint NextBounded(uint range)
    {
        ulong product = (ulong)NextUInt32() * range;
        uint low = (uint)product;
        if (low < range)
        {
            uint threshold = (0u - range) % range;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * range;
                low = (uint)product;
            }
        }

        return (uint)(product >> 32);
    }

    /// <summary>A standard normal double (Box–Muller on two 53-bit uniforms, consuming four words); equals the first
    /// value of <c>FillNormal&lt;double&gt;</c> started at the same block-aligned position.</summary>
    public double NextNormal()
    {
        ulong radius = NextUInt64();
        return BoxMuller.Pair(radius, NextUInt64()).First;
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public double NextNormal(double mean, double standardDeviation) => mean + standardDeviation * NextNormal();

    /// <summary>Shuffles <paramref name="values"/> in place, every permutation equally likely (Fisher–Yates with
    /// unbiased indices; <c>random.shuffle</c> / <c>np.random.Generator.shuffle</c>).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        // The same words, and so the same permutation, as NextBounded would draw one at a time, but generated
        // eight blocks at once (Fit reshuffles every epoch, and block by block the generator cost more than the
        // swaps).
        Span<uint> words = stackalloc uint[ShuffleBufferWords];
        int next = words.Length;
        for (int i = values.Length - 1; i > 0; i--)
        {
            uint range = (uint)i + 1;
            ulong product = (ulong)TakeWord(words, ref next) * range;
            uint low = (uint)product;
            if (low < range)
            {
                uint threshold = (0u - range) % range;
                while (low < threshold)
                {
                    product = (ulong)TakeWord(words, ref next) * range;
                    low = (uint)product;
                }
            }

            int j = (int)(product >> 32);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private const int ShuffleBufferWords = 32;

    /// <summary>The next word for <see cref="Shuffle{T}"/>: word <see cref="_position"/> of the stream, from
    /// <paramref name="words"/> (which holds words up to the end of an eight-block run) or a refill of it.</summary>
    // Optimised from its first call: Shuffle itself is (its stackalloc keeps it off tier 0), and at tier 0 this
    // call, made once per shuffled value, cost a fresh process's second Boston Fit about 2%.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private uint TakeWord(Span<uint> words, ref int next)
    {
        if (next == words.Length)
        {
            // Blocks b … b+7 from the block holding the current position; skip its words already used.
            ulong block = _position >> 2;
            Philox.Generate8(block, _schedule, out var x0, out var x1, out var x2, out var x3);
            for (int j = 0; j < 8; j++)
            {
                words[4 * j] = x0.GetElement(j);
                words[4 * j + 1] = x1.GetElement(j);
                words[4 * j + 2] = x2.GetElement(j);
                words[4 * j + 3] = x3.GetElement(j);
            }

            next = (int)(_position & 3);
        }

        _position++;
        return words[next++];
    }

    /// <summary>A uniformly random permutation of 0 … n−1 (<c>np.random.Generator.permutation(n)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var permutation = new int[n];
        Permutation(permutation);
        return permutation;
    }

    /// <summary>Writes a uniformly random permutation of 0 … length−1 into <paramref name="destination"/> without
    /// allocating (for per-epoch shuffles).</summary>
    public void Permutation(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = i;
        }

        Shuffle(destination);
    }

    /// <summary>Reserves the blocks for a fill of <paramref name="values"/> values at
    /// <paramref name="valuesPerBlock"/> per block and returns the first block.</summary>
    private ulong TakeBlocks(long values, int valuesPerBlock)
    {
        ulong first = (_position + 3) >> 2;
        ulong blocks = ((ulong)values + (ulong)valuesPerBlock - 1) / (ulong)valuesPerBlock;
        _position = (first + blocks) << 2;
        return first;
    }

    private static void ThrowUnsupported<T>() =>
        throw new NotSupportedException($"Random fills support float and double, not {typeof(T).Name}.");

    private static bool IsSupported<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    private static void ThrowIfNotFinite<T>(T value, string name)
        where T : IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite.");
        }
    }
}
