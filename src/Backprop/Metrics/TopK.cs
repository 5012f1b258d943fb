using System.Numerics;

namespace Backprop.Metrics;

internal static class TopK
{
    public static int Validate(int k) =>
        k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");

    /// <summary>True when fewer than k scores are strictly greater than the target's (Keras's in_top_k).</summary>
    public static bool Contains<T>(ReadOnlySpan<T> scores, int target, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T value = scores[target];
        if (T.IsNaN(value))
        {
            return false;
        }

        int above = 0;
        foreach (T score in scores)
        {
            if (score > value && ++above >= k)
            {
                return false;
            }
        }

        return true;
    }
}
