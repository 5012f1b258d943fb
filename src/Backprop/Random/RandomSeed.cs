namespace Backprop.Random;

/// <summary>The one switch that makes a whole run reproducible, as Keras's
/// <c>keras.utils.set_random_seed(seed)</c>: after <c>RandomSeed.Set(42)</c>, the same program draws the same
/// initial weights (every unseeded initialiser), the same Fit shuffling orders (when Fit and the model have no
/// seed of their own) and the same Dropout masks (every Dropout created without a seed), at any thread count.
/// <para>Seeds are handed out in the order they are asked for — layer construction, initialisation, each Fit
/// call — so the same program order gives the same run. Explicit seeds (<c>Dropout(seed:)</c>,
/// <c>Fit(seed:)</c>, <c>Sequential.Seed</c>, a seeded initialiser) keep taking precedence.</para></summary>
public static class RandomSeed
{
    private static readonly Lock s_lock = new();

    // Stream 1 of the seed: independent of the initialisers' stream 0 (InitializerRandom.SetGlobalSeed).
    private static RandomGenerator s_seeds = RandomGenerator.CreateUnseeded();

    /// <summary>Seeds every library-wide random source: the initialisers' stream and the stream that seeds Fit
    /// shuffling and Dropout masks. Keras <c>keras.utils.set_random_seed</c>; PyTorch <c>torch.manual_seed</c>.</summary>
    public static void Set(ulong seed)
    {
        Initializers.InitializerRandom.SetGlobalSeed(seed);
        lock (s_lock)
        {
            s_seeds = new RandomGenerator(seed, stream: 1);
        }
    }

    /// <summary>A seed for a component created without one: the next value of the seeded stream after
    /// <see cref="Set"/>, else from an unseeded stream.</summary>
    internal static ulong NextSeed()
    {
        lock (s_lock)
        {
            return s_seeds.NextUInt64();
        }
    }
}
