using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Fused multiply-add and the GEMM store rule on vectors of float or double. The type tests fold away
/// when the JIT specialises for T, so generic kernels compile to the same code as hand-written ones.</summary>
internal static class GemmSimd
{
    /// <summary>a·b + c with one rounding (vfmadd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <summary>a·b + c with one rounding (512-bit vfmadd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <summary>The GEMM store rule on one vector: <c>β·c + α·acc</c> as fma(c, β, α·acc), or <c>α·acc</c>
    /// without reading c when β = 0. <see cref="Store{T}(T, T, T, T, bool)"/> is the same rule on one element,
    /// so edge tiles round exactly like full ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store<T>(T* c, Vector256<T> acc, Vector256<T> alpha, Vector256<T> beta, bool betaIsZero)
        where T : unmanaged
    {
        Vector256<T> scaled = acc * alpha;
        if (!betaIsZero)
        {
            scaled = MultiplyAdd(Vector256.Load(c), beta, scaled);
        }

        Vector256.Store(scaled, c);
    }

    /// <summary>512-bit form of <see cref="Store{T}(T*, Vector256{T}, Vector256{T}, Vector256{T}, bool)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store<T>(T* c, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool betaIsZero)
        where T : unmanaged
    {
        Vector512<T> scaled = acc * alpha;
        if (!betaIsZero)
        {
            scaled = MultiplyAdd(Vector512.Load(c), beta, scaled);
        }

        Vector512.Store(scaled, c);
    }

    /// <summary>The store rule on one element: fma(c, β, α·acc), or α·acc when β = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Store<T>(T c, T acc, T alpha, T beta, bool betaIsZero)
        where T : IFloatingPointIeee754<T>
    {
        T scaled = acc * alpha;
        return betaIsZero ? scaled : T.FusedMultiplyAdd(c, beta, scaled);
    }
}
