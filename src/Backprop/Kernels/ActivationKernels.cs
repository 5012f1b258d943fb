using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>Vectorised derivative kernels for the common activations (the forward passes go through
/// <see cref="Elementwise"/>). Every kernel allows the output span to be one of the inputs.</summary>
public static unsafe class ActivationKernels
{
    /// <summary>Passes of at least this many elements (256 KiB of floats) are split over
    /// <see cref="Parallelism.ThreadCount"/> threads in contiguous ranges of whole cache lines. Each element is
    /// computed on its own, so the results do not depend on the split. Between the row-split GEMMs and
    /// batch-normalisation passes of a training step, each thread then mostly reads rows it wrote itself.</summary>
    public const int ParallelLength = 1 << 16;

    /// <summary>y = max(x, 0), as <see cref="Elementwise.Max{T}(ReadOnlySpan{T}, T, Span{T})"/>, split over threads
    /// for long spans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, y.Length, y.Length);
        if (x.Length >= ParallelLength && Parallelism.ThreadCount > 1)
        {
            fixed (T* px = x, py = y)
            {
                var job = ReluWork<T>.ForThisThread;
                job.Set(px, null, py, x.Length, backward: false);
                WorkerPool.Run(job, Parallelism.ThreadCount);
                return;
            }
        }

        Elementwise.Max(x, T.Zero, y);
    }

    /// <summary>dx = dy where x &gt; 0, else 0 (ReLU′ with f′(0) = 0), split over threads for long spans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, dy.Length, dx.Length);
        if (x.Length >= ParallelLength && Parallelism.ThreadCount > 1)
        {
            fixed (T* px = x, pdy = dy, pdx = dx)
            {
                var job = ReluWork<T>.ForThisThread;
                job.Set(px, pdy, pdx, x.Length, backward: true);
                WorkerPool.Run(job, Parallelism.ThreadCount);
                return;
            }
        }

        ReluBackwardSerial(x, dy, dx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluBackwardSerial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vx.Length; v++)
            {
                vdx[v] = Vector.ConditionalSelect(Vector.GreaterThan(vx[v], Vector<T>.Zero), vdy[v], Vector<T>.Zero);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            dx[i] = x[i] > T.Zero ? dy[i] : T.Zero;
        }
    }

    /// <summary>y = x where x &gt; 0 (x ≥ 0 when <paramref name="zeroKeepsX"/>), else α·x: the Keras <c>LeakyReLU</c>
    /// layer (with x ≥ 0, <c>keras.activations.leaky_relu</c>). The same comparison and product for every element,
    /// in vector lanes and in the scalar tail, so the split never shows; y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReluForward<T>(ReadOnlySpan<T> x, Span<T> y, T negativeSlope, bool zeroKeepsX = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, y.Length, y.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            var alpha = new Vector<T>(negativeSlope);
            for (int v = 0; v < vx.Length; v++)
            {
                var value = vx[v];
                var kept = zeroKeepsX ? Vector.GreaterThanOrEqual(value, Vector<T>.Zero) : Vector.GreaterThan(value, Vector<T>.Zero);
                vy[v] = Vector.ConditionalSelect(kept, value, alpha * value);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            T value = x[i];
            y[i] = (zeroKeepsX ? value >= T.Zero : value > T.Zero) ? value : negativeSlope * value;
        }
    }

    /// <summary>y = x where x &gt; 0, else αⱼ·x with a slope per element (the PReLU layer, its α laid out along one
    /// sample): the same comparison and product in vector lanes and in the scalar tail; y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PReluForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> slope, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, slope.Length, y.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var va = MemoryMarshal.Cast<T, Vector<T>>(slope);
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            for (int v = 0; v < vx.Length; v++)
            {
                var value = vx[v];
                vy[v] = Vector.ConditionalSelect(Vector.GreaterThan(value, Vector<T>.Zero), value, va[v] * value);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            T value = x[i];
            y[i] = value > T.Zero ? value : slope[i] * value;
        }
    }

    /// <summary>dx = dy where x &gt; 0, else αⱼ·dy (PReLU's input gradient); dx may be dy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> slope, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, slope.Length, dy.Length);
        CheckLengths(x.Length, dx.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var va = MemoryMarshal.Cast<T, Vector<T>>(slope);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vx.Length; v++)
            {
                var gradient = vdy[v];
                vdx[v] = Vector.ConditionalSelect(Vector.GreaterThan(vx[v], Vector<T>.Zero), gradient, va[v] * gradient);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            T gradient = dy[i];
            dx[i] = x[i] > T.Zero ? gradient : slope[i] * gradient;
        }
    }

    /// <summary>gⱼ += dyⱼ·xⱼ where xⱼ ≤ 0, gⱼ unchanged elsewhere (NaN x included): one sample's contribution to
    /// PReLU's slope gradient, ∂L/∂α = Σ dy·min(x, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PReluSlopeGradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> slopeGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, dy.Length, slopeGradient.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vg = MemoryMarshal.Cast<T, Vector<T>>(slopeGradient);
            for (int v = 0; v < vx.Length; v++)
            {
                var value = vx[v];
                var g = vg[v];
                vg[v] = Vector.ConditionalSelect(Vector.LessThanOrEqual(value, Vector<T>.Zero), g + (vdy[v] * value), g);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            if (x[i] <= T.Zero)
            {
                slopeGradient[i] += dy[i] * x[i];
            }
        }
    }

    /// <summary>dx = dy where x &gt; 0, else α·dy (the leaky ReLU's derivative with f′(0) = α, as Keras and PyTorch
    /// take it); dx may be dy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, T negativeSlope)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(x.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            var alpha = new Vector<T>(negativeSlope);
            for (int v = 0; v < vx.Length; v++)
            {
                var gradient = vdy[v];
                vdx[v] = Vector.ConditionalSelect(Vector.GreaterThan(vx[v], Vector<T>.Zero), gradient, alpha * gradient);
            }

            i = vx.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            T gradient = dy[i];
            dx[i] = x[i] > T.Zero ? gradient : negativeSlope * gradient;
        }
    }

    /// <summary>dx = dy · y · (1 − y), the sigmoid derivative from its output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vy.Length; v++)
            {
                var s = vy[v];
                vdx[v] = vdy[v] * s * (Vector<T>.One - s);
            }

            i = vy.Length * Vector<T>.Count;
        }

        for (; i < y.Length; i++)
        {
            T s = y[i];
            dx[i] = dy[i] * s * (T.One - s);
        }
    }

    /// <summary>dx = dy · (1 − y²), the tanh derivative from its output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(y.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < vy.Length; v++)
            {
                var t = vy[v];
                vdx[v] = vdy[v] * (Vector<T>.One - t * t);
            }

            i = vy.Length * Vector<T>.Count;
        }

        for (; i < y.Length; i++)
        {
            T t = y[i];
            dx[i] = dy[i] * (T.One - t * t);
        }
    }

    /// <summary>Swish/SiLU: y = x·σ(x) in one pass, σ as in <see cref="SwishBackward{T}"/> (for float the σ of the
    /// Dense layer's fused swish); y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwishForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            VectorActivationLoops.Forward(default(Swish<T>), x, y);
            return;
        }

        CheckLengths(x.Length, y.Length, y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] * Sigmoid(x[i]);
        }
    }

    /// <summary>Swish/SiLU derivative: dx = dy · σ(x) · (1 + x · (1 − σ(x))), with σ(x) recomputed from x, split over
    /// threads for long spans; dx may be dy. For float, σ is <see cref="VectorSigmoid"/>'s, within 3 ulp of the exact σ
    /// but not always the bits of 1/(1 + e^(−x)) evaluated with <c>MathF.Exp</c>;
    /// for double, 1/(1 + e^(−x)) with the runtime's vector e^x (within 2 ulp of <c>Math.Exp</c>, accurate enough for
    /// the float64 gradient checks against PyTorch at 1e-13 relative); other element types, the scalar formula.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwishBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            VectorActivationLoops.Backward(default(Swish<T>), x, dy, dx);
            return;
        }

        CheckLengths(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T s = Sigmoid(x[i]);
            dx[i] = dy[i] * s * (T.One + x[i] * (T.One - s));
        }
    }

    // σ(x) = 1/(1 + e^(−x)), finite for every x (e^(−x) → ∞ gives 0): the element types without vectors.
    private static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    private readonly struct Swish<T> : IVectorActivationValue<T>, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Value(Vector<T> x) => x * SigmoidOf(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Gradient(Vector<T> x, Vector<T> dy)
        {
            var s = SigmoidOf(x);
            return dy * s * (Vector<T>.One + x * (Vector<T>.One - s));
        }

        // Vector<T> is 16, 32 or 64 bytes wide depending on the machine and DOTNET_MaxVectorTBitWidth; the
        // width tests are JIT-time constants, so only one branch is compiled.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<T> SigmoidOf(Vector<T> x)
        {
            if (typeof(T) == typeof(float))
            {
                var z = x.As<T, float>();
                var s = Vector<float>.Count == Vector512<float>.Count ? VectorSigmoid.Sigmoid(z.AsVector512()).AsVector()
                    : Vector<float>.Count == Vector256<float>.Count ? VectorSigmoid.Sigmoid(z.AsVector256()).AsVector()
                    : VectorSigmoid.Sigmoid(z.AsVector128()).AsVector();
                return s.As<float, T>();
            }

            return Vector<T>.One / (Vector<T>.One + Vector.Exp(-x.As<T, double>()).As<double, T>());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckLengths(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"Activation kernel spans differ in length: {a}, {b}, {c}.");
        }
    }

    /// <summary>One ReLU pass split into contiguous ranges of whole cache lines, one per thread.</summary>
    private sealed class ReluWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static ReluWork<T>? s_forThisThread;

        private T* _x;
        private T* _dy;
        private T* _out;
        private int _length;
        private bool _backward;

        public static ReluWork<T> ForThisThread => s_forThisThread ??= new ReluWork<T>();

        public void Set(T* x, T* dy, T* output, int length, bool backward)
        {
            _x = x;
            _dy = dy;
            _out = output;
            _length = length;
            _backward = backward;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.CacheLineRange<T>(_length, part, parts);
            if (last <= first)
            {
                return;
            }

            var x = new ReadOnlySpan<T>(_x + first, last - first);
            var output = new Span<T>(_out + first, last - first);
            if (_backward)
            {
                ReluBackwardSerial(x, new ReadOnlySpan<T>(_dy + first, last - first), output);
            }
            else
            {
                Elementwise.Max(x, T.Zero, output);
            }
        }
    }
}
