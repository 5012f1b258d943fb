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

    /// <summary>The store rule on the first <paramref name="count"/> (1 ≤ count ≤ width) lanes only; masked loads
    /// and stores never touch (or fault on) memory past them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StorePartial<T>(T* c, Vector256<T> acc, Vector256<T> alpha, Vector256<T> beta, bool betaIsZero, int count)
        where T : unmanaged, INumberBase<T>
    {
        Vector256<T> mask = Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(count)));
        Vector256<T> scaled = acc * alpha;
        if (typeof(T) == typeof(float))
        {
            if (!betaIsZero)
            {
                scaled = MultiplyAdd(Avx.MaskLoad((float*)c, mask.AsSingle()).As<float, T>(), beta, scaled);
            }

            Avx.MaskStore((float*)c, mask.AsSingle(), scaled.AsSingle());
        }
        else
        {
            if (!betaIsZero)
            {
                scaled = MultiplyAdd(Avx.MaskLoad((double*)c, mask.AsDouble()).As<double, T>(), beta, scaled);
            }

            Avx.MaskStore((double*)c, mask.AsDouble(), scaled.AsDouble());
        }
    }

    /// <summary>512-bit form of <see cref="StorePartial{T}(T*, Vector256{T}, Vector256{T}, Vector256{T}, bool, int)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StorePartial<T>(T* c, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool betaIsZero, int count)
        where T : unmanaged, INumberBase<T>
    {
        Vector512<T> mask = Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));
        Vector512<T> scaled = acc * alpha;
        if (typeof(T) == typeof(float))
        {
            if (!betaIsZero)
            {
                scaled = MultiplyAdd(Avx512F.MaskLoad((float*)c, mask.AsSingle(), Vector512<float>.Zero).As<float, T>(), beta, scaled);
            }

            Avx512F.MaskStore((float*)c, mask.AsSingle(), scaled.AsSingle());
        }
        else
        {
            if (!betaIsZero)
            {
                scaled = MultiplyAdd(Avx512F.MaskLoad((double*)c, mask.AsDouble(), Vector512<double>.Zero).As<double, T>(), beta, scaled);
            }

            Avx512F.MaskStore((double*)c, mask.AsDouble(), scaled.AsDouble());
        }
    }

    /// <summary>One row of a two-vector tile, <paramref name="cols"/> (1 ≤ cols ≤ 2·width) wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreRow<T>(T* c, Vector256<T> lo, Vector256<T> hi, Vector256<T> alpha, Vector256<T> beta, bool betaIsZero, int cols)
        where T : unmanaged, INumberBase<T>
    {
        int w = Vector256<T>.Count;
        if (cols > w)
        {
            Store(c, lo, alpha, beta, betaIsZero);
            StorePartial(c + w, hi, alpha, beta, betaIsZero, cols - w);
        }
        else
        {
            StorePartial(c, lo, alpha, beta, betaIsZero, cols);
        }
    }

    /// <summary>512-bit form of <see cref="StoreRow{T}(T*, Vector256{T}, Vector256{T}, Vector256{T}, Vector256{T}, bool, int)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreRow<T>(T* c, Vector512<T> lo, Vector512<T> hi, Vector512<T> alpha, Vector512<T> beta, bool betaIsZero, int cols)
        where T : unmanaged, INumberBase<T>
    {
        int w = Vector512<T>.Count;
        if (cols > w)
        {
            Store(c, lo, alpha, beta, betaIsZero);
            StorePartial(c + w, hi, alpha, beta, betaIsZero, cols - w);
        }
        else
        {
            StorePartial(c, lo, alpha, beta, betaIsZero, cols);
        }
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
