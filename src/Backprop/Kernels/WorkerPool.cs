using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Backprop.Kernels;

/// <summary>A unit of parallel work split into a fixed number of parts; part <c>i</c> always covers the same
/// data whichever thread runs it, so results never depend on scheduling.</summary>
internal interface IParallelWork
{
    void Execute(int part, int parts);
}

/// <summary>Persistent worker threads for the kernels. The caller runs part 0 itself while the workers run the
/// others; idle workers spin for a short while (a fork/join then costs well under a microsecond) and then park
/// on a semaphore so they use no CPU between bursts. <c>Parallel.For</c> costs 2.5–100 µs per call here,
/// more than a whole small GEMM. Calls from two threads at once, or from inside a part, run sequentially on
/// the caller instead of waiting, which gives the same results.</summary>
internal static class WorkerPool
{
    // About 50 µs of spinning before parking: long enough to cover the gap between the GEMMs of one
    // training step, short enough not to steal a core from other processes for long.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 20_000;

    private static readonly Lock s_growLock = new();
    private static Worker[] s_workers = [];
    private static int s_busy;

    private static IParallelWork? s_work;
    private static int s_parts;
    private static int s_pending;
    private static ExceptionDispatchInfo? s_failure;

    /// <summary>Runs <c>work.Execute(i, parts)</c> for every part i in [0, parts) and returns when all are done.
    /// Allocation-free once the workers exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(IParallelWork work, int parts)
    {
        if (parts <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < parts; i++)
            {
                work.Execute(i, parts);
            }

            return;
        }

        try
        {
            Worker[] workers = EnsureWorkers(parts - 1);
            s_work = work;
            s_parts = parts;
            s_failure = null;
            Volatile.Write(ref s_pending, parts - 1);
            for (int w = 0; w < parts - 1; w++)
            {
                workers[w].Start();
            }

            try
            {
                work.Execute(0, parts);
            }
            finally
            {
                WaitForWorkers();
            }

            s_work = null;
            s_failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of <paramref name="count"/> whole units (tiles,
    /// row blocks, images…), as even as whole units allow: the units [First, Last). The same for any thread that
    /// runs the part, so partitions never depend on scheduling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int First, int Last) PartRange(int count, int part, int parts) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of a span of <paramref name="length"/>
    /// elements of <typeparamref name="T"/>, in whole 64-byte cache lines (so two threads never write the same line):
    /// the elements [First, Last), empty for a part with nothing left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe (int First, int Last) CacheLineRange<T>(int length, int part, int parts)
        where T : unmanaged
    {
        int line = Math.Max(1, 64 / sizeof(T));
        long lines = (length + (long)line - 1) / line;
        int first = (int)Math.Min(length, lines * part / parts * line);
        int last = (int)Math.Min(length, lines * (part + 1) / parts * line);
        return (first, Math.Max(first, last));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WaitForWorkers()
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref s_pending) != 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Starts workers now, so that up to <paramref name="count"/> + 1 parts run without creating any later:
    /// setting <see cref="Parallelism.ThreadCount"/> calls this, so the threads are made (and allocated) on the
    /// thread that asked for them, never inside another thread's first parallel call.</summary>
    internal static void Reserve(int count) => EnsureWorkers(count);

    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = s_workers;
        if (workers.Length >= count)
        {
            return workers;
        }

        lock (s_growLock)
        {
            workers = s_workers;
            if (workers.Length < count)
            {
                var grown = new Worker[count];
                Array.Copy(workers, grown, workers.Length);
                for (int i = workers.Length; i < count; i++)
                {
                    grown[i] = new Worker(i + 1);
                }

                s_workers = workers = grown;
            }
        }

        return workers;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Execute(int part)
    {
        try
        {
            IParallelWork? work = s_work;
            if (work is not null && part < s_parts)
            {
                work.Execute(part, s_parts);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref s_failure, ExceptionDispatchInfo.Capture(e), null);
        }
        finally
        {
            Interlocked.Decrement(ref s_pending);
        }
    }

    private sealed class Worker
    {
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private int _requests;
        private int _parked;

        public Worker(int part)
        {
            _part = part;
            var thread = new Thread(Loop, maxStackSize: 1 << 20)
            {
                IsBackground = true,
                Name = $"Backprop worker {part}",
            };
            thread.Start();
        }

        public void Start()
        {
            Interlocked.Increment(ref _requests);
            if (Interlocked.Exchange(ref _parked, 0) == 1)
            {
                _wake.Release();
            }
        }

        private void Loop()
        {
            int served = 0;
            while (true)
            {
                long spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                while (Volatile.Read(ref _requests) == served)
                {
                    if (Stopwatch.GetTimestamp() < spinUntil)
                    {
                        Thread.SpinWait(8);
                        continue;
                    }

                    // A full fence (not a release store): the store of _parked must be visible before _requests is
                    // read again, or a Start() in between sees _parked = 0 and nobody ever wakes this worker
                    // (x86 lets a later load pass an earlier store).
                    Interlocked.Exchange(ref _parked, 1);
                    if (Volatile.Read(ref _requests) != served && Interlocked.Exchange(ref _parked, 0) == 1)
                    {
                        // A request came in between the check and parking, and nobody will signal: go on.
                        break;
                    }

                    // Either no request yet, or the requester already claimed the parked flag and releases us.
                    _wake.Wait();
                    spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                }

                served++;
                Execute(_part);
            }
        }
    }
}
