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
/// rest of the process (ties keep the panel route). Products run on one thread and on several are decided apart.
/// </summary>
internal static class GemmPanelChoice
{
    /// <summary>Timed calls of each way, after its first, before the choice.</summary>
    internal const int CountedCallsPerWay = 4;

    // [0]: products run on one thread; [1]: on several.
    private static readonly Decision[] s_decisions = [new(), new()];

    /// <summary>Runs a product the panel route takes, the way chosen for this machine (or, before the choice, the way
    /// whose turn it is, timed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Decision decision = s_decisions[Parallelism.ThreadCount > 1 ? 1 : 0];
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

    /// <summary>The choice for products on one thread (<paramref name="severalThreads"/> false) or several, for tests
    /// and diagnostics.</summary>
    internal static Decision For(bool severalThreads) => s_decisions[severalThreads ? 1 : 0];

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
