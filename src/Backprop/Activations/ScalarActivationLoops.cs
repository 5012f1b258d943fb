using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Activations;

/// <summary>Forward and backward loops over an <see cref="IScalarActivation"/> struct.</summary>
internal static class ScalarActivationLoops
{
    public static void Forward<TFunction, T>(TFunction function, ReadOnlySpan<T> x, Span<T> y)
        where TFunction : struct, IScalarActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = function.Value(x[i]);
        }
    }

    // dx may be dy itself: each dy[i] is read before dx[i] is written.
    public static void Backward<TFunction, T>(TFunction function, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where TFunction : struct, IScalarActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            dx[i] = dy[i] * function.Derivative(x[i], y[i]);
        }
    }
}
