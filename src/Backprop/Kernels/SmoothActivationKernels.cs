using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>Forward and backward passes of the activations built on eˣ and erfc — ELU and SELU, GELU (exact and tanh
/// forms), softplus and mish — in vectors of doubles (<see cref="DoubleLaneMath"/>) over float or double data:
/// each value is widened, computed in double and rounded once to T, so float results are the correctly rounded
/// value almost always and double results are within a few units in the last place. The bits do not depend on the
/// machine's vector width or on the thread count. NaN inputs give NaN (forward) and NaN gradients. Every pass allows
/// the output span to be one of the inputs.</summary>
public static unsafe class SmoothActivationKernels
{
    /// <summary>Passes of at least this many elements are split over <see cref="Parallelism.ThreadCount"/> threads in
    /// whole cache lines. At 1–5 ns per value a pass this long takes 15–80 µs, far more than handing half to a
    /// worker.</summary>
    public const int ParallelLength = 1 << 14;

    /// <summary>y = scale·(x if x &gt; 0 else α·(eˣ − 1)): Keras <c>elu</c> (scale 1) and <c>selu</c>.</summary>
    public static void EluForward<T>(ReadOnlySpan<T> x, Span<T> y, double alpha, double scale)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(new Elu(alpha, scale), x, default, default, y, backward: false);

    /// <summary>dx = dy·scale·(1 if x &gt; 0 else α·eˣ).</summary>
    public static void EluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, double alpha, double scale)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(new Elu(alpha, scale), x, default, dy, dx, backward: true);

    /// <summary>y = x·Φ(x) with Φ(x) = ½·erfc(−x/√2) (exact GELU), or, when <paramref name="approximate"/>,
    /// ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))) computed as x·σ(2u), which equals it without the cancellation of
    /// 1 + tanh for negative x.</summary>
    public static void GeluForward<T>(ReadOnlySpan<T> x, Span<T> y, bool approximate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (approximate)
        {
            Run(default(GeluTanh), x, default, default, y, backward: false);
        }
        else
        {
            Run(default(GeluErf), x, default, default, y, backward: false);
        }
    }

    /// <summary>dx = dy·(Φ(x) + x·φ(x)), or for the tanh form dy·(s + 2x·s(1 − s)·√(2/π)·(1 + 3·0.044715x²)) with
    /// s = σ(2u). The exact form takes Φ(x) = y/x from the forward output <paramref name="y"/> = x·Φ(x) (½ for
    /// |x| &lt; 2⁻⁹⁰, where y/x would not recover it), as σ′ = y(1 − y) takes σ from the output.</summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool approximate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (approximate)
        {
            Run(default(GeluTanh), x, y, dy, dx, backward: true);
        }
        else
        {
            Run(default(GeluErf), x, y, dy, dx, backward: true);
        }
    }

    /// <summary>y = max(x, 0) + log(1 + e^(−|x|)) = log(1 + eˣ).</summary>
    public static void SoftplusForward<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(default(Softplus), x, default, default, y, backward: false);

    /// <summary>dx = dy·σ(x).</summary>
    public static void SoftplusBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(default(Softplus), x, default, dy, dx, backward: true);

    /// <summary>y = x·tanh(softplus(x)), with tanh(softplus(x)) = n/(n + 2), n = eˣ(eˣ + 2).</summary>
    public static void MishForward<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(default(Mish), x, default, default, y, backward: false);

    /// <summary>dx = dy·(t + x·σ(x)·(1 − t²)) with t = tanh(softplus(x)) and 1 − t² = 4(n + 1)/(n + 2)².</summary>
    public static void MishBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(default(Mish), x, default, dy, dx, backward: true);

    /// <summary>An element-wise function and its derivative on a vector of doubles of any width.</summary>
    internal interface ILaneFunction
    {
        V Value<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>;

        /// <summary>Whether <see cref="Derivative{V, L}(V, V)"/> reads the forward output y = f(x).</summary>
        bool UsesOutput { get; }

        /// <summary>f′(x), given x and (when <see cref="UsesOutput"/>) y = f(x).</summary>
        V Derivative<V, L>(V x, V y)
            where V : struct
            where L : IDoubleLanes<V>;
    }

    private static void Run<T, TFunction>(TFunction function, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> output, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
    {
        bool needsY = backward && function.UsesOutput;
        if (x.Length != output.Length || (backward && dy.Length != x.Length) || (needsY && y.Length != x.Length))
        {
            throw new ArgumentException($"Activation kernel spans differ in length: x {x.Length}, y {y.Length}, dy {dy.Length}, output {output.Length}.");
        }

        fixed (T* px = x, py = y, pdy = dy, po = output)
        {
            if (x.Length >= ParallelLength && Parallelism.ThreadCount > 1)
            {
                var job = Job<T, TFunction>.ForThisThread;
                job.Set(function, px, py, pdy, po, x.Length, backward);
                WorkerPool.Run(job, Parallelism.ThreadCount);
                job.Set(function, null, null, null, null, 0, backward);
                return;
            }

            Pass(function, px, py, pdy, po, x.Length, backward);
        }
    }

    /// <summary>One pass over <paramref name="length"/> values at the widest vectors this machine has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pass<T, TFunction>(TFunction function, T* x, T* y, T* dy, T* output, int length, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            // The vector lanes load and store float and double only; other types (Half) convert one value at a time.
            Pass<T, TFunction, double, ScalarLane>(function, x, y, dy, output, length, backward);
        }
        else if (Lanes512.IsUsable)
        {
            Pass<T, TFunction, Vector512<double>, Lanes512>(function, x, y, dy, output, length, backward);
        }
        else if (Lanes256.IsUsable)
        {
            Pass<T, TFunction, Vector256<double>, Lanes256>(function, x, y, dy, output, length, backward);
        }
        else if (Lanes128.IsUsable)
        {
            Pass<T, TFunction, Vector128<double>, Lanes128>(function, x, y, dy, output, length, backward);
        }
        else
        {
            Pass<T, TFunction, double, ScalarLane>(function, x, y, dy, output, length, backward);
        }
    }

    /// <summary>One pass in vectors of <typeparamref name="L"/> (the tests run each width on the same data). The last
    /// values, fewer than a vector, go through a vector-sized buffer: the same code, so the same bits, and each
    /// loop holds one copy of the function (two copies per method exceeded the JIT's inlining budget).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pass<T, TFunction, V, L>(TFunction function, T* x, T* y, T* dy, T* output, int length, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
        where V : struct
        where L : IDoubleLanes<V>
    {
        int w = L.Count;
        int whole = length - (length % w);
        Loop<T, TFunction, V, L>(function, x, y, dy, output, whole, backward);
        int left = length - whole;
        if (left > 0)
        {
            T* lastX = stackalloc T[MaximumLanes];
            T* lastY = stackalloc T[MaximumLanes];
            T* lastDy = stackalloc T[MaximumLanes];
            T* lastOutput = stackalloc T[MaximumLanes];
            bool readsY = backward && function.UsesOutput;
            for (int k = 0; k < w; k++)
            {
                lastX[k] = k < left ? x[whole + k] : T.Zero;
                lastY[k] = k < left && readsY ? y[whole + k] : T.Zero;
                lastDy[k] = k < left && backward ? dy[whole + k] : T.Zero;
            }

            Loop<T, TFunction, V, L>(function, lastX, lastY, lastDy, lastOutput, w, backward);
            for (int k = 0; k < left; k++)
            {
                output[whole + k] = lastOutput[k];
            }
        }
    }

    // The widest vector of doubles (512 bits).
    private const int MaximumLanes = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop<T, TFunction, V, L>(TFunction function, T* x, T* y, T* dy, T* output, int length, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
        where V : struct
        where L : IDoubleLanes<V>
    {
        if (backward)
        {
            GradientLoop<T, TFunction, V, L>(function, x, y, dy, output, length);
        }
        else
        {
            ValueLoop<T, TFunction, V, L>(function, x, output, length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ValueLoop<T, TFunction, V, L>(TFunction function, T* x, T* output, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
        where V : struct
        where L : IDoubleLanes<V>
    {
        for (int i = 0; i < length; i += L.Count)
        {
            L.StoreNarrowed(output + i, Value<TFunction, V, L>(function, L.LoadWidened(x + i)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void GradientLoop<T, TFunction, V, L>(TFunction function, T* x, T* y, T* dy, T* output, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
        where V : struct
        where L : IDoubleLanes<V>
    {
        for (int i = 0; i < length; i += L.Count)
        {
            V yi = function.UsesOutput ? L.LoadWidened(y + i) : default;
            L.StoreNarrowed(output + i, Gradient<TFunction, V, L>(function, L.LoadWidened(x + i), yi, L.LoadWidened(dy + i)));
        }
    }

    // The functions' clamps turn NaN into a number; NaN in gives NaN out.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Value<TFunction, V, L>(TFunction function, V x)
        where TFunction : struct, ILaneFunction
        where V : struct
        where L : IDoubleLanes<V> =>
        L.Select(L.IsNaN(x), x, function.Value<V, L>(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Gradient<TFunction, V, L>(TFunction function, V x, V y, V dy)
        where TFunction : struct, ILaneFunction
        where V : struct
        where L : IDoubleLanes<V> =>
        L.Multiply(dy, L.Select(L.IsNaN(x), x, function.Derivative<V, L>(x, y)));

    /// <summary>scale·elu(x, α).</summary>
    internal readonly struct Elu(double alpha, double scale) : ILaneFunction
    {
        public bool UsesOutput => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Value<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>
        {
            // The positive lanes' eˣ − 1 is not used: min(x, 0) keeps them off its exp(x) − 1 branch.
            V zero = L.Create(0.0);
            V negative = L.Multiply(L.Create(alpha), DoubleLaneMath.ExpM1<V, L>(L.Min(x, zero)));
            return L.Multiply(L.Create(scale), L.Select(L.LessThan(zero, x), x, negative));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Derivative<V, L>(V x, V y)
            where V : struct
            where L : IDoubleLanes<V>
        {
            V negative = L.Multiply(L.Create(alpha), DoubleLaneMath.Exp<V, L>(x));
            return L.Multiply(L.Create(scale), L.Select(L.LessThan(L.Create(0.0), x), L.Create(1.0), negative));
        }
    }

    internal readonly struct GeluErf : ILaneFunction
    {
        public bool UsesOutput => true;

        private const double MinusInverseSqrt2 = -0.70710678118654752440084436210484903;
        private const double InverseSqrt2Pi = 0.39894228040143267793994605993438187;

        // Below this |x|, y = x·Φ(x) rounded to float may be subnormal and y/x no longer Φ; Φ(x) = ½ to 2⁻⁹¹ there.
        private const double SmallestRecoverable = 8.077935669463161e-28; // 2⁻⁹⁰

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Value<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V> =>
            L.Multiply(x, NormalCdf<V, L>(x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Derivative<V, L>(V x, V y)
            where V : struct
            where L : IDoubleLanes<V>
        {
            // Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π), with Φ(x) = y/x from the forward output: erfc again would cost
            // four times the rest. y holds Φ to T's precision, so in float f′ is exact to ≈ 2⁻²⁴·(Φ + |x|φ), an
            // absolute error, near its zero at x ≈ −0.75 where the two terms cancel. Φ is ½ where |x| < 2⁻⁹⁰.
            V density = L.Multiply(L.Create(InverseSqrt2Pi), DoubleLaneMath.Exp<V, L>(L.Multiply(L.Multiply(x, x), L.Create(-0.5))));
            V cdf = L.Select(L.LessThan(L.Abs(x), L.Create(SmallestRecoverable)), L.Create(0.5), L.Divide(y, x));
            return L.FusedMultiplyAdd(x, density, cdf);
        }

        // Φ(x) = ½·erfc(−x/√2): erfc keeps relative accuracy in the left tail, where 1 + erf(x/√2) cancels.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static V NormalCdf<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V> =>
            L.Multiply(L.Create(0.5), DoubleLaneMath.Erfc<V, L>(L.Multiply(x, L.Create(MinusInverseSqrt2))));
    }

    internal readonly struct GeluTanh : ILaneFunction
    {
        public bool UsesOutput => false;

        private const double Sqrt2OverPi = 0.79788456080286535587989211986876374;
        private const double Cubic = 0.044715;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Value<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>
        {
            // e = +∞ far left gives s = 0 and y = x·0: −0, and NaN at x = −∞ as ½x(1 + tanh u) gives it.
            V one = L.Create(1.0);
            return L.Multiply(x, L.Divide(one, L.Add(one, DoubleLaneMath.Exp<V, L>(L.Multiply(Inner<V, L>(x), L.Create(-2.0))))));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Derivative<V, L>(V x, V y)
            where V : struct
            where L : IDoubleLanes<V>
        {
            // s + x·σ′(2u)·2u′ with σ′ = s(1 − s) = s²e and u′ = √(2/π)(1 + 3c·x²); −2u capped at 700 so that e and
            // s²e stay finite (f′ is below 1e-300 there).
            V one = L.Create(1.0);
            V e = DoubleLaneMath.Exp<V, L>(L.Min(L.Multiply(Inner<V, L>(x), L.Create(-2.0)), L.Create(700.0)));
            V s = L.Divide(one, L.Add(one, e));
            V slope = L.Multiply(L.Create(2 * Sqrt2OverPi), L.FusedMultiplyAdd(L.Multiply(x, x), L.Create(3 * Cubic), one));
            V sigmoidSlope = L.Multiply(L.Multiply(s, s), e);
            return L.FusedMultiplyAdd(L.Multiply(x, sigmoidSlope), slope, s);
        }

        // u = √(2/π)(x + c·x³); ½x(1 + tanh u) = x·σ(2u).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static V Inner<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>
        {
            V cube = L.Multiply(L.Multiply(x, x), x);
            return L.Multiply(L.Create(Sqrt2OverPi), L.FusedMultiplyAdd(cube, L.Create(Cubic), x));
        }
    }

    internal readonly struct Softplus : ILaneFunction
    {
        public bool UsesOutput => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Value<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>
        {
            V tail = DoubleLaneMath.Log1PUnit<V, L>(DoubleLaneMath.Exp<V, L>(L.Multiply(L.Abs(x), L.Create(-1.0))));
            return L.Add(L.Max(x, L.Create(0.0)), tail);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Derivative<V, L>(V x, V y)
            where V : struct
            where L : IDoubleLanes<V> =>
            DoubleLaneMath.Sigmoid<V, L>(x);
    }

    internal readonly struct Mish : ILaneFunction
    {
        public bool UsesOutput => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Value<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>
        {
            var (t, _, _) = Parts<V, L>(x);
            return L.Multiply(x, t);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V Derivative<V, L>(V x, V y)
            where V : struct
            where L : IDoubleLanes<V>
        {
            var (t, n, e) = Parts<V, L>(x);
            V one = L.Create(1.0);
            V sigmoid = L.Divide(e, L.Add(one, e));
            V m = L.Add(n, L.Create(2.0));
            V oneMinusTSquared = L.Divide(L.Multiply(L.Create(4.0), L.Add(n, one)), L.Multiply(m, m));
            return L.FusedMultiplyAdd(L.Multiply(x, sigmoid), oneMinusTSquared, t);
        }

        // t = tanh(softplus(x)) = n/(n + 2) with e = eˣ, n = e(e + 2) = (1 + e)² − 1, free of cancellation for
        // negative x. Above x = 40, t is 1 in double; e is capped there so n and (n + 2)² stay finite.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (V T, V N, V E) Parts<V, L>(V x)
            where V : struct
            where L : IDoubleLanes<V>
        {
            V e = DoubleLaneMath.Exp<V, L>(L.Min(x, L.Create(40.0)));
            V n = L.Multiply(e, L.Add(e, L.Create(2.0)));
            return (L.Divide(n, L.Add(n, L.Create(2.0))), n, e);
        }
    }

    /// <summary>One pass split into contiguous ranges of whole cache lines, one per thread.</summary>
    private sealed class Job<T, TFunction> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, ILaneFunction
    {
        [ThreadStatic]
        private static Job<T, TFunction>? s_forThisThread;

        private TFunction _function;
        private T* _x;
        private T* _y;
        private T* _dy;
        private T* _output;
        private int _length;
        private bool _backward;

        public static Job<T, TFunction> ForThisThread => s_forThisThread ??= new Job<T, TFunction>();

        public void Set(TFunction function, T* x, T* y, T* dy, T* output, int length, bool backward)
        {
            _function = function;
            _x = x;
            _y = y;
            _dy = dy;
            _output = output;
            _length = length;
            _backward = backward;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.CacheLineRange<T>(_length, part, parts);
            if (last > first)
            {
                bool readsY = _backward && _function.UsesOutput;
                Pass(_function, _x + first, readsY ? _y + first : null, _backward ? _dy + first : null, _output + first, last - first, _backward);
            }
        }
    }
}
