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
            int collections = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (GC.CollectionCount(0) == collections || attempt == Attempts)
            {
                return allocated;
            }
        }
    }
}
