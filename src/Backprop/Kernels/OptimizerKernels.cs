using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>Element-wise optimiser updates as single vectorised passes over weight, gradient and state. Each
/// kernel evaluates exactly the scalar formula in its summary, operation by operation and without fused
/// multiply-adds, so a vector lane and the scalar tail round identically; large parameters are split into fixed
/// ranges over <see cref="Parallelism.ThreadCount"/> threads (the update is memory bound), which therefore gives
/// the same bits at any thread count.</summary>
public static unsafe class OptimizerKernels
{
    /// <summary>Parameters with fewer elements than this are updated on the calling thread (a fork/join would cost
    /// more than it saves).</summary>
    private const int ParallelThreshold = 1 << 16;

    /// <summary>Plain SGD: <c>w ← w − η·g</c>.</summary>
    public static void SgdStep<T>(Span<T> weight, ReadOnlySpan<T> gradient, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, gradient.Length, gradient.Length);
        int parts = PartsFor(weight.Length);
        if (parts <= 1)
        {
            SgdRange(weight, gradient, learningRate);
            return;
        }

        fixed (T* w = weight, g = gradient)
        {
            var work = SgdWork<T>.ForThisThread;
            work.Set(w, null, g, weight.Length, learningRate, T.Zero, nesterov: false, momentum: false);
            WorkerPool.Run(work, parts);
            work.Clear();
        }
    }

    /// <summary>SGD with momentum, Keras form: <c>v ← μ·v − η·g</c>, then <c>w ← w + v</c>, or with Nesterov
    /// <c>w ← w + (μ·v − η·g)</c> using the new v.</summary>
    public static void SgdMomentumStep<T>(Span<T> weight, Span<T> velocity, ReadOnlySpan<T> gradient, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, velocity.Length, gradient.Length);
        int parts = PartsFor(weight.Length);
        if (parts <= 1)
        {
            SgdMomentumRange(weight, velocity, gradient, learningRate, momentum, nesterov);
            return;
        }

        fixed (T* w = weight, v = velocity, g = gradient)
        {
            var work = SgdWork<T>.ForThisThread;
            work.Set(w, v, g, weight.Length, learningRate, momentum, nesterov, momentum: true);
            WorkerPool.Run(work, parts);
            work.Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdRange<T>(Span<T> weight, ReadOnlySpan<T> gradient, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var w = MemoryMarshal.Cast<T, Vector<T>>(weight);
            var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var lr = new Vector<T>(learningRate);
            for (int v = 0; v < w.Length; v++)
            {
                w[v] -= lr * g[v];
            }

            i = w.Length * Vector<T>.Count;
        }

        for (; i < weight.Length; i++)
        {
            weight[i] -= learningRate * gradient[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SgdMomentumRange<T>(Span<T> weight, Span<T> velocity, ReadOnlySpan<T> gradient, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var w = MemoryMarshal.Cast<T, Vector<T>>(weight);
            var vel = MemoryMarshal.Cast<T, Vector<T>>(velocity);
            var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var lr = new Vector<T>(learningRate);
            var mu = new Vector<T>(momentum);
            if (nesterov)
            {
                for (int v = 0; v < w.Length; v++)
                {
                    var step = lr * g[v];
                    var next = mu * vel[v] - step;
                    vel[v] = next;
                    w[v] += mu * next - step;
                }
            }
            else
            {
                for (int v = 0; v < w.Length; v++)
                {
                    var next = mu * vel[v] - lr * g[v];
                    vel[v] = next;
                    w[v] += next;
                }
            }

            i = w.Length * Vector<T>.Count;
        }

        for (; i < weight.Length; i++)
        {
            T step = learningRate * gradient[i];
            T next = momentum * velocity[i] - step;
            velocity[i] = next;
            weight[i] += nesterov ? momentum * next - step : next;
        }
    }

    private static int PartsFor(int length) =>
        length < ParallelThreshold ? 1 : Math.Min(Parallelism.ThreadCount, length / (ParallelThreshold / 2));

    /// <summary>One update over the whole parameter, split into equal ranges whose boundaries are multiples of the
    /// vector width.</summary>
    private sealed class SgdWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static SgdWork<T>? t_instance;

        private T* _weight;
        private T* _velocity;
        private T* _gradient;
        private int _length;
        private T _learningRate;
        private T _momentum;
        private bool _nesterov;
        private bool _withMomentum;

        public static SgdWork<T> ForThisThread => t_instance ??= new SgdWork<T>();

        public void Set(T* weight, T* velocity, T* gradient, int length, T learningRate, T momentumFactor, bool nesterov, bool momentum)
        {
            _weight = weight;
            _velocity = velocity;
            _gradient = gradient;
            _length = length;
            (_learningRate, _momentum, _nesterov, _withMomentum) = (learningRate, momentumFactor, nesterov, momentum);
        }

        public void Clear()
        {
            _weight = null;
            _velocity = null;
            _gradient = null;
        }

        public void Execute(int part, int parts)
        {
            int chunk = (_length / parts + Vector<T>.Count - 1) / Vector<T>.Count * Vector<T>.Count;
            int start = Math.Min(part * chunk, _length);
            int count = part == parts - 1 ? _length - start : Math.Min(chunk, _length - start);
            var weight = new Span<T>(_weight + start, count);
            var gradient = new ReadOnlySpan<T>(_gradient + start, count);
            if (_withMomentum)
            {
                SgdMomentumRange(weight, new Span<T>(_velocity + start, count), gradient, _learningRate, _momentum, _nesterov);
            }
            else
            {
                SgdRange(weight, gradient, _learningRate);
            }
        }
    }

    private static void CheckLengths(int weight, int state, int gradient)
    {
        if (weight != state || weight != gradient)
        {
            throw new ArgumentException($"Optimizer kernel spans differ in length: weight {weight}, state {state}, gradient {gradient}.");
        }
    }
}
