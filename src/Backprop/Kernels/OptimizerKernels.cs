using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>Element-wise optimiser updates as single vectorised passes over weight, gradient and state. Each
/// kernel evaluates exactly the scalar formula in its summary, operation by operation and without fused
/// multiply-adds, so a vector lane and the scalar tail round identically, and results do not depend on how the
/// pass is split. Tensors below <see cref="ParallelLength"/> elements update on the calling thread: for them the
/// fork/join and the second core's cache misses cost more than the memory-bound pass saves (a 784×100 kernel was
/// measured slower split at every batch size). Each kernel returns max |w| over the updated weights, measured in the pass
/// that writes them (see <see cref="LargestMagnitude"/>), so the optimiser's non-finite guard never reads the weights
/// again.</summary>
public static unsafe class OptimizerKernels
{
    /// <summary>Updates of at least this many elements (1 MiB of float weights, more than an L2 holds beside its
    /// gradient) are split over <see cref="Parallelism.ThreadCount"/> threads.</summary>
    public const int ParallelLength = 1 << 18;

    /// <summary>Plain SGD: <c>w ← w − η·g</c>. Returns max |w| after the update (NaN or ∞ when one is not
    /// finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SgdStep<T>(Span<T> weight, ReadOnlySpan<T> gradient, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, gradient.Length, gradient.Length);
        if (weight.Length >= ParallelLength && Parallelism.ThreadCount > 1)
        {
            fixed (T* w = weight, g = gradient)
            {
                var job = SplitStep<T>.ForThisThread;
                job.Set(w, null, g, weight.Length, learningRate, T.Zero, nesterov: false, momentum: false);
                WorkerPool.Run(job, Parallelism.ThreadCount);
                return job.Largest;
            }
        }

        return LargestMagnitude.ToMagnitude<T>(SgdStepSerial(weight, gradient, learningRate));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long SgdStepSerial<T>(Span<T> weight, ReadOnlySpan<T> gradient, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        long largest = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // Full-width vectors and unchecked refs, as in the momentum kernel below: the measuring max adds two
            // operations per vector, which on 256-bit vectors made small (cache-resident) updates 40% slower.
            ref T w = ref MemoryMarshal.GetReference(weight);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            var lr = Vector512.Create(learningRate);
            var largestLanes = Vector512<T>.Zero;
            for (; i <= weight.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var next = Vector512.LoadUnsafe(ref w, (nuint)i) - (lr * Vector512.LoadUnsafe(ref g, (nuint)i));
                next.StoreUnsafe(ref w, (nuint)i);
                largestLanes = LargestMagnitude.Accumulate(largestLanes, next);
            }

            largest = LargestMagnitude.Reduce(largest, largestLanes);
        }
        else if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var w = MemoryMarshal.Cast<T, Vector<T>>(weight);
            var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var lr = new Vector<T>(learningRate);
            var largestLanes = Vector<T>.Zero;
            for (int v = 0; v < w.Length; v++)
            {
                var next = w[v] - (lr * g[v]);
                w[v] = next;
                largestLanes = LargestMagnitude.Accumulate(largestLanes, next);
            }

            largest = LargestMagnitude.Reduce(largest, largestLanes);
            i = w.Length * Vector<T>.Count;
        }

        for (; i < weight.Length; i++)
        {
            T next = weight[i] - (learningRate * gradient[i]);
            weight[i] = next;
            largest = LargestMagnitude.Accumulate(largest, next);
        }

        return largest;
    }

    /// <summary>SGD with momentum, Keras form: <c>v ← μ·v − η·g</c>, then <c>w ← w + v</c>, or with Nesterov
    /// <c>w ← w + (μ·v − η·g)</c> using the new v; μ·v is zero where it would be subnormal and a subnormal v is stored
    /// as zero, as on a processor that flushes subnormals (<see cref="Subnormals"/>). Returns max |w| after the
    /// update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SgdMomentumStep<T>(Span<T> weight, Span<T> velocity, ReadOnlySpan<T> gradient, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, velocity.Length, gradient.Length);
        if (weight.Length >= ParallelLength && Parallelism.ThreadCount > 1)
        {
            fixed (T* w = weight, v = velocity, g = gradient)
            {
                var job = SplitStep<T>.ForThisThread;
                job.Set(w, v, g, weight.Length, learningRate, momentum, nesterov, momentum: true);
                WorkerPool.Run(job, Parallelism.ThreadCount);
                return job.Largest;
            }
        }

        return LargestMagnitude.ToMagnitude<T>(SgdMomentumStepSerial(weight, velocity, gradient, learningRate, momentum, nesterov));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long SgdMomentumStepSerial<T>(Span<T> weight, Span<T> velocity, ReadOnlySpan<T> gradient, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // μ·v is zero where it would be subnormal (a velocity decaying while its gradient is zero), and a subnormal
        // new velocity is stored as zero (Subnormals).
        T leastForMomentum = Subnormals.ProductThreshold(momentum);
        T normal = Subnormals.SmallestNormal<T>();
        int i = 0;
        long largest = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // Unchecked refs: the parameters of small models are a few hundred values, where the span casts and
            // bounds checks of the Vector<T> loop (the fallback below) cost as much as the update; the last
            // partial vector goes to the scalar loop.
            ref T w = ref MemoryMarshal.GetReference(weight);
            ref T vel = ref MemoryMarshal.GetReference(velocity);
            ref T g = ref MemoryMarshal.GetReference(gradient);
            var lr = Vector512.Create(learningRate);
            var mu = Vector512.Create(momentum);
            var leastV = Vector512.Create(leastForMomentum);
            var leastNormal = Vector512.Create(normal);
            var largestLanes = Vector512<T>.Zero;
            for (; i <= weight.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var step = lr * Vector512.LoadUnsafe(ref g, (nuint)i);
                var next = Subnormals.ZeroBelow(mu * Subnormals.ZeroBelow(Vector512.LoadUnsafe(ref vel, (nuint)i), leastV) - step, leastNormal);
                next.StoreUnsafe(ref vel, (nuint)i);
                var wi = Vector512.LoadUnsafe(ref w, (nuint)i);
                var updated = nesterov ? wi + (mu * next - step) : wi + next;
                updated.StoreUnsafe(ref w, (nuint)i);
                largestLanes = LargestMagnitude.Accumulate(largestLanes, updated);
            }

            largest = LargestMagnitude.Reduce(largest, largestLanes);
        }
        else if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var w = MemoryMarshal.Cast<T, Vector<T>>(weight);
            var vel = MemoryMarshal.Cast<T, Vector<T>>(velocity);
            var g = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var lr = new Vector<T>(learningRate);
            var mu = new Vector<T>(momentum);
            var leastV = new Vector<T>(leastForMomentum);
            var leastNormal = new Vector<T>(normal);
            var largestLanes = Vector<T>.Zero;
            if (nesterov)
            {
                for (int v = 0; v < w.Length; v++)
                {
                    var step = lr * g[v];
                    var next = Subnormals.ZeroBelow(mu * Subnormals.ZeroBelow(vel[v], leastV) - step, leastNormal);
                    vel[v] = next;
                    var updated = w[v] + (mu * next - step);
                    w[v] = updated;
                    largestLanes = LargestMagnitude.Accumulate(largestLanes, updated);
                }
            }
            else
            {
                for (int v = 0; v < w.Length; v++)
                {
                    var next = Subnormals.ZeroBelow(mu * Subnormals.ZeroBelow(vel[v], leastV) - lr * g[v], leastNormal);
                    vel[v] = next;
                    var updated = w[v] + next;
                    w[v] = updated;
                    largestLanes = LargestMagnitude.Accumulate(largestLanes, updated);
                }
            }

            largest = LargestMagnitude.Reduce(largest, largestLanes);
            i = w.Length * Vector<T>.Count;
        }

        for (; i < weight.Length; i++)
        {
            T step = learningRate * gradient[i];
            T next = Subnormals.ZeroBelow(momentum * Subnormals.ZeroBelow(velocity[i], leastForMomentum) - step, normal);
            velocity[i] = next;
            T updated = weight[i] + (nesterov ? momentum * next - step : next);
            weight[i] = updated;
            largest = LargestMagnitude.Accumulate(largest, updated);
        }

        return largest;
    }

    /// <summary>Adam (Keras form, bias correction folded into α): <c>m ← m + (g − m)·(1 − β₁)</c>,
    /// <c>v ← v + (g² − v)·(1 − β₂)</c>, <c>w ← w − m·α / (√v + ε)</c>, element by element on the calling thread.
    /// Every product that would be subnormal is zero and subnormal m and v are stored as zero, as on a processor that
    /// flushes subnormals (<see cref="Subnormals"/>). Returns max |w| after the update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double AdamStep<T>(Span<T> weight, Span<T> m, Span<T> v, ReadOnlySpan<T> gradient, T alpha, T oneMinusBeta1, T oneMinusBeta2, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, m.Length, gradient.Length);
        CheckLengths(weight.Length, v.Length, gradient.Length);
        // Guards that emulate a flushing processor where decaying state would make a subnormal: (g − m)·(1 − β₁)
        // once |m| < 2⁻¹²⁶/(1 − β₁), (g² − v)·(1 − β₂) once v < 2⁻¹²⁶/(1 − β₂), and m·α.
        T leastForBeta1 = Subnormals.ProductThreshold(oneMinusBeta1);
        T leastForBeta2 = Subnormals.ProductThreshold(oneMinusBeta2);
        T leastForAlpha = Subnormals.ProductThreshold(alpha);
        T normal = Subnormals.SmallestNormal<T>();
        int i = 0;
        long largest = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // Square root and division bound Adam's pass; full-width vectors do twice the elements per instruction.
            ref T wr = ref MemoryMarshal.GetReference(weight);
            ref T mr = ref MemoryMarshal.GetReference(m);
            ref T vr = ref MemoryMarshal.GetReference(v);
            ref T gr = ref MemoryMarshal.GetReference(gradient);
            var a = Vector512.Create(alpha);
            var c1 = Vector512.Create(oneMinusBeta1);
            var c2 = Vector512.Create(oneMinusBeta2);
            var eps = Vector512.Create(epsilon);
            var least1 = Vector512.Create(leastForBeta1);
            var least2 = Vector512.Create(leastForBeta2);
            var leastA = Vector512.Create(leastForAlpha);
            var leastNormal = Vector512.Create(normal);
            var largestLanes = Vector512<T>.Zero;
            for (; i <= weight.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gk = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var mOld = Vector512.LoadUnsafe(ref mr, (nuint)i);
                var vOld = Vector512.LoadUnsafe(ref vr, (nuint)i);
                var mk = Subnormals.MovingAverage(mOld, gk, c1, least1, leastNormal);
                var vk = Subnormals.MovingAverage(vOld, gk * gk, c2, least2, leastNormal);
                mk.StoreUnsafe(ref mr, (nuint)i);
                vk.StoreUnsafe(ref vr, (nuint)i);
                var scaled = Subnormals.ZeroBelow(mk, leastA) * a;
                var updated = Vector512.LoadUnsafe(ref wr, (nuint)i) - (scaled / (Vector512.Sqrt(vk) + eps));
                updated.StoreUnsafe(ref wr, (nuint)i);
                largestLanes = LargestMagnitude.Accumulate(largestLanes, updated);
            }

            largest = LargestMagnitude.Reduce(largest, largestLanes);
        }
        else if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var wv = MemoryMarshal.Cast<T, Vector<T>>(weight);
            var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
            var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var a = new Vector<T>(alpha);
            var c1 = new Vector<T>(oneMinusBeta1);
            var c2 = new Vector<T>(oneMinusBeta2);
            var eps = new Vector<T>(epsilon);
            var least1 = new Vector<T>(leastForBeta1);
            var least2 = new Vector<T>(leastForBeta2);
            var leastA = new Vector<T>(leastForAlpha);
            var leastNormal = new Vector<T>(normal);
            var largestLanes = Vector<T>.Zero;
            for (int k = 0; k < wv.Length; k++)
            {
                var gk = gv[k];
                var mk = Subnormals.MovingAverage(mv[k], gk, c1, least1, leastNormal);
                var vk = Subnormals.MovingAverage(vv[k], gk * gk, c2, least2, leastNormal);
                mv[k] = mk;
                vv[k] = vk;
                var scaled = Subnormals.ZeroBelow(mk, leastA) * a;
                var updated = wv[k] - (scaled / (Vector.SquareRoot(vk) + eps));
                wv[k] = updated;
                largestLanes = LargestMagnitude.Accumulate(largestLanes, updated);
            }

            largest = LargestMagnitude.Reduce(largest, largestLanes);
            i = wv.Length * Vector<T>.Count;
        }

        for (; i < weight.Length; i++)
        {
            T gi = gradient[i];
            T mi = Subnormals.MovingAverage(m[i], gi, oneMinusBeta1, leastForBeta1);
            T vi = Subnormals.MovingAverage(v[i], gi * gi, oneMinusBeta2, leastForBeta2);
            m[i] = mi;
            v[i] = vi;
            T scaled = Subnormals.ZeroBelow(mi, leastForAlpha) * alpha;
            T updated = weight[i] - (scaled / (T.Sqrt(vi) + epsilon));
            weight[i] = updated;
            largest = LargestMagnitude.Accumulate(largest, updated);
        }

        return LargestMagnitude.ToMagnitude<T>(largest);
    }

    /// <summary>One SGD update split into contiguous ranges of whole cache lines, one per thread.</summary>
    private sealed class SplitStep<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static SplitStep<T>? s_forThisThread;

        private T* _weight;
        private T* _velocity;
        private T* _gradient;
        private int _length;
        private T _learningRate;
        private T _momentum;
        private bool _nesterov;
        private bool _hasMomentum;
        private long[] _largestPerPart = new long[2];

        public static SplitStep<T> ForThisThread => s_forThisThread ??= new SplitStep<T>();

        /// <summary>max |w| over every part after the last run.</summary>
        public double Largest
        {
            get
            {
                long largest = 0;
                for (int part = 0; part < Parallelism.ThreadCount && part < _largestPerPart.Length; part++)
                {
                    largest = Math.Max(largest, _largestPerPart[part]);
                }

                return LargestMagnitude.ToMagnitude<T>(largest);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Set(T* weight, T* velocity, T* gradient, int length, T learningRate, T momentumValue, bool nesterov, bool momentum)
        {
            _weight = weight;
            _velocity = velocity;
            _gradient = gradient;
            _length = length;
            _learningRate = learningRate;
            _momentum = momentumValue;
            _nesterov = nesterov;
            _hasMomentum = momentum;
            if (_largestPerPart.Length < Parallelism.ThreadCount)
            {
                _largestPerPart = new long[Parallelism.ThreadCount];
            }

            Array.Clear(_largestPerPart);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.CacheLineRange<T>(_length, part, parts);
            int count = last - first;
            if (count <= 0)
            {
                return;
            }

            var weight = new Span<T>(_weight + first, count);
            var gradient = new ReadOnlySpan<T>(_gradient + first, count);
            _largestPerPart[part] = _hasMomentum
                ? SgdMomentumStepSerial(weight, new Span<T>(_velocity + first, count), gradient, _learningRate, _momentum, _nesterov)
                : SgdStepSerial(weight, gradient, _learningRate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckLengths(int weight, int state, int gradient)
    {
        if (weight != state || weight != gradient)
        {
            ThrowLengths(weight, state, gradient);
        }
    }

    // Apart from CheckLengths so that the kernels inlining it compile small.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int weight, int state, int gradient) =>
        throw new ArgumentException($"Optimizer kernel spans differ in length: weight {weight}, state {state}, gradient {gradient}.");
}
