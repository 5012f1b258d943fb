namespace Backprop.Tests.TestSupport;

/// <summary>The allocation counter the "allocates nothing" tests rely on sees an allocation, through collections too.</summary>
public class AllocationsTests
{
    [Fact]
    public void An_allocation_is_counted_and_nothing_counts_as_nothing()
    {
        object? kept = null;
        Assert.InRange(Allocations.By(() => kept = new byte[1000]), 1000, 1200);
        Assert.Equal(0, Allocations.By(() => { }));

        // An action that itself allocates enough to collect is still counted, from the last of its runs.
        Assert.True(Allocations.By(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                kept = new byte[10_000];
            }
        }) >= 2000 * 10_000);
        GC.KeepAlive(kept);
    }
}
