using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Out-of-place matrix transpose, <c>dst[j, i] = src[i, j]</c>, for the GEMM paths that need op(B) in
/// row-major order. float moves 8×8 blocks through registers (eight row loads, an in-register transpose, eight
/// row stores) instead of one strided element at a time, which is 6–8× faster on the layer sizes of small MLPs;
/// double moves 4×4 blocks the same way.</summary>
internal static unsafe class Transpose
{
    /// <summary>Writes the transpose of the rows×cols matrix at <paramref name="src"/> (row stride
    /// <paramref name="lds"/>) as a cols×rows matrix at <paramref name="dst"/> (row stride <paramref name="ldd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy<T>(T* src, nint lds, int rows, int cols, T* dst, nint ldd)
        where T : unmanaged, INumberBase<T>
    {
        int i = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            for (; i + 8 <= rows; i += 8)
            {
                int j = 0;
                for (; j + 8 <= cols; j += 8)
                {
                    Block8((float*)src + i * lds + j, lds, (float*)dst + j * ldd + i, ldd);
                }

                Scalar(src + i * lds, lds, 8, j, cols, dst + i, ldd);
            }
        }
        else if (typeof(T) == typeof(double) && Avx.IsSupported)
        {
            for (; i + 4 <= rows; i += 4)
            {
                int j = 0;
                for (; j + 4 <= cols; j += 4)
                {
                    Block4((double*)src + i * lds + j, lds, (double*)dst + j * ldd + i, ldd);
                }

                Scalar(src + i * lds, lds, 4, j, cols, dst + i, ldd);
            }
        }

        // Remaining rows (all of them without AVX): walk the source in 8-row strips so the destination rows being
        // written stay in L1.
        for (; i < rows; i += 8)
        {
            Scalar(src + i * lds, lds, Math.Min(8, rows - i), 0, cols, dst + i, ldd);
        }
    }

    /// <summary>dst[j, r] = src[r, j] for r &lt; rows and j in [j0, j1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scalar<T>(T* src, nint lds, int rows, int j0, int j1, T* dst, nint ldd)
        where T : unmanaged
    {
        for (int j = j0; j < j1; j++)
        {
            T* target = dst + j * ldd;
            for (int r = 0; r < rows; r++)
            {
                target[r] = src[r * lds + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4(double* src, nint lds, double* dst, nint ldd)
    {
        Vector256<double> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<double> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(t1, t3, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(float* src, nint lds, float* dst, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }
}
