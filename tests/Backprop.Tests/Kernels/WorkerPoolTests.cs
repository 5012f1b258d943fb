using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

[Collection(nameof(ThreadCountCollection))]
public class WorkerPoolTests
{
    private sealed class CountingWork(int parts) : IParallelWork
    {
        public readonly int[] Runs = new int[parts];
        public int SeenParts = -1;
        public int FailPart = -1;
        public int SpinPart = -1;

        public void Execute(int part, int parts)
        {
            SeenParts = parts;
            Interlocked.Increment(ref Runs[part]);
            if (part == SpinPart)
            {
                Thread.SpinWait(20_000);
            }

            if (part == FailPart)
            {
                throw new InvalidOperationException($"part {part} failed");
            }
        }
    }

    /// <summary>Every part runs exactly once, whoever claims it, over many back-to-back calls of different sizes
    /// (workers spinning, parked, or waking late into a later call).</summary>
    [Fact]
    public void EveryPartRunsExactlyOnce()
    {
        var random = new System.Random(3);
        for (int call = 0; call < 3000; call++)
        {
            int parts = 1 + random.Next(4); // at most the 3 workers other tests also start (pool growth allocates)
            var work = new CountingWork(parts) { SpinPart = random.Next(8) };
            WorkerPool.Run(work, parts);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
            Assert.Equal(parts, work.SeenParts);
            if (call % 500 == 0)
            {
                Thread.Sleep(2); // let the workers park, so later calls wake them
            }
        }
    }

    [Fact]
    public void AFailingPartIsRethrownAfterEveryOtherPartRan()
    {
        for (int failing = 0; failing < 3; failing++)
        {
            var work = new CountingWork(3) { FailPart = failing };
            var error = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(work, 3));
            Assert.Equal($"part {failing} failed", error.Message);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        }

        // The pool is usable afterwards.
        var next = new CountingWork(2);
        WorkerPool.Run(next, 2);
        Assert.All(next.Runs, runs => Assert.Equal(1, runs));
    }

    /// <summary>Calls from several threads at once: one gets the workers, the others run their parts themselves.</summary>
    [Fact]
    public async Task ConcurrentCallersAllComplete()
    {
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int call = 0; call < 500; call++)
            {
                var work = new CountingWork(3);
                WorkerPool.Run(work, 3);
                Assert.All(work.Runs, runs => Assert.Equal(1, runs));
            }
        })).ToArray();
        await Task.WhenAll(tasks);
    }
}
