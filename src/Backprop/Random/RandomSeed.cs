namespace Backprop.Random;

/// <summary>The one switch that makes a whole run reproducible, as Keras's
/// <c>keras.utils.set_random_seed(seed)</c>: after <c>RandomSeed.Set(42)</c>, the same program draws the same
/// initial weights (every unseeded initialiser), the same Fit shuffling orders (when Fit and the model have no
/// seed of their own) and the same Dropout masks (every Dropout created without a seed), at any thread count.
/// <para>Seeds are handed out in the order they are asked for — layer construction, initialisation, each Fit
/// call — so the same program order gives the same run. Explicit seeds (<c>Dropout(seed:)</c>,
/// <c>Fit(seed:)</c>, <c>Sequential.Seed</c>, a seeded initialiser) keep taking precedence.</para>
/// <para>It owns two library-wide streams of the seed: stream 0, which unseeded initialisers draw their values
/// from, and stream 1, which hands out seeds to components created without one.</para></summary>
public static class RandomSeed
{
    private static readonly Lock s_initializerLock = new();
    private static readonly Lock s_seedLock = new();
    private static RandomGenerator s_initializerValues = RandomGenerator.CreateUnseeded();
    private static RandomGenerator s_seeds = RandomGenerator.CreateUnseeded();

    /// <summary>Seeds every library-wide random source: the initialisers' stream and the stream that seeds Fit
    /// shuffling and Dropout masks. Keras <c>keras.utils.set_random_seed</c>; PyTorch <c>torch.manual_seed</c>.</summary>
    public static void Set(ulong seed)
    {
        lock (s_initializerLock)
        {
            s_initializerValues = new RandomGenerator(seed, stream: 0);
        }

        lock (s_seedLock)
        {
            s_seeds = new RandomGenerator(seed, stream: 1);
        }
    }

    /// <summary>A seed for a component created without one: the next value of the seeded stream after
    /// <see cref="Set"/>, else from an unseeded stream.</summary>
    internal static ulong NextSeed()
    {
        lock (s_seedLock)
        {
            return s_seeds.NextUInt64();
        }
    }

    /// <summary>Enters the initialisers' shared stream (stream 0) for one draw: unseeded initialisers continue one
    /// reproducible sequence, one caller at a time. Dispose the returned scope to leave it.</summary>
    internal static Lock.Scope EnterInitializerStream(out RandomGenerator generator)
    {
        var scope = s_initializerLock.EnterScope();
        generator = s_initializerValues;
        return scope;
    }
}
