using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>GEMM for small problems (tiny MLP layers), where packing and blocking cost more than they save:
/// the kernel broadcasts elements of op(A) straight from A (any stride) and streams rows of B from where they
/// are; 8×2 or 6×2-vector register tiles keep 16 or 12 FMA chains in flight, enough to hide the FMA latency
/// even when k is tiny. op(B) must be row-major for that, so a transposed B is first copied (it is small). Each element is the
/// same k-ordered FMA chain and store rule as in the packed path.</summary>
internal static unsafe class GemmSmall
{
    /// <summary>Problems up to this many multiply-adds take this path; measured here, the packed path wins
    /// from about 64×32×64 (both ≈120 GFLOP/s) and is 1.5× faster at 96³.</summary>
    internal static long Limit = 64 * 32 * 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count, tileColumns = 2 * w;
        int m = g.M, n = g.N, k = g.K;
        nint rowStrideA = g.TransposeA ? 1 : g.Lda, depthStrideA = g.TransposeA ? g.Lda : 1;
        T* b = g.B;
        nint ldb = g.Ldb;
        int fullColumns = n / tileColumns * tileColumns;
        int paddedWidth = (n + tileColumns - 1) / tileColumns * tileColumns;
        T* edge = stackalloc T[8 * 32];

        // 16 accumulators need the 32 vector registers of AVX-512 (EVEX); with 16 registers, 12 is the most.
        int tileRows = Avx512F.VL.IsSupported ? 8 : 6;

        if (g.TransposeB || fullColumns != n)
        {
            // op(B) as a row-major k × paddedWidth copy with zero columns past n, so every tile is full width.
            T* copy = GemmBuffers.Scratch.Get<T>((nint)k * paddedWidth);
            for (int p = 0; p < k; p++)
            {
                T* row = copy + (nint)p * paddedWidth;
                if (g.TransposeB)
                {
                    for (int j = 0; j < n; j++)
                    {
                        row[j] = g.B[j * ldb + p];
                    }
                }
                else
                {
                    new ReadOnlySpan<T>(g.B + p * ldb, n).CopyTo(new Span<T>(row, n));
                }

                new Span<T>(row + n, paddedWidth - n).Clear();
            }

            b = copy;
            ldb = paddedWidth;
        }

        bool betaIsZero = g.Beta == T.Zero;
        for (int j0 = 0; j0 < n; j0 += tileColumns)
        {
            int cols = Math.Min(tileColumns, n - j0);
            T* bColumns = b + j0;
            int i = 0;
            for (; i + tileRows <= m; i += tileRows)
            {
                T* aRows = g.A + i * rowStrideA;
                T* cTile = g.C + i * g.Ldc + j0;
                bool full = cols == tileColumns;
                T* target = full ? cTile : edge;
                nint ldTarget = full ? g.Ldc : tileColumns;
                T alpha = full ? g.Alpha : T.One, beta = full ? g.Beta : T.Zero;
                if (tileRows == 8)
                {
                    Tile8(k, aRows, rowStrideA, depthStrideA, bColumns, ldb, target, ldTarget, alpha, beta);
                }
                else
                {
                    Tile6(k, aRows, rowStrideA, depthStrideA, bColumns, ldb, target, ldTarget, alpha, beta);
                }

                if (!full)
                {
                    StoreEdge(edge, tileColumns, cTile, g.Ldc, tileRows, cols, g.Alpha, g.Beta, betaIsZero);
                }
            }

            for (; i < m; i++)
            {
                T* aRow = g.A + i * rowStrideA;
                T* cRow = g.C + i * g.Ldc + j0;
                if (cols == tileColumns)
                {
                    Tile1(k, aRow, depthStrideA, bColumns, ldb, cRow, g.Alpha, g.Beta);
                }
                else
                {
                    Tile1(k, aRow, depthStrideA, bColumns, ldb, edge, T.One, T.Zero);
                    StoreEdge(edge, tileColumns, cRow, g.Ldc, 1, cols, g.Alpha, g.Beta, betaIsZero);
                }
            }
        }

        if (GemmEpilogue.IsActive(g.Bias, g.Activation))
        {
            GemmEpilogue.Apply(g.C, g.Ldc, 0, m, 0, n, g.Bias, g.Activation);
        }
    }

    private static void StoreEdge<T>(T* tile, int tileLd, T* c, nint ldc, int rows, int cols, T alpha, T beta, bool betaIsZero)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                T* target = c + r * ldc + j;
                *target = GemmSimd.Store(betaIsZero ? T.Zero : *target, tile[r * tileLd + j], alpha, beta, betaIsZero);
            }
        }
    }

    /// <summary>8 rows × two vectors of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8<T>(int k, T* a, nint rowStride, nint depthStride, T* b, nint ldb, T* c, nint ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        Vector256<T> c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
        Vector256<T> c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero;
        Vector256<T> c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero;
        Vector256<T> c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero;
        Vector256<T> c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
        Vector256<T> c60 = Vector256<T>.Zero, c61 = Vector256<T>.Zero;
        Vector256<T> c70 = Vector256<T>.Zero, c71 = Vector256<T>.Zero;
        T* a1 = a + rowStride;
        T* a2 = a1 + rowStride;
        T* a3 = a2 + rowStride;
        T* a4 = a3 + rowStride;
        T* a5 = a4 + rowStride;
        T* a6 = a5 + rowStride;
        T* a7 = a6 + rowStride;
        for (nint p = 0; p < k; p++)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + w);
            nint offset = p * depthStride;
            Vector256<T> x = Vector256.Create(a[offset]);
            c00 = GemmSimd.MultiplyAdd(x, b0, c00);
            c01 = GemmSimd.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[offset]);
            c10 = GemmSimd.MultiplyAdd(x, b0, c10);
            c11 = GemmSimd.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[offset]);
            c20 = GemmSimd.MultiplyAdd(x, b0, c20);
            c21 = GemmSimd.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[offset]);
            c30 = GemmSimd.MultiplyAdd(x, b0, c30);
            c31 = GemmSimd.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[offset]);
            c40 = GemmSimd.MultiplyAdd(x, b0, c40);
            c41 = GemmSimd.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[offset]);
            c50 = GemmSimd.MultiplyAdd(x, b0, c50);
            c51 = GemmSimd.MultiplyAdd(x, b1, c51);
            x = Vector256.Create(a6[offset]);
            c60 = GemmSimd.MultiplyAdd(x, b0, c60);
            c61 = GemmSimd.MultiplyAdd(x, b1, c61);
            x = Vector256.Create(a7[offset]);
            c70 = GemmSimd.MultiplyAdd(x, b0, c70);
            c71 = GemmSimd.MultiplyAdd(x, b1, c71);
            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
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

    /// <summary>6 rows × two vectors of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6<T>(int k, T* a, nint rowStride, nint depthStride, T* b, nint ldb, T* c, nint ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        Vector256<T> c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
        Vector256<T> c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero;
        Vector256<T> c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero;
        Vector256<T> c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero;
        Vector256<T> c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
        T* a1 = a + rowStride;
        T* a2 = a1 + rowStride;
        T* a3 = a2 + rowStride;
        T* a4 = a3 + rowStride;
        T* a5 = a4 + rowStride;
        for (nint p = 0; p < k; p++)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + w);
            nint offset = p * depthStride;
            Vector256<T> x = Vector256.Create(a[offset]);
            c00 = GemmSimd.MultiplyAdd(x, b0, c00);
            c01 = GemmSimd.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[offset]);
            c10 = GemmSimd.MultiplyAdd(x, b0, c10);
            c11 = GemmSimd.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[offset]);
            c20 = GemmSimd.MultiplyAdd(x, b0, c20);
            c21 = GemmSimd.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[offset]);
            c30 = GemmSimd.MultiplyAdd(x, b0, c30);
            c31 = GemmSimd.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[offset]);
            c40 = GemmSimd.MultiplyAdd(x, b0, c40);
            c41 = GemmSimd.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[offset]);
            c50 = GemmSimd.MultiplyAdd(x, b0, c50);
            c51 = GemmSimd.MultiplyAdd(x, b1, c51);
            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
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

    /// <summary>One row × two vectors of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1<T>(int k, T* a, nint depthStride, T* b, nint ldb, T* c, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        for (nint p = 0; p < k; p++)
        {
            Vector256<T> x = Vector256.Create(a[p * depthStride]);
            c00 = GemmSimd.MultiplyAdd(x, Vector256.Load(b), c00);
            c01 = GemmSimd.MultiplyAdd(x, Vector256.Load(b + w), c01);
            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        GemmSimd.Store(c, c00, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + w, c01, alphaV, betaV, betaIsZero);
    }
}
