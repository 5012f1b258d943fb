using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>An element-wise activation's forward formula on one vector of inputs. Implemented by small structs so that
/// <see cref="VectorActivationLoops"/> is specialised and inlined per function and element type.</summary>
internal interface IVectorActivationValue<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y = f(x), lane by lane.</summary>
    Vector<T> Value(Vector<T> x);
}

/// <summary>An element-wise activation's backward formula on one vector of inputs.</summary>
internal interface IVectorActivationGradient<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>dx = dy·f′(x), lane by lane, in whatever order of operations the activation defines.</summary>
    Vector<T> Gradient(Vector<T> x, Vector<T> dy);
}

/// <summary>Forward and backward passes over spans for <see cref="IVectorActivationValue{T}"/> and
/// <see cref="IVectorActivationGradient{T}"/> structs. Every element, the last few included, goes through the same
/// vector formula (a short tail is padded out to one vector on the stack), so an activation is written once and its
/// result never depends on where an element falls. Output spans may be inputs. Spans of at least
/// <see cref="ActivationKernels.ParallelLength"/> elements are split over <see cref="Parallelism.ThreadCount"/>
/// threads in whole cache lines; the split changes no bits, since every element is computed on its own.</summary>
internal static unsafe class VectorActivationLoops
{
    /// <summary>y = f(x); y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TFunction, T>(TFunction function, ReadOnlySpan<T> x, Span<T> y)
        where TFunction : struct, IVectorActivationValue<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(x.Length, y.Length, y.Length);
        if (x.Length >= ActivationKernels.ParallelLength && Parallelism.ThreadCount > 1)
        {
            fixed (T* px = x, py = y)
            {
                var work = ForwardWork<TFunction, T>.ForThisThread;
                work.Set(function, px, py, x.Length);
                WorkerPool.Run(work, Parallelism.ThreadCount);
                return;
            }
        }

        ForwardSerial(function, x, y);
    }

    /// <summary>dx = dy·f′(x); dx may be dy or x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TFunction, T>(TFunction function, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where TFunction : struct, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(x.Length, dy.Length, dx.Length);
        if (x.Length >= ActivationKernels.ParallelLength && Parallelism.ThreadCount > 1)
        {
            fixed (T* px = x, pdy = dy, pdx = dx)
            {
                var work = BackwardWork<TFunction, T>.ForThisThread;
                work.Set(function, px, pdy, pdx, x.Length);
                WorkerPool.Run(work, Parallelism.ThreadCount);
                return;
            }
        }

        BackwardSerial(function, x, dy, dx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardSerial<TFunction, T>(TFunction function, ReadOnlySpan<T> x, Span<T> y)
        where TFunction : struct, IVectorActivationValue<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
        var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
        for (int v = 0; v < vx.Length; v++)
        {
            vy[v] = function.Value(vx[v]);
        }

        int done = vx.Length * Vector<T>.Count;
        if (done < x.Length)
        {
            Span<T> lanes = stackalloc T[Vector<T>.Count];
            var tail = Pad(x[done..], lanes);
            function.Value(tail).CopyTo(lanes);
            lanes[..(x.Length - done)].CopyTo(y[done..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardSerial<TFunction, T>(TFunction function, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where TFunction : struct, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
        var vdy = MemoryMarshal.Cast<T, Vector<T>>(dy);
        var vdx = MemoryMarshal.Cast<T, Vector<T>>(dx);
        for (int v = 0; v < vx.Length; v++)
        {
            vdx[v] = function.Gradient(vx[v], vdy[v]);
        }

        int done = vx.Length * Vector<T>.Count;
        if (done < x.Length)
        {
            Span<T> lanes = stackalloc T[Vector<T>.Count];
            var tailX = Pad(x[done..], lanes);
            var tailDy = Pad(dy[done..], lanes);
            function.Gradient(tailX, tailDy).CopyTo(lanes);
            lanes[..(x.Length - done)].CopyTo(dx[done..]);
        }
    }

    /// <summary>The fewer-than-one-vector <paramref name="tail"/> as one vector, the lanes past its end zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Pad<T>(ReadOnlySpan<T> tail, Span<T> lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        lanes.Clear();
        tail.CopyTo(lanes);
        return new Vector<T>(lanes);
    }

    // The formulas exist only as vector code: element types without Vector<T> (Half) are converted by the callers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Check<T>(int a, int b, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            throw new NotSupportedException($"The vector activation loops take float and double, not {typeof(T).Name}.");
        }

        if (a != b || a != c)
        {
            throw new ArgumentException($"Activation kernel spans differ in length: {a}, {b}, {c}.");
        }
    }

    /// <summary>One forward pass split into contiguous ranges of whole cache lines, one per thread.</summary>
    private sealed class ForwardWork<TFunction, T> : IParallelWork
        where TFunction : struct, IVectorActivationValue<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static ForwardWork<TFunction, T>? s_forThisThread;

        private TFunction _function;
        private T* _x;
        private T* _y;
        private int _length;

        public static ForwardWork<TFunction, T> ForThisThread => s_forThisThread ??= new ForwardWork<TFunction, T>();

        public void Set(TFunction function, T* x, T* y, int length)
        {
            _function = function;
            _x = x;
            _y = y;
            _length = length;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.CacheLineRange<T>(_length, part, parts);
            if (last > first)
            {
                ForwardSerial(_function, new ReadOnlySpan<T>(_x + first, last - first), new Span<T>(_y + first, last - first));
            }
        }
    }

    /// <summary>One backward pass split into contiguous ranges of whole cache lines, one per thread.</summary>
    private sealed class BackwardWork<TFunction, T> : IParallelWork
        where TFunction : struct, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static BackwardWork<TFunction, T>? s_forThisThread;

        private TFunction _function;
        private T* _x;
        private T* _dy;
        private T* _dx;
        private int _length;

        public static BackwardWork<TFunction, T> ForThisThread => s_forThisThread ??= new BackwardWork<TFunction, T>();

        public void Set(TFunction function, T* x, T* dy, T* dx, int length)
        {
            _function = function;
            _x = x;
            _dy = dy;
            _dx = dx;
            _length = length;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.CacheLineRange<T>(_length, part, parts);
            if (last > first)
            {
                int count = last - first;
                BackwardSerial(_function, new ReadOnlySpan<T>(_x + first, count), new ReadOnlySpan<T>(_dy + first, count), new Span<T>(_dx + first, count));
            }
        }
    }
}
