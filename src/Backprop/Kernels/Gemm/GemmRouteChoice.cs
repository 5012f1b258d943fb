using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>Which way this machine runs the products the in-place routes can take: the narrow route
/// (<see cref="GemmSmall.RunNarrow{T}"/>: at most 128 columns, A read in place — a hidden layer of ≤ 128 units or an
/// output layer on a large batch) and the panel route (<see cref="GemmSmall.RunPanels{T}"/>: few rows, wide, B read in
/// place — a wide layer's forward product), or the packed path (<see cref="GemmPacked.Run{T}(in GemmCall{T})"/>). Both
/// ways give every element the same bits, so only the time differs, and which is faster depends on the machine's
/// caches: on Zen 5 the panel route ran 784-deep, 1000-wide products at 32–256 rows up to 1.5× faster than the packed
/// path and the narrow route 128×100×784 12–20% faster, while on an Intel Xeon (family 6 model 207) the packed path
/// was faster on every panel shape tried, by 0–31%, and on 256 or 1,000 rows of 100 columns by 10–17%
/// (docs/performance.md, "The in-place routes or the packed path: measured per machine"). So the first products
/// decide: they run the two ways alternately, the first call of each way not counted (it compiles and warms the
/// caches), and once each way has <see cref="CountedCallsPerWay"/> counted calls, the way with the lower best time per
/// multiply-add is kept (ties keep the in-place route). The shape is timed again after <see cref="FirstRecheckCalls"/>
/// more calls, then after twice as many each time: a host whose speed swings (a shared core, another tenant filling the
/// caches) may have favoured one way only while the first calls ran. Each shape (rows, columns, depth,
/// element type, one thread or several) is decided on its own: a model runs several shapes per step, and alternating
/// one shared choice call by call would time one layer always one way and the next always the other.</summary>
internal static class GemmRouteChoice
{
    /// <summary>Timed calls of each way, after its first, before the choice.</summary>
    internal const int CountedCallsPerWay = 4;

    /// <summary>Calls of a decided shape before it is timed again (then twice as many after each new choice, so the
    /// calls spent timing, half of them the slower way, stay a vanishing share).</summary>
    internal const int FirstRecheckCalls = 1000;

    /// <summary>Shapes decided (or being timed) at most; later new shapes take the in-place route untimed.</summary>
    internal const int MaxShapes = 256;

    private static readonly ConcurrentDictionary<ProductShape, Decision> s_decisions = new();
    private static int s_shapes;

    /// <summary>Runs a product the narrow route (<paramref name="narrow"/>) or the panel route takes, the way chosen
    /// for this machine and shape (or, before the choice, the way whose turn it is, timed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> g, bool narrow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = new ProductShape(g.M, g.N, g.K, Unsafe.SizeOf<T>(), Parallelism.ThreadCount > 1);
        if (!s_decisions.TryGetValue(shape, out Decision? decision))
        {
            if (Volatile.Read(ref s_shapes) >= MaxShapes)
            {
                RunWay(g, narrow, inPlace: true);
                return;
            }

            decision = Add(shape);
        }

        Way way = decision.Way;
        if (way != Way.Undecided && !decision.RecheckDue())
        {
            RunWay(g, narrow, inPlace: way == Way.InPlace);
            return;
        }

        RunTimed(decision, g, narrow);
    }

    /// <summary>The product through the in-place route (narrow or panel) or the packed path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunWay<T>(in GemmCall<T> g, bool narrow, bool inPlace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!inPlace)
        {
            GemmPacked.Run(g);
        }
        else if (narrow)
        {
            GemmSmall.RunNarrow(g);
        }
        else
        {
            GemmSmall.RunPanels(g);
        }
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
    private static void RunTimed<T>(Decision decision, in GemmCall<T> g, bool narrow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool inPlace = decision.NextIsInPlace();
        long started = Stopwatch.GetTimestamp();
        RunWay(g, narrow, inPlace);
        long ticks = Stopwatch.GetTimestamp() - started;
        decision.Record(inPlace, ticks / ((double)g.M * g.N * g.K));
    }

    /// <summary>The ways such a product can run.</summary>
    internal enum Way
    {
        /// <summary>Not chosen yet: the calls alternate and are timed.</summary>
        Undecided,

        /// <summary>The in-place route: <see cref="GemmSmall.RunNarrow{T}"/> or <see cref="GemmSmall.RunPanels{T}"/>.</summary>
        InPlace,

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
        private int _callsSinceChoice;
        private int _recheckAfter = FirstRecheckCalls;

        /// <summary>The way chosen, or <see cref="Way.Undecided"/>.</summary>
        public Way Way => _way;

        /// <summary>Counts one call of the chosen way; true when it is time to time the shape again, which then
        /// starts (the timings are forgotten, the choice is undecided until both ways have their counted calls again).
        /// The count is not atomic: calls from several threads at once may be missed, which only delays the recheck.</summary>
        public bool RecheckDue()
        {
            if (++_callsSinceChoice < _recheckAfter)
            {
                return false;
            }

            lock (_gate)
            {
                if (_way != Way.Undecided && _callsSinceChoice >= _recheckAfter)
                {
                    _callsSinceChoice = 0;
                    _recheckAfter = (int)Math.Min(2L * _recheckAfter, 1 << 30);
                    Forget();
                }
            }

            return true;
        }

        /// <summary>Whose turn the next timed call is: the two ways alternate, the in-place route first.</summary>
        public bool NextIsInPlace() => (Interlocked.Increment(ref _turn) & 1) == 1;

        /// <summary>Records one call of a way, in ticks (or any unit) per multiply-add; decides once both ways have
        /// <see cref="CountedCallsPerWay"/> counted calls. A way's first call is not counted.</summary>
        public void Record(bool inPlace, double perMultiplyAdd)
        {
            lock (_gate)
            {
                if (_way != Way.Undecided)
                {
                    return;
                }

                int side = inPlace ? 0 : 1;
                if (_seen[side]++ == 0)
                {
                    return;
                }

                _best[side] = Math.Min(_best[side], perMultiplyAdd);
                if (_seen[0] > CountedCallsPerWay && _seen[1] > CountedCallsPerWay)
                {
                    _way = _best[1] < _best[0] ? Way.Packed : Way.InPlace;
                }
            }
        }

        /// <summary>Sets the choice for good, never timed again (tests and measurements; <see cref="Reset"/> undoes
        /// it).</summary>
        internal void Force(Way way)
        {
            lock (_gate)
            {
                _way = way;
                _recheckAfter = int.MaxValue;
            }
        }

        /// <summary>Forgets the choice and its timings (tests).</summary>
        internal void Reset()
        {
            lock (_gate)
            {
                Forget();
                _callsSinceChoice = 0;
                _recheckAfter = FirstRecheckCalls;
            }
        }

        private void Forget()
        {
            _best[0] = _best[1] = double.PositiveInfinity;
            _seen[0] = _seen[1] = 0;
            _turn = 0;
            _way = Way.Undecided;
        }
    }
}
