using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Register-blocked GEMM micro-kernels on packed panels: A as MR-row slivers (<c>a[p·MR + r]</c>), B as
/// column slivers two vectors wide (<c>b[p·NR + j]</c>). The AVX2 kernel keeps a 6×2-vector tile of C in 12
/// accumulators (plus 2 B vectors and 1 broadcast: 15 of the 16 ymm registers), so every k step costs 2 loads
/// and 6 broadcasts for 12 FMAs; the AVX-512 one an 8×2-vector tile. Every element is a plain k-ordered chain of FMAs, whatever
/// the vector width, so all kernels (and the unpacked small-matrix path) give bit-identical results.</summary>
internal static unsafe class GemmMicroKernels
{
    /// <summary>Rows of the AVX2 and scalar register tiles (MR).</summary>
    public const int Rows = 6;

    /// <summary>Rows of the AVX-512 register tile (MR); 8 also divides the usual batch sizes.</summary>
    public const int Avx512Rows = 8;

    /// <summary>C tile (6 × 2·Vector256 width) ← store rule of the packed product; AVX2 + FMA. Only the top-left
    /// <paramref name="rows"/> × <paramref name="cols"/> corner is stored (masked), so edge tiles write C directly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2<T>(nint kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero, c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero, c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero;
        Vector256<T> c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero, c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero, c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> a0 = Vector256.Create(a[0]);
            c00 = GemmSimd.MultiplyAdd(a0, b0, c00);
            c01 = GemmSimd.MultiplyAdd(a0, b1, c01);
            Vector256<T> a1 = Vector256.Create(a[1]);
            c10 = GemmSimd.MultiplyAdd(a1, b0, c10);
            c11 = GemmSimd.MultiplyAdd(a1, b1, c11);
            Vector256<T> a2 = Vector256.Create(a[2]);
            c20 = GemmSimd.MultiplyAdd(a2, b0, c20);
            c21 = GemmSimd.MultiplyAdd(a2, b1, c21);
            Vector256<T> a3 = Vector256.Create(a[3]);
            c30 = GemmSimd.MultiplyAdd(a3, b0, c30);
            c31 = GemmSimd.MultiplyAdd(a3, b1, c31);
            Vector256<T> a4 = Vector256.Create(a[4]);
            c40 = GemmSimd.MultiplyAdd(a4, b0, c40);
            c41 = GemmSimd.MultiplyAdd(a4, b1, c41);
            Vector256<T> a5 = Vector256.Create(a[5]);
            c50 = GemmSimd.MultiplyAdd(a5, b0, c50);
            c51 = GemmSimd.MultiplyAdd(a5, b1, c51);
            a += Rows;
            b += 2 * w;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        if (rows < Rows || cols < 2 * w)
        {
            // Edge tile: rows after the last valid one are skipped, columns past cols masked off.
            GemmSimd.StoreRow(c, c00, c01, alphaV, betaV, betaIsZero, cols);
            if (rows > 1)
            {
                GemmSimd.StoreRow(c + 1 * ldc, c10, c11, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 2)
            {
                GemmSimd.StoreRow(c + 2 * ldc, c20, c21, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 3)
            {
                GemmSimd.StoreRow(c + 3 * ldc, c30, c31, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 4)
            {
                GemmSimd.StoreRow(c + 4 * ldc, c40, c41, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 5)
            {
                GemmSimd.StoreRow(c + 5 * ldc, c50, c51, alphaV, betaV, betaIsZero, cols);
            }

            return;
        }

        GemmSimd.Store(c + 0 * ldc, c00, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 0 * ldc + w, c01, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 1 * ldc, c10, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 1 * ldc + w, c11, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 2 * ldc, c20, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 2 * ldc + w, c21, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 3 * ldc, c30, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 3 * ldc + w, c31, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 4 * ldc, c40, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 4 * ldc + w, c41, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 5 * ldc, c50, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 5 * ldc + w, c51, alphaV, betaV, betaIsZero);
    }

    /// <summary>C tile (8 × 2·Vector512 width) ← store rule of the packed product; AVX-512F. 16 accumulators + 2 B
    /// vectors + 1 broadcast use 19 of the 32 zmm registers: 2 loads and 8 broadcasts per 16 FMAs. Only the
    /// top-left <paramref name="rows"/> × <paramref name="cols"/> corner is stored (masked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512<T>(nint kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector512<T>.Count;
        Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero;
        Vector512<T> c10 = Vector512<T>.Zero, c11 = Vector512<T>.Zero;
        Vector512<T> c20 = Vector512<T>.Zero, c21 = Vector512<T>.Zero;
        Vector512<T> c30 = Vector512<T>.Zero, c31 = Vector512<T>.Zero;
        Vector512<T> c40 = Vector512<T>.Zero, c41 = Vector512<T>.Zero;
        Vector512<T> c50 = Vector512<T>.Zero, c51 = Vector512<T>.Zero;
        Vector512<T> c60 = Vector512<T>.Zero, c61 = Vector512<T>.Zero;
        Vector512<T> c70 = Vector512<T>.Zero, c71 = Vector512<T>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            Vector512<T> a0 = Vector512.Create(a[0]);
            c00 = GemmSimd.MultiplyAdd(a0, b0, c00);
            c01 = GemmSimd.MultiplyAdd(a0, b1, c01);
            Vector512<T> a1 = Vector512.Create(a[1]);
            c10 = GemmSimd.MultiplyAdd(a1, b0, c10);
            c11 = GemmSimd.MultiplyAdd(a1, b1, c11);
            Vector512<T> a2 = Vector512.Create(a[2]);
            c20 = GemmSimd.MultiplyAdd(a2, b0, c20);
            c21 = GemmSimd.MultiplyAdd(a2, b1, c21);
            Vector512<T> a3 = Vector512.Create(a[3]);
            c30 = GemmSimd.MultiplyAdd(a3, b0, c30);
            c31 = GemmSimd.MultiplyAdd(a3, b1, c31);
            Vector512<T> a4 = Vector512.Create(a[4]);
            c40 = GemmSimd.MultiplyAdd(a4, b0, c40);
            c41 = GemmSimd.MultiplyAdd(a4, b1, c41);
            Vector512<T> a5 = Vector512.Create(a[5]);
            c50 = GemmSimd.MultiplyAdd(a5, b0, c50);
            c51 = GemmSimd.MultiplyAdd(a5, b1, c51);
            Vector512<T> a6 = Vector512.Create(a[6]);
            c60 = GemmSimd.MultiplyAdd(a6, b0, c60);
            c61 = GemmSimd.MultiplyAdd(a6, b1, c61);
            Vector512<T> a7 = Vector512.Create(a[7]);
            c70 = GemmSimd.MultiplyAdd(a7, b0, c70);
            c71 = GemmSimd.MultiplyAdd(a7, b1, c71);
            a += Avx512Rows;
            b += 2 * w;
        }

        bool betaIsZero = beta == T.Zero;
        Vector512<T> alphaV = Vector512.Create(alpha), betaV = Vector512.Create(beta);
        if (rows < Avx512Rows || cols < 2 * w)
        {
            // Edge tile: rows after the last valid one are skipped, columns past cols masked off.
            GemmSimd.StoreRow(c, c00, c01, alphaV, betaV, betaIsZero, cols);
            if (rows > 1)
            {
                GemmSimd.StoreRow(c + 1 * ldc, c10, c11, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 2)
            {
                GemmSimd.StoreRow(c + 2 * ldc, c20, c21, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 3)
            {
                GemmSimd.StoreRow(c + 3 * ldc, c30, c31, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 4)
            {
                GemmSimd.StoreRow(c + 4 * ldc, c40, c41, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 5)
            {
                GemmSimd.StoreRow(c + 5 * ldc, c50, c51, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 6)
            {
                GemmSimd.StoreRow(c + 6 * ldc, c60, c61, alphaV, betaV, betaIsZero, cols);
            }

            if (rows > 7)
            {
                GemmSimd.StoreRow(c + 7 * ldc, c70, c71, alphaV, betaV, betaIsZero, cols);
            }

            return;
        }

        GemmSimd.Store(c + 0 * ldc, c00, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 0 * ldc + w, c01, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 1 * ldc, c10, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 1 * ldc + w, c11, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 2 * ldc, c20, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 2 * ldc + w, c21, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 3 * ldc, c30, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 3 * ldc + w, c31, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 4 * ldc, c40, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 4 * ldc + w, c41, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 5 * ldc, c50, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 5 * ldc + w, c51, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 6 * ldc, c60, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 6 * ldc + w, c61, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 7 * ldc, c70, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 7 * ldc + w, c71, alphaV, betaV, betaIsZero);
    }

    /// <summary>Edge tile at most one Vector256 wide (cols ≤ width) on a sliver packed two vectors wide: 6 rows ×
    /// 1 vector, half the FMAs of the full kernel for the columns left after the last full tile (n = 1000 leaves 8).
    /// Same k-ordered FMA chain and store rule per element as <see cref="Avx2{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Narrow<T>(nint kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c0 = Vector256<T>.Zero, c1 = Vector256<T>.Zero, c2 = Vector256<T>.Zero;
        Vector256<T> c3 = Vector256<T>.Zero, c4 = Vector256<T>.Zero, c5 = Vector256<T>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            c0 = GemmSimd.MultiplyAdd(Vector256.Create(a[0]), b0, c0);
            c1 = GemmSimd.MultiplyAdd(Vector256.Create(a[1]), b0, c1);
            c2 = GemmSimd.MultiplyAdd(Vector256.Create(a[2]), b0, c2);
            c3 = GemmSimd.MultiplyAdd(Vector256.Create(a[3]), b0, c3);
            c4 = GemmSimd.MultiplyAdd(Vector256.Create(a[4]), b0, c4);
            c5 = GemmSimd.MultiplyAdd(Vector256.Create(a[5]), b0, c5);
            a += Rows;
            b += 2 * w;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        Vector256<T>* results = stackalloc Vector256<T>[Rows];
        results[0] = c0;
        results[1] = c1;
        results[2] = c2;
        results[3] = c3;
        results[4] = c4;
        results[5] = c5;
        for (int r = 0; r < rows; r++)
        {
            GemmSimd.StorePartial(c + r * ldc, results[r], alphaV, betaV, betaIsZero, cols);
        }
    }

    /// <summary>Edge tile at most one Vector512 wide (cols ≤ width): 8 rows × 1 vector; see
    /// <see cref="Avx2Narrow{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Narrow<T>(nint kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector512<T>.Count;
        Vector512<T> c0 = Vector512<T>.Zero, c1 = Vector512<T>.Zero, c2 = Vector512<T>.Zero, c3 = Vector512<T>.Zero;
        Vector512<T> c4 = Vector512<T>.Zero, c5 = Vector512<T>.Zero, c6 = Vector512<T>.Zero, c7 = Vector512<T>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            c0 = GemmSimd.MultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = GemmSimd.MultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = GemmSimd.MultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = GemmSimd.MultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = GemmSimd.MultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = GemmSimd.MultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = GemmSimd.MultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = GemmSimd.MultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += Avx512Rows;
            b += 2 * w;
        }

        bool betaIsZero = beta == T.Zero;
        Vector512<T> alphaV = Vector512.Create(alpha), betaV = Vector512.Create(beta);
        Vector512<T>* results = stackalloc Vector512<T>[Avx512Rows];
        results[0] = c0;
        results[1] = c1;
        results[2] = c2;
        results[3] = c3;
        results[4] = c4;
        results[5] = c5;
        results[6] = c6;
        results[7] = c7;
        for (int r = 0; r < rows; r++)
        {
            GemmSimd.StorePartial(c + r * ldc, results[r], alphaV, betaV, betaIsZero, cols);
        }
    }

    /// <summary>Most columns <see cref="Avx512Columns{T}"/> computes.</summary>
    public const int ColumnEdge = 4;

    /// <summary>Edge tile at most <see cref="ColumnEdge"/> columns wide and two AVX-512 row slivers
    /// (<paramref name="a0"/>, <paramref name="a1"/>) tall: each sliver's 8 rows are one vector (8 floats in 256 bits,
    /// 8 doubles in 512) and each column of each sliver one accumulator, so every FMA does 8 useful multiply-adds and
    /// 8 independent chains keep both FMA ports busy. The narrow kernel's row vectors use 4 of their 16 float lanes
    /// for the 4 columns a 100-unit layer leaves after three 32-column tiles: 16 FMAs per depth step for 16 rows
    /// against 8 here. Same k-ordered FMA chain per element, and the same store rule (α·acc, then fma(c, β, ·) unless
    /// β = 0, on rows of the tile transposed in registers), as <see cref="Avx512{T}"/>. <paramref name="nr"/> is
    /// the B sliver's width; rows past 8 come from <paramref name="a1"/> (pass <paramref name="a0"/> again when
    /// there are none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Columns<T>(nint kc, T* a0, T* a1, T* b, nint nr, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            float* top = (float*)a0, bottom = (float*)a1, fb = (float*)b;
            Vector256<float> c0 = Vector256<float>.Zero, c1 = Vector256<float>.Zero, c2 = Vector256<float>.Zero, c3 = Vector256<float>.Zero;
            Vector256<float> d0 = Vector256<float>.Zero, d1 = Vector256<float>.Zero, d2 = Vector256<float>.Zero, d3 = Vector256<float>.Zero;
            for (nint p = 0; p < kc; p++)
            {
                Vector256<float> upper = Vector256.Load(top), lower = Vector256.Load(bottom);
                Vector256<float> b0 = Vector256.Create(fb[0]), b1 = Vector256.Create(fb[1]);
                c0 = Fma.MultiplyAdd(upper, b0, c0);
                d0 = Fma.MultiplyAdd(lower, b0, d0);
                c1 = Fma.MultiplyAdd(upper, b1, c1);
                d1 = Fma.MultiplyAdd(lower, b1, d1);
                Vector256<float> b2 = Vector256.Create(fb[2]), b3 = Vector256.Create(fb[3]);
                c2 = Fma.MultiplyAdd(upper, b2, c2);
                d2 = Fma.MultiplyAdd(lower, b2, d2);
                c3 = Fma.MultiplyAdd(upper, b3, c3);
                d3 = Fma.MultiplyAdd(lower, b3, d3);
                top += Avx512Rows;
                bottom += Avx512Rows;
                fb += nr;
            }

            float fAlpha = float.CreateTruncating(alpha), fBeta = float.CreateTruncating(beta);
            StoreColumns(c0, c1, c2, c3, (float*)c, ldc, Math.Min(rows, Avx512Rows), cols, fAlpha, fBeta);
            StoreColumns(d0, d1, d2, d3, (float*)c + Avx512Rows * ldc, ldc, rows - Avx512Rows, cols, fAlpha, fBeta);
        }
        else
        {
            double* top = (double*)a0, bottom = (double*)a1, db = (double*)b;
            Vector512<double> c0 = Vector512<double>.Zero, c1 = Vector512<double>.Zero, c2 = Vector512<double>.Zero, c3 = Vector512<double>.Zero;
            Vector512<double> d0 = Vector512<double>.Zero, d1 = Vector512<double>.Zero, d2 = Vector512<double>.Zero, d3 = Vector512<double>.Zero;
            for (nint p = 0; p < kc; p++)
            {
                Vector512<double> upper = Vector512.Load(top), lower = Vector512.Load(bottom);
                Vector512<double> b0 = Vector512.Create(db[0]), b1 = Vector512.Create(db[1]);
                c0 = Avx512F.FusedMultiplyAdd(upper, b0, c0);
                d0 = Avx512F.FusedMultiplyAdd(lower, b0, d0);
                c1 = Avx512F.FusedMultiplyAdd(upper, b1, c1);
                d1 = Avx512F.FusedMultiplyAdd(lower, b1, d1);
                Vector512<double> b2 = Vector512.Create(db[2]), b3 = Vector512.Create(db[3]);
                c2 = Avx512F.FusedMultiplyAdd(upper, b2, c2);
                d2 = Avx512F.FusedMultiplyAdd(lower, b2, d2);
                c3 = Avx512F.FusedMultiplyAdd(upper, b3, c3);
                d3 = Avx512F.FusedMultiplyAdd(lower, b3, d3);
                top += Avx512Rows;
                bottom += Avx512Rows;
                db += nr;
            }

            double dAlpha = double.CreateTruncating(alpha), dBeta = double.CreateTruncating(beta);
            StoreColumns(c0, c1, c2, c3, (double*)c, ldc, Math.Min(rows, Avx512Rows), cols, dAlpha, dBeta);
            StoreColumns(d0, d1, d2, d3, (double*)c + Avx512Rows * ldc, ldc, rows - Avx512Rows, cols, dAlpha, dBeta);
        }
    }

    /// <summary>The AVX2 form of <see cref="Avx512Columns{T}"/>, for float: each 6-row sliver is read as one vector of 8
    /// (its last two lanes are the next depth step's first rows, computed and never stored), each column of each
    /// sliver one accumulator: 8 FMAs per depth step for 12 rows of up to 4 columns, where the narrow kernel takes 12
    /// (a 100-unit layer leaves 4 columns after six 16-column tiles). The caller makes the packed A buffer two values
    /// longer than its slivers, so the last step's load stays inside it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Columns(nint kc, float* a0, float* a1, float* b, nint nr, float* c, nint ldc, float alpha, float beta, int rows, int cols)
    {
        Vector256<float> c0 = Vector256<float>.Zero, c1 = Vector256<float>.Zero, c2 = Vector256<float>.Zero, c3 = Vector256<float>.Zero;
        Vector256<float> d0 = Vector256<float>.Zero, d1 = Vector256<float>.Zero, d2 = Vector256<float>.Zero, d3 = Vector256<float>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector256<float> upper = Vector256.Load(a0), lower = Vector256.Load(a1);
            Vector256<float> b0 = Vector256.Create(b[0]), b1 = Vector256.Create(b[1]);
            c0 = Fma.MultiplyAdd(upper, b0, c0);
            d0 = Fma.MultiplyAdd(lower, b0, d0);
            c1 = Fma.MultiplyAdd(upper, b1, c1);
            d1 = Fma.MultiplyAdd(lower, b1, d1);
            Vector256<float> b2 = Vector256.Create(b[2]), b3 = Vector256.Create(b[3]);
            c2 = Fma.MultiplyAdd(upper, b2, c2);
            d2 = Fma.MultiplyAdd(lower, b2, d2);
            c3 = Fma.MultiplyAdd(upper, b3, c3);
            d3 = Fma.MultiplyAdd(lower, b3, d3);
            a0 += Rows;
            a1 += Rows;
            b += nr;
        }

        // Rows 0–5 of the first sliver are lanes 0–5 of c, rows 6–11 (the second sliver) lanes 0–5 of d.
        StoreColumns(c0, c1, c2, c3, c, ldc, Math.Min(rows, Rows), cols, alpha, beta);
        StoreColumns(d0, d1, d2, d3, c + Rows * ldc, ldc, rows - Rows, cols, alpha, beta);
    }

    /// <summary>Stores the first <paramref name="rows"/> (at most 8) rows of four column accumulators, of which the
    /// first <paramref name="cols"/> columns, by the GEMM store rule: the 4×8 block is transposed in registers into rows
    /// of 4, each stored as <see cref="GemmSimd.Store{T}(T*, Vector256{T}, Vector256{T}, Vector256{T}, bool)"/> would
    /// (α·acc, then fma(c, β, ·) unless β = 0), with masked loads and stores past <paramref name="cols"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        if (rows <= 0)
        {
            return;
        }

        // t0 = (c0₀ c1₀ c0₁ c1₁ | c0₄ c1₄ c0₅ c1₅), …; then rows 0|4, 1|5, 2|6, 3|7 as (c0ᵣ c1ᵣ c2ᵣ c3ᵣ).
        Vector256<float> t0 = Avx.UnpackLow(c0, c1), t1 = Avx.UnpackHigh(c0, c1);
        Vector256<float> t2 = Avx.UnpackLow(c2, c3), t3 = Avx.UnpackHigh(c2, c3);
        Vector256<float> r04 = Avx.Shuffle(t0, t2, 0x44), r15 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> r26 = Avx.Shuffle(t1, t3, 0x44), r37 = Avx.Shuffle(t1, t3, 0xEE);
        Vector128<float> alphaV = Vector128.Create(alpha), betaV = Vector128.Create(beta);
        Vector128<float> mask = Vector128.LessThan(Vector128<float>.Indices, Vector128.Create((float)cols));
        bool betaIsZero = beta == 0f, whole = cols == ColumnEdge;
        StoreColumnRow(r04.GetLower(), c, alphaV, betaV, betaIsZero, whole, mask);
        if (rows > 1)
        {
            StoreColumnRow(r15.GetLower(), c + ldc, alphaV, betaV, betaIsZero, whole, mask);
        }

        if (rows > 2)
        {
            StoreColumnRow(r26.GetLower(), c + 2 * ldc, alphaV, betaV, betaIsZero, whole, mask);
        }

        if (rows > 3)
        {
            StoreColumnRow(r37.GetLower(), c + 3 * ldc, alphaV, betaV, betaIsZero, whole, mask);
        }

        if (rows > 4)
        {
            StoreColumnRow(r04.GetUpper(), c + 4 * ldc, alphaV, betaV, betaIsZero, whole, mask);
        }

        if (rows > 5)
        {
            StoreColumnRow(r15.GetUpper(), c + 5 * ldc, alphaV, betaV, betaIsZero, whole, mask);
        }

        if (rows > 6)
        {
            StoreColumnRow(r26.GetUpper(), c + 6 * ldc, alphaV, betaV, betaIsZero, whole, mask);
        }

        if (rows > 7)
        {
            StoreColumnRow(r37.GetUpper(), c + 7 * ldc, alphaV, betaV, betaIsZero, whole, mask);
        }
    }

    /// <summary>The double form of <see cref="StoreColumns(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, float*, nint, int, int, float, float)"/>:
    /// each 8-row accumulator's halves transposed as two 4×4 blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector512<double> c0, Vector512<double> c1, Vector512<double> c2, Vector512<double> c3, double* c, nint ldc, int rows, int cols, double alpha, double beta)
    {
        if (rows <= 0)
        {
            return;
        }

        Vector256<double> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        Vector256<double> mask = Vector256.LessThan(Vector256<double>.Indices, Vector256.Create((double)cols));
        bool betaIsZero = beta == 0.0, whole = cols == ColumnEdge;
        for (int half = 0; half < 2 && rows > 4 * half; half++)
        {
            Vector256<double> a = half == 0 ? c0.GetLower() : c0.GetUpper(), b = half == 0 ? c1.GetLower() : c1.GetUpper();
            Vector256<double> e = half == 0 ? c2.GetLower() : c2.GetUpper(), f = half == 0 ? c3.GetLower() : c3.GetUpper();
            // t0 = (a₀ b₀ | a₂ b₂), t1 = (a₁ b₁ | a₃ b₃), …; row r = (aᵣ bᵣ eᵣ fᵣ).
            Vector256<double> t0 = Avx.UnpackLow(a, b), t1 = Avx.UnpackHigh(a, b), t2 = Avx.UnpackLow(e, f), t3 = Avx.UnpackHigh(e, f);
            double* top = c + 4 * half * ldc;
            int left = rows - 4 * half;
            StoreColumnRow(Avx.Permute2x128(t0, t2, 0x20), top, alphaV, betaV, betaIsZero, whole, mask);
            if (left > 1)
            {
                StoreColumnRow(Avx.Permute2x128(t1, t3, 0x20), top + ldc, alphaV, betaV, betaIsZero, whole, mask);
            }

            if (left > 2)
            {
                StoreColumnRow(Avx.Permute2x128(t0, t2, 0x31), top + 2 * ldc, alphaV, betaV, betaIsZero, whole, mask);
            }

            if (left > 3)
            {
                StoreColumnRow(Avx.Permute2x128(t1, t3, 0x31), top + 3 * ldc, alphaV, betaV, betaIsZero, whole, mask);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumnRow(Vector256<double> acc, double* c, Vector256<double> alpha, Vector256<double> beta, bool betaIsZero, bool whole, Vector256<double> mask)
    {
        Vector256<double> scaled = acc * alpha;
        if (whole)
        {
            if (!betaIsZero)
            {
                scaled = Fma.MultiplyAdd(Vector256.Load(c), beta, scaled);
            }

            scaled.Store(c);
            return;
        }

        if (!betaIsZero)
        {
            scaled = Fma.MultiplyAdd(Avx.MaskLoad(c, mask), beta, scaled);
        }

        Avx.MaskStore(c, mask, scaled);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumnRow(Vector128<float> acc, float* c, Vector128<float> alpha, Vector128<float> beta, bool betaIsZero, bool whole, Vector128<float> mask)
    {
        Vector128<float> scaled = acc * alpha;
        if (whole)
        {
            if (!betaIsZero)
            {
                scaled = Fma.MultiplyAdd(Vector128.Load(c), beta, scaled);
            }

            scaled.Store(c);
            return;
        }

        if (!betaIsZero)
        {
            scaled = Fma.MultiplyAdd(Avx.MaskLoad(c, mask), beta, scaled);
        }

        Avx.MaskStore(c, mask, scaled);
    }

    /// <summary>Scalar kernel for machines without AVX2/FMA: C tile (6 × <paramref name="nr"/>) from packed
    /// panels, multiply then add (no FMA to rely on); stores the top-left <paramref name="rows"/> ×
    /// <paramref name="cols"/> corner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Portable<T>(nint kc, int nr, T* a, T* b, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* acc = stackalloc T[Rows * 32];
        new Span<T>(acc, Rows * nr).Clear();
        for (nint p = 0; p < kc; p++)
        {
            for (int r = 0; r < Rows; r++)
            {
                T ar = a[p * Rows + r];
                T* row = acc + r * nr;
                T* bp = b + p * nr;
                for (int j = 0; j < nr; j++)
                {
                    row[j] += ar * bp[j];
                }
            }
        }

        bool betaIsZero = beta == T.Zero;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                T scaled = acc[r * nr + j] * alpha;
                c[r * ldc + j] = betaIsZero ? scaled : c[r * ldc + j] * beta + scaled;
            }
        }
    }
}
