using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>Element-wise optimiser updates as single vectorised passes over weight, gradient and state. Each
/// kernel evaluates exactly the scalar formula in its summary, operation by operation and without fused
/// multiply-adds, so a vector lane and the scalar tail round identically. They run on the calling thread:
/// splitting the update over the workers was measured slower at every MNIST size here (the fork/join and the
/// second core's cache misses cost more than the memory-bound pass saves).</summary>
public static class OptimizerKernels
{
    /// <summary>Plain SGD: <c>w ← w − η·g</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep<T>(Span<T> weight, ReadOnlySpan<T> gradient, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, gradient.Length, gradient.Length);
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

    /// <summary>SGD with momentum, Keras form: <c>v ← μ·v − η·g</c>, then <c>w ← w + v</c>, or with Nesterov
    /// <c>w ← w + (μ·v − η·g)</c> using the new v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdMomentumStep<T>(Span<T> weight, Span<T> velocity, ReadOnlySpan<T> gradient, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(weight.Length, velocity.Length, gradient.Length);
        int i = 0;
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
            for (; i <= weight.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var step = lr * Vector512.LoadUnsafe(ref g, (nuint)i);
                var next = mu * Vector512.LoadUnsafe(ref vel, (nuint)i) - step;
                next.StoreUnsafe(ref vel, (nuint)i);
                var wi = Vector512.LoadUnsafe(ref w, (nuint)i);
                (nesterov ? wi + (mu * next - step) : wi + next).StoreUnsafe(ref w, (nuint)i);
            }
        }
        else if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
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

    private static void CheckLengths(int weight, int state, int gradient)
    {
        if (weight != state || weight != gradient)
        {
            throw new ArgumentException($"Optimizer kernel spans differ in length: weight {weight}, state {state}, gradient {gradient}.");
        }
    }
}
