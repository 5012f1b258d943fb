using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>GEMM for small problems (tiny MLP layers), where packing and blocking cost more than they save:
/// the kernel broadcasts elements of op(A) straight from A (any stride) and streams rows of B from where they
/// are. op(B) must be row-major for that, so a transposed B is first copied (it is small). Each element is the
/// same k-ordered FMA chain and store rule as in the packed path.</summary>
internal static unsafe class GemmSmall
{
    /// <summary>Problems up to this many multiply-adds take this path.</summary>
    internal static long Limit = 96 * 96 * 96;

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
        T* edge = stackalloc T[4 * 32];

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
            for (; i + 4 <= m; i += 4)
            {
                T* aRows = g.A + i * rowStrideA;
                T* cTile = g.C + i * g.Ldc + j0;
                if (cols == tileColumns)
                {
                    Tile4(k, aRows, rowStrideA, depthStrideA, bColumns, ldb, cTile, g.Ldc, g.Alpha, g.Beta);
                }
                else
                {
                    Tile4(k, aRows, rowStrideA, depthStrideA, bColumns, ldb, edge, tileColumns, T.One, T.Zero);
                    StoreEdge(edge, tileColumns, cTile, g.Ldc, 4, cols, g.Alpha, g.Beta, betaIsZero);
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

    /// <summary>Four rows × two vectors of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4<T>(int k, T* a, nint rowStride, nint depthStride, T* b, nint ldb, T* c, nint ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero, c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
        Vector256<T> c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero, c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero;
        T* a1 = a + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride;
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
            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        GemmSimd.Store(c, c00, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + w, c01, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + ldc, c10, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + ldc + w, c11, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 2 * ldc, c20, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 2 * ldc + w, c21, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 3 * ldc, c30, alphaV, betaV, betaIsZero);
        GemmSimd.Store(c + 3 * ldc + w, c31, alphaV, betaV, betaIsZero);
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
