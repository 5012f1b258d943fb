namespace Backprop.Tests.TestSupport;

/// <summary>Bytes a piece of code allocates on the calling thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// A collection that runs meanwhile, started by another test beside this one, retires this thread's allocation
/// context and adds its unused rest (up to about 8 KB that nothing allocated) to that count. A background (concurrent)
/// gen-2 collection does so at its start without changing any <see cref="GC.CollectionCount"/> until it ends, so a
/// crossed measurement cannot be recognised; it is taken again instead. Warm code that allocates does so on every
/// run, so the least of a few runs still shows it, while a stray count needs every run crossed.</summary>
internal static class Allocations
{
    private const int Attempts = 5;

    /// <summary>The least number of bytes <paramref name="action"/> allocated on this thread over up to five runs
    /// (stopping at the first that allocated nothing).</summary>
    public static long By(Action action)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < Attempts && least > 0; attempt++)
        {
            least = Math.Min(least, Once(action));
        }

        return least;
    }

    /// <summary>Bytes one run of <paramref name="action"/> allocated on this thread, strays included (for a test
    /// that can measure a first call only once and sets up a new one to measure again).</summary>
    public static long Once(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
