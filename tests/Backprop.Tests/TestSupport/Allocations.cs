namespace Backprop.Tests.TestSupport;

/// <summary>Bytes a piece of code allocates on the calling thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// A collection run meanwhile, by another test beside this one, adds the unused rest of the thread's allocation
/// context to that count (a few KB that nothing allocated), so a measurement a collection crossed is taken again;
/// code that allocates still shows it in every measurement.</summary>
internal static class Allocations
{
    private const int Attempts = 5;

    /// <summary>Bytes <paramref name="action"/> allocated on this thread, from the first of up to five runs that no
    /// collection crossed (the last run's count when every one was crossed).</summary>
    public static long By(Action action)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (TryMeasure(action, out long allocated) || attempt == Attempts)
            {
                return allocated;
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> once and gives the bytes it allocated on this thread; false when a
    /// collection crossed the run, so that the count says nothing (for a test that can only measure a first call
    /// once, and has to set up a new one to measure again).</summary>
    public static bool TryMeasure(Action action, out long allocated)
    {
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return GC.CollectionCount(0) == collections;
    }
}
