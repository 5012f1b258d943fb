namespace Backprop.Training;

/// <summary>Seeded Fisher–Yates shuffles whose result depends only on (seed, stream), never on threads or time.</summary>
internal static class Shuffling
{
    public static void Shuffle(Span<int> values, ulong seed, ulong stream)
    {
        var state = Mix(seed ^ Mix(stream + 0x9E3779B97F4A7C15UL));
        for (int i = values.Length - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            int j = (int)(((UInt128)Mix(state) * (uint)(i + 1)) >> 64);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

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
