namespace Backprop.Random;

/// <summary>SplitMix64 (Steele, Lea and Flood): a tiny 64-bit stream kept in one <c>ulong</c> of the caller's. It
/// seeds the data pipeline's shuffling generator and draws the test directions of gradient checks; weights,
/// Fit's shuffling and dropout use <see cref="RandomGenerator"/>.</summary>
internal static class SplitMix64
{
    /// <summary>The next 64 bits of the stream whose state is <paramref name="state"/>.</summary>
    public static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits of <see cref="Next"/>.</summary>
    public static double NextDouble(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
}
