using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Random;

/// <summary>Writes whole chunks of a fill. Value i of a fill may depend only on (key, stream, firstValue + i), which
/// is what makes the result independent of how the fill is cut into chunks and threads.</summary>
internal unsafe interface IChunkKernel<T>
    where T : unmanaged
{
    /// <summary>Values per Philox block of the kernel's stream layout.</summary>
    static abstract int ValuesPerBlock { get; }

    /// <summary>Writes values <paramref name="firstValue"/> … <paramref name="firstValue"/> + <paramref name="count"/>
    /// − 1 of the fill's stream layout; <paramref name="firstValue"/> is a multiple of
    /// <c>BlocksPerCall·ValuesPerBlock</c>.</summary>
    void WriteChunk(in Philox.KeySchedule schedule, ulong firstValue, T* destination, int count);
}

/// <summary>A chunk kernel that runs a group kernel over the chunk, the last partial group through a stack buffer.</summary>
internal readonly unsafe struct GroupChunks<TKernel, T>(TKernel kernel) : IChunkKernel<T>
    where TKernel : unmanaged, IGroupKernel<T>
    where T : unmanaged
{
    public static int ValuesPerBlock => TKernel.ValuesPerBlock;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteChunk(in Philox.KeySchedule schedule, ulong firstValue, T* destination, int count)
    {
        // One call site of the group kernel, the last partial group written through a stack buffer: the kernel is
        // inlined once, which halves this method's optimised compile (≈ 12 ms with two copies, during a process's
        // first model build).
        int groupValues = Philox.BlocksPerCall * TKernel.ValuesPerBlock;
        ulong block = firstValue / (ulong)TKernel.ValuesPerBlock;
        T* group = stackalloc T[4 * Philox.BlocksPerCall];
        for (int i = 0; i < count; i += groupValues, block += Philox.BlocksPerCall)
        {
            bool whole = count - i >= groupValues;
            kernel.Write(block, schedule, whole ? destination + i : group);
            if (!whole)
            {
                new ReadOnlySpan<T>(group, count - i).CopyTo(new Span<T>(destination + i, count - i));
            }
        }
    }
}

/// <summary>One fill in progress: lives on the caller's stack while workers read it through a pointer.</summary>
internal unsafe struct FillJob<TKernel, T>
    where TKernel : unmanaged, IChunkKernel<T>
    where T : unmanaged
{
    public TKernel Kernel;
    public Philox.KeySchedule Schedule;
    public ulong FirstBlock;
    public T* Destination;
    public long Length;
}

/// <summary>Cuts a fill into fixed chunks of <see cref="ChunkValues"/> values and runs them on the caller plus
/// persistent workers. Every value is computed from its own index, so neither the chunk size nor the thread
/// count nor which thread ran a chunk can change a single bit of the result.</summary>
internal static unsafe class FillRunner
{
    /// <summary>Values per chunk (a multiple of every kernel's group size).</summary>
    internal const int ChunkValues = 1 << 16;

    /// <summary>Runs a group kernel over <paramref name="destination"/>, starting at block <paramref name="firstBlock"/>.</summary>
    internal static void Run<TKernel, T>(TKernel kernel, in Philox.KeySchedule schedule, ulong firstBlock, Span<T> destination)
        where TKernel : unmanaged, IGroupKernel<T>
        where T : unmanaged =>
        RunChunks<GroupChunks<TKernel, T>, T>(new GroupChunks<TKernel, T>(kernel), schedule, firstBlock, destination);

    /// <summary>Runs a chunk kernel over <paramref name="destination"/>, starting at block <paramref name="firstBlock"/>.</summary>
    internal static void RunChunks<TKernel, T>(TKernel kernel, in Philox.KeySchedule schedule, ulong firstBlock, Span<T> destination)
        where TKernel : unmanaged, IChunkKernel<T>
        where T : unmanaged
    {
        if (destination.IsEmpty)
        {
            return;
        }

        fixed (T* pointer = destination)
        {
            var job = new FillJob<TKernel, T>
            {
                Kernel = kernel,
                Schedule = schedule,
                FirstBlock = firstBlock,
                Destination = pointer,
                Length = destination.Length,
            };
            long chunks = (destination.Length + (long)ChunkValues - 1) / ChunkValues;
            FillWorkers.Run(&RunChunk<TKernel, T>, Unsafe.AsPointer(ref job), chunks);
        }
    }

    private static void RunChunk<TKernel, T>(void* state, long chunk)
        where TKernel : unmanaged, IChunkKernel<T>
        where T : unmanaged
    {
        ref FillJob<TKernel, T> job = ref Unsafe.AsRef<FillJob<TKernel, T>>(state);
        long start = chunk * ChunkValues;
        int count = (int)Math.Min(ChunkValues, job.Length - start);
        ulong firstValue = job.FirstBlock * (ulong)TKernel.ValuesPerBlock + (ulong)start;
        job.Kernel.WriteChunk(job.Schedule, firstValue, job.Destination + start, count);
    }
}

/// <summary>Persistent background threads for fills: no Task or delegate allocation per call. The caller takes
/// part in the work; when another thread is already using the workers the caller simply runs every chunk itself,
/// which gives the same bits.</summary>
internal static unsafe class FillWorkers
{
    private static readonly Lock s_gate = new();
    private static readonly ManualResetEventSlim s_done = new(false);
    private static SemaphoreSlim[] s_wakeUps = [];
    private static delegate*<void*, long, void> s_body;
    private static void* s_state;
    private static long s_chunkCount;
    private static long s_nextChunk;
    private static int s_pending;

    internal static void Run(delegate*<void*, long, void> body, void* state, long chunkCount)
    {
        int threads = (int)Math.Min(Parallelism.ThreadCount, chunkCount);
        if (threads <= 1 || !s_gate.TryEnter())
        {
            for (long chunk = 0; chunk < chunkCount; chunk++)
            {
                body(state, chunk);
            }

            return;
        }

        try
        {
            EnsureWorkers(threads - 1);
            s_body = body;
            s_state = state;
            s_chunkCount = chunkCount;
            s_nextChunk = 0;
            s_pending = threads - 1;
            s_done.Reset();
            for (int i = 0; i < threads - 1; i++)
            {
                s_wakeUps[i].Release();
            }

            Drain();
            s_done.Wait();
        }
        finally
        {
            s_gate.Exit();
        }
    }

    private static void Drain()
    {
        long chunk;
        while ((chunk = Interlocked.Increment(ref s_nextChunk) - 1) < s_chunkCount)
        {
            s_body(s_state, chunk);
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (s_wakeUps.Length >= count)
        {
            return;
        }

        var wakeUps = new SemaphoreSlim[count];
        s_wakeUps.CopyTo(wakeUps, 0);
        for (int i = s_wakeUps.Length; i < count; i++)
        {
            var wakeUp = new SemaphoreSlim(0);
            wakeUps[i] = wakeUp;
            var thread = new Thread(() => WorkerLoop(wakeUp))
            {
                IsBackground = true,
                Name = $"Backprop random fill {i}",
            };
            thread.Start();
        }

        s_wakeUps = wakeUps;
    }

    private static void WorkerLoop(SemaphoreSlim wakeUp)
    {
        while (true)
        {
            wakeUp.Wait();
            Drain();
            if (Interlocked.Decrement(ref s_pending) == 0)
            {
                s_done.Set();
            }
        }
    }
}
