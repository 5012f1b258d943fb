using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>Which way this machine runs the products the panel route can take (few rows, wide, neither operand
/// transposed: a wide Dense layer's forward product): <see cref="GemmSmall.RunPanels{T}"/>, B read in place, or
/// <see cref="GemmPacked.Run{T}(in GemmCall{T})"/>. Both give every element the same bits, so only the time differs,
/// and which is faster depends on the machine's caches rather than on the shape: on Zen 5 the panel route ran 784-deep,
/// 1000-wide products at 32–256 rows up to 1.5× faster than the packed path (most at two threads), while on an Intel
/// Xeon (family 6 model 207) the packed path was faster on every such shape tried, by 0–31% (docs/performance.md,
/// "The panel route or the packed path: measured per machine"). So the first products decide: they run the two ways
/// alternately, the first call of each way not counted (it compiles and warms the caches), and once each way has
/// <see cref="CountedCallsPerWay"/> counted calls, the way with the lower best time per multiply-add is kept for the
/// rest of the process (ties keep the panel route). Each shape (rows, columns, depth, element type, one thread or
/// several) is decided on its own: a model with two wide layers runs two shapes per step, and alternating call by
/// call would otherwise time one layer always one way and the other always the other.</summary>
internal static class GemmPanelChoice
{
    /// <summary>Timed calls of each way, after its first, before the choice.</summary>
    internal const int CountedCallsPerWay = 4;

    /// <summary>Shapes decided (or being timed) at most; later new shapes take the panel route untimed.</summary>
    internal const int MaxShapes = 256;

    private static readonly ConcurrentDictionary<ProductShape, Decision> s_decisions = new();
    private static int s_shapes;

    /// <summary>Runs a product the panel route takes, the way chosen for this machine (or, before the choice, the way
    /// whose turn it is, timed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new ProductShape(g.M, g.N, g.K, Unsafe.SizeOf<T>(), Parallelism.ThreadCount > 1);
        if (!s_decisions.TryGetValue(shape, out Decision? decision))
        {
            if (Volatile.Read(ref s_shapes) >= MaxShapes)
            {
                GemmSmall.RunPanels(g);
                return;
            }

            decision = Add(shape);
        }

        switch (decision.Way)
        {
            case Way.Panels:
                GemmSmall.RunPanels(g);
                return;
            case Way.Packed:
                GemmPacked.Run(g);
                return;
        }

        RunTimed(decision, g);
    }

    /// <summary>The choice for one shape of product (tests and diagnostics).</summary>
    internal static Decision For<T>(int m, int n, int k, bool severalThreads)
        where T : unmanaged => Add(new ProductShape(m, n, k, Unsafe.SizeOf<T>(), severalThreads));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision Add(ProductShape shape) =>
        s_decisions.GetOrAdd(shape, static _ =>
        {
            Interlocked.Increment(ref s_shapes);
            return new Decision();
        });

    /// <summary>What a choice is made for.</summary>
    private readonly record struct ProductShape(int M, int N, int K, int ElementSize, bool SeveralThreads);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunTimed<T>(Decision decision, in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool panels = decision.NextIsPanels();
        long started = Stopwatch.GetTimestamp();
        if (panels)
        {
            GemmSmall.RunPanels(g);
        }
        else
        {
            GemmPacked.Run(g);
        }

        long ticks = Stopwatch.GetTimestamp() - started;
        decision.Record(panels, ticks / ((double)g.M * g.N * g.K));
    }

    /// <summary>The ways a panel product can run.</summary>
    internal enum Way
    {
        /// <summary>Not chosen yet: the calls alternate and are timed.</summary>
        Undecided,

        /// <summary><see cref="GemmSmall.RunPanels{T}"/>.</summary>
        Panels,

        /// <summary><see cref="GemmPacked.Run{T}(in GemmCall{T})"/>.</summary>
        Packed,
    }

    /// <summary>One choice and the timings that make it (thread-safe: products may run on several user threads).</summary>
    internal sealed class Decision
    {
        private readonly object _gate = new();
        private readonly double[] _best = [double.PositiveInfinity, double.PositiveInfinity];
        private readonly int[] _seen = new int[2];
        private int _turn;
        private volatile Way _way;

        /// <summary>The way chosen, or <see cref="Way.Undecided"/>.</summary>
        public Way Way => _way;

        /// <summary>Whose turn the next timed call is: the two ways alternate, the panel route first.</summary>
        public bool NextIsPanels() => (Interlocked.Increment(ref _turn) & 1) == 1;

        /// <summary>Records one call of a way, in ticks (or any unit) per multiply-add; decides once both ways have
        /// <see cref="CountedCallsPerWay"/> counted calls. A way's first call is not counted.</summary>
        public void Record(bool panels, double perMultiplyAdd)
        {
            lock (_gate)
            {
                if (_way != Way.Undecided)
                {
                    return;
                }

                int side = panels ? 0 : 1;
                if (_seen[side]++ == 0)
                {
                    return;
                }

                _best[side] = Math.Min(_best[side], perMultiplyAdd);
                if (_seen[0] > CountedCallsPerWay && _seen[1] > CountedCallsPerWay)
                {
                    _way = _best[1] < _best[0] ? Way.Packed : Way.Panels;
                }
            }
        }

        /// <summary>Sets the choice (tests and measurements).</summary>
        internal void Force(Way way) => _way = way;

        /// <summary>Forgets the choice and its timings (tests).</summary>
        internal void Reset()
        {
            lock (_gate)
            {
                _best[0] = _best[1] = double.PositiveInfinity;
                _seen[0] = _seen[1] = 0;
                _turn = 0;
                _way = Way.Undecided;
            }
        }
    }
}
