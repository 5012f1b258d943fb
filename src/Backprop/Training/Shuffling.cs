namespace Backprop.Training;

/// <summary>A tiny SplitMix64 stream for test-vector directions (gradient checks); weights, shuffling and dropout
/// use <see cref="Random.RandomGenerator"/>.</summary>
internal static class Shuffling
{
    /// <summary>A uniform double in [0, 1) from a SplitMix64 stream.</summary>
    public static double NextDouble(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return (Mix(state) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>SplitMix64's finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
