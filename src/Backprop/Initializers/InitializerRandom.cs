using System.Numerics;
using Backprop.Random;

namespace Backprop.Initializers;

/// <summary>The random source of the random initialisers: Backprop's Philox generator, whose vectorised,
/// multithreaded fills give the same bits at any thread count. A seeded initialiser starts a fresh stream from its
/// seed on every call (Keras 3: "a seeded initializer will produce the same random values across multiple calls");
/// an unseeded one draws from the library-wide stream that <see cref="RandomSeed"/> owns and
/// <see cref="RandomSeed.Set"/> makes reproducible.</summary>
internal static class InitializerRandom
{
    internal static void Uniform<T>(Span<T> destination, double low, double high, int? seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Draw(destination, low, high, seed, static (g, d, a, b) => g.FillUniform(d, a, b));

    internal static void Normal<T>(Span<T> destination, double mean, double standardDeviation, int? seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Draw(destination, mean, standardDeviation, seed, static (g, d, a, b) => g.FillNormal(d, a, b));

    /// <summary>Normal values redrawn until within two standard deviations of the mean (TensorFlow's and Keras's
    /// <c>truncated_normal</c>); the resulting standard deviation is 0.87962566103423978·σ.</summary>
    internal static void TruncatedNormal<T>(Span<T> destination, double mean, double standardDeviation, int? seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Draw(destination, mean, standardDeviation, seed, static (g, d, a, b) => g.FillTruncatedNormal(d, a, b));

    internal static double[] NormalMatrix(int count, int? seed)
    {
        var values = new double[count];
        Normal<double>(values, 0, 1, seed);
        return values;
    }

    private delegate void Fill<T>(RandomGenerator generator, Span<T> destination, T first, T second);

    /// <summary>A seeded draw starts a fresh stream from the seed; an unseeded one continues the shared stream.</summary>
    private static void Draw<T>(Span<T> destination, double first, double second, int? seed, Fill<T> fill) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateTruncating(first), b = T.CreateTruncating(second);
        if (seed is { } s)
        {
            fill(new RandomGenerator(unchecked((ulong)s)), destination, a, b);
            return;
        }

        using (RandomSeed.EnterInitializerStream(out var shared))
        {
            fill(shared, destination, a, b);
        }
    }
}
