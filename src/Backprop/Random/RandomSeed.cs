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

    /// <summary>Where both library-wide streams are (seed, stream, position): save it with a checkpoint and put it
    /// back with <see cref="SetState"/> to continue exactly where a run was (PyTorch's
    /// <c>torch.get_rng_state()</c>).</summary>
    public static RandomSeedState GetState()
    {
        RandomState initializers, seeds;
        lock (s_initializerLock)
        {
            initializers = s_initializerValues.State;
        }

        lock (s_seedLock)
        {
            seeds = s_seeds.State;
        }

        return new RandomSeedState(initializers, seeds);
    }

    /// <summary>Moves both library-wide streams to a state from <see cref="GetState"/> (PyTorch's
    /// <c>torch.set_rng_state()</c>).</summary>
    public static void SetState(RandomSeedState state)
    {
        lock (s_initializerLock)
        {
            s_initializerValues = new RandomGenerator(state.Initializers);
        }

        lock (s_seedLock)
        {
            s_seeds = new RandomGenerator(state.Seeds);
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

/// <summary>The positions of <see cref="RandomSeed"/>'s two streams: the unseeded initialisers' values and the seeds
/// handed to components created without one.</summary>
public readonly record struct RandomSeedState(RandomState Initializers, RandomState Seeds);

/// <summary>Something that draws from a random stream of its own while it runs (Dropout's masks): its position can
/// be read and set, so a checkpoint can resume the stream exactly (Keras 3 saves a layer's SeedGenerator state with
/// it).</summary>
public interface IRandomStateOwner
{
    /// <summary>The stream's seed, stream id and position; setting it jumps there.</summary>
    RandomState RandomState { get; set; }
}
