using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Copies blocks of op(A) and op(B) into the contiguous, zero-padded sliver layout the micro-kernels
/// stream through: A as <c>rows</c>-row slivers (<c>dst[p·rows + r]</c>), B as <c>nr</c>-column slivers
/// (<c>dst[p·nr + j]</c>). Padding with zeros lets edge tiles run the full kernel.</summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into ⌈mc/rows⌉ slivers of rows×kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(bool transposeA, T* a, nint lda, int i0, int mc, int p0, int kc, int rows, T* dst)
        where T : unmanaged, INumber<T>
    {
        for (int ir = 0; ir < mc; ir += rows)
        {
            int valid = Math.Min(rows, mc - ir);
            if (transposeA)
            {
                // op(A)[i, p] = a[p·lda + i]: each k step copies `valid` neighbours.
                T* src = a + (nint)p0 * lda + i0 + ir;
                if (valid == rows && CopyRuns((byte*)src, lda * sizeof(T), kc, rows * sizeof(T), (byte*)dst))
                {
                    dst += kc * rows;
                    continue;
                }

                for (int p = 0; p < kc; p++)
                {
                    T* s = src + p * lda;
                    int r = 0;
                    for (; r < valid; r++)
                    {
                        dst[r] = s[r];
                    }

                    for (; r < rows; r++)
                    {
                        dst[r] = T.Zero;
                    }

                    dst += rows;
                }
            }
            else if (valid == rows && rows <= 8 && typeof(T) == typeof(float) && Avx.IsSupported)
            {
                dst = (T*)PackRowsTransposing((float*)a + (nint)(i0 + ir) * lda + p0, lda, kc, rows, (float*)dst);
            }
            else if (valid == rows && rows == GemmMicroKernels.Avx512Rows)
            {
                T* r0 = a + (nint)(i0 + ir) * lda + p0;
                T* r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
                for (int p = 0; p < kc; p++)
                {
                    dst[0] = r0[p];
                    dst[1] = r1[p];
                    dst[2] = r2[p];
                    dst[3] = r3[p];
                    dst[4] = r4[p];
                    dst[5] = r5[p];
                    dst[6] = r6[p];
                    dst[7] = r7[p];
                    dst += rows;
                }
            }
            else if (valid == rows && rows == GemmMicroKernels.Rows)
            {
                T* r0 = a + (nint)(i0 + ir) * lda + p0;
                T* r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
                for (int p = 0; p < kc; p++)
                {
                    dst[0] = r0[p];
                    dst[1] = r1[p];
                    dst[2] = r2[p];
                    dst[3] = r3[p];
                    dst[4] = r4[p];
                    dst[5] = r5[p];
                    dst += rows;
                }
            }
            else
            {
                T* src = a + (nint)(i0 + ir) * lda + p0;
                for (int p = 0; p < kc; p++)
                {
                    int r = 0;
                    for (; r < valid; r++)
                    {
                        dst[r] = src[r * lda + p];
                    }

                    for (; r < rows; r++)
                    {
                        dst[r] = T.Zero;
                    }

                    dst += rows;
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> runs of <paramref name="bytes"/> bytes, <paramref name="stride"/> bytes
    /// apart, one after another into <paramref name="dst"/>, in whole vectors: a transposed A's sliver (the weight
    /// gradient's xᵀ), 6 or 8 rows of float or double. Element by element, the 6-row float sliver of the AVX2 kernel
    /// took 71 µs for a 784×128 block against 11 µs for the 8-row one in one vector per run. False (nothing
    /// copied) for other run lengths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CopyRuns(byte* src, nint stride, int count, int bytes, byte* dst)
    {
        switch (bytes)
        {
            case 24:
                for (int p = 0; p < count; p++, src += stride, dst += 24)
                {
                    Vector128.Store(Vector128.Load(src), dst);
                    *(ulong*)(dst + 16) = *(ulong*)(src + 16);
                }

                return true;
            case 32:
                for (int p = 0; p < count; p++, src += stride, dst += 32)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                }

                return true;
            case 48:
                for (int p = 0; p < count; p++, src += stride, dst += 48)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector128.Store(Vector128.Load(src + 32), dst + 32);
                }

                return true;
            case 64:
                for (int p = 0; p < count; p++, src += stride, dst += 64)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector256.Store(Vector256.Load(src + 32), dst + 32);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>One sliver of <paramref name="rows"/> (≤ 8) float rows of A, kc deep, transposed 8 columns at a time
    /// with an in-register 8×8 transpose (missing rows repeat the last one and are overwritten). With fewer
    /// than 8 rows each 8-wide store spills into the next column's slots, so the vector loop stops while a
    /// column is still left for the scalar tail to write. Returns the end of the sliver.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* PackRowsTransposing(float* src, nint lda, int kc, int rows, float* dst)
    {
        float* r0 = src, r1 = src + Math.Min(1, rows - 1) * lda, r2 = src + Math.Min(2, rows - 1) * lda;
        float* r3 = src + Math.Min(3, rows - 1) * lda, r4 = src + Math.Min(4, rows - 1) * lda;
        float* r5 = src + Math.Min(5, rows - 1) * lda, r6 = src + Math.Min(6, rows - 1) * lda;
        float* r7 = src + Math.Min(7, rows - 1) * lda;
        int vectorEnd = rows == 8 ? kc - 7 : kc - 8;
        int p = 0;
        for (; p < vectorEnd; p += 8)
        {
            Vector256<float> t0 = Avx.UnpackLow(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));
            Vector256<float> t1 = Avx.UnpackHigh(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));
            Vector256<float> t2 = Avx.UnpackLow(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
            Vector256<float> t3 = Avx.UnpackHigh(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
            Vector256<float> t4 = Avx.UnpackLow(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
            Vector256<float> t5 = Avx.UnpackHigh(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
            Vector256<float> t6 = Avx.UnpackLow(Avx.LoadVector256(r6 + p), Avx.LoadVector256(r7 + p));
            Vector256<float> t7 = Avx.UnpackHigh(Avx.LoadVector256(r6 + p), Avx.LoadVector256(r7 + p));
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Store(dst + 0 * rows, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(dst + 1 * rows, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(dst + 2 * rows, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(dst + 3 * rows, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(dst + 4 * rows, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(dst + 5 * rows, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(dst + 6 * rows, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(dst + 7 * rows, Avx.Permute2x128(u3, u7, 0x31));
            dst += 8 * rows;
        }

        for (; p < kc; p++)
        {
            for (int r = 0; r < rows; r++)
            {
                dst[r] = src[r * lda + p];
            }

            dst += rows;
        }

        return dst;
    }

    /// <summary>Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ⌈nc/nr⌉ slivers of kc×nr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(bool transposeB, T* b, nint ldb, int p0, int kc, int j0, int nc, int nr, T* dst)
        where T : unmanaged, INumber<T>
    {
        int w = Vector256<T>.Count;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int valid = Math.Min(nr, nc - jr);
            if (transposeB)
            {
                // op(B)[p, j] = b[j·ldb + p]: the sliver is the transpose of `valid` source rows, kc long, moved in
                // register-transposed blocks (one strided element at a time, this packing cost about half as much
                // as the product it fed: a 128×512×512 product's 256-deep slices took 117 µs to pack against 20 µs
                // without the transpose).
                Transpose.Copy(b + (nint)(j0 + jr) * ldb + p0, ldb, valid, kc, dst, nr);
                if (valid < nr)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        new Span<T>(dst + (nint)p * nr + valid, nr - valid).Clear();
                    }
                }

                dst += kc * nr;
            }
            else
            {
                T* src = b + (nint)p0 * ldb + j0 + jr;
                if (valid == nr && Vector256.IsHardwareAccelerated && nr % w == 0)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + p * ldb;
                        for (int j = 0; j < nr; j += w)
                        {
                            Vector256.Store(Vector256.Load(s + j), dst + j);
                        }

                        dst += nr;
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + p * ldb;
                        int j = 0;
                        for (; j < valid; j++)
                        {
                            dst[j] = s[j];
                        }

                        for (; j < nr; j++)
                        {
                            dst[j] = T.Zero;
                        }

                        dst += nr;
                    }
                }
            }
        }
    }
}
