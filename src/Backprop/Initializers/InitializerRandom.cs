using System.Numerics;

namespace Backprop.Initializers;

/// <summary>The random source of the random initialisers. A seeded initialiser starts a fresh stream from its seed on
/// every call (Keras 3: "a seeded initializer will produce the same random values across multiple calls"); an
/// unseeded one draws from the library-wide stream, which <see cref="SetGlobalSeed"/> makes reproducible.
/// Values are generated in double and rounded to the tensor's type, so a float32 and a float64 model with the same
/// seed start from the same weights up to rounding.</summary>
public static class InitializerRandom
{
    private static readonly Lock s_lock = new();
    private static Xoshiro256 s_global = Xoshiro256.FromSeed((ulong)Environment.TickCount64 ^ 0x9E3779B97F4A7C15UL);

    /// <summary>Reseeds the stream unseeded initialisers draw from (Keras <c>keras.utils.set_random_seed</c>).</summary>
    public static void SetGlobalSeed(ulong seed)
    {
        lock (s_lock)
        {
            s_global = Xoshiro256.FromSeed(seed);
        }
    }

    internal static void Uniform<T>(Span<T> destination, double low, double high, int? seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Fill(destination, seed, (ref Xoshiro256 g) => low + (high - low) * g.NextDouble());

    internal static void Normal<T>(Span<T> destination, double mean, double standardDeviation, int? seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Fill(destination, seed, (ref Xoshiro256 g) => mean + standardDeviation * g.NextNormal());

    /// <summary>Normal values redrawn until within two standard deviations of the mean (TensorFlow's and Keras's
    /// <c>truncated_normal</c>); the resulting standard deviation is 0.87962566103423978·σ.</summary>
    internal static void TruncatedNormal<T>(Span<T> destination, double mean, double standardDeviation, int? seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Fill(destination, seed, (ref Xoshiro256 g) =>
        {
            double z;
            do
            {
                z = g.NextNormal();
            }
            while (Math.Abs(z) > 2);

            return mean + standardDeviation * z;
        });

    internal static double[] NormalMatrix(int count, int? seed)
    {
        var values = new double[count];
        Normal<double>(values, 0, 1, seed);
        return values;
    }

    private delegate double Sampler(ref Xoshiro256 generator);

    private static void Fill<T>(Span<T> destination, int? seed, Sampler sample) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (seed is { } s)
        {
            var generator = Xoshiro256.FromSeed(unchecked((ulong)s));
            FillFrom(destination, ref generator, sample);
            return;
        }

        lock (s_lock)
        {
            FillFrom(destination, ref s_global, sample);
        }
    }

    private static void FillFrom<T>(Span<T> destination, ref Xoshiro256 generator, Sampler sample) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = T.CreateTruncating(sample(ref generator));
        }
    }

    /// <summary>xoshiro256** (Blackman–Vigna) seeded through SplitMix64, with Box–Muller normals.</summary>
    private struct Xoshiro256
    {
        private ulong _s0;
        private ulong _s1;
        private ulong _s2;
        private ulong _s3;
        private double _spareNormal;
        private bool _hasSpare;

        public static Xoshiro256 FromSeed(ulong seed)
        {
            ulong x = seed;
            return new Xoshiro256 { _s0 = SplitMix(ref x), _s1 = SplitMix(ref x), _s2 = SplitMix(ref x), _s3 = SplitMix(ref x) };
        }

        public ulong NextUInt64()
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>Uniform on [0, 1) with 53 bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        public double NextNormal()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spareNormal;
            }

            double u1 = 1.0 - NextDouble(); // (0, 1]: log stays finite
            double u2 = NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            double angle = 2.0 * Math.PI * u2;
            _spareNormal = radius * Math.Sin(angle);
            _hasSpare = true;
            return radius * Math.Cos(angle);
        }

        private static ulong SplitMix(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
