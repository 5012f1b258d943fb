using System.Numerics;

namespace Backprop.Kernels;

/// <summary>GEMM for machines without AVX2/FMA: row by row, i-k-j order so the inner loop runs along a
/// contiguous row of op(B) with <see cref="Vector{T}"/> (op(B) is first copied row-major if transposed).</summary>
internal static unsafe class GemmPortable
{
    public static void Run<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = g.M, n = g.N, k = g.K;
        T* scratch = GemmBuffers.Scratch.Get<T>((nint)n + (g.TransposeB ? (nint)k * n : 0));
        T* accumulator = scratch;
        T* b = g.B;
        nint ldb = g.Ldb;
        if (g.TransposeB)
        {
            b = scratch + n;
            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < n; j++)
                {
                    b[(nint)p * n + j] = g.B[j * g.Ldb + p];
                }
            }

            ldb = n;
        }

        var acc = new Span<T>(accumulator, n);
        bool betaIsZero = g.Beta == T.Zero;
        for (int i = 0; i < m; i++)
        {
            acc.Clear();
            for (int p = 0; p < k; p++)
            {
                T aip = g.TransposeA ? g.A[p * g.Lda + i] : g.A[i * g.Lda + p];
                var bRow = new ReadOnlySpan<T>(b + p * ldb, n);
                int j = 0;
                if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
                {
                    var broadcast = new Vector<T>(aip);
                    for (; j + Vector<T>.Count <= n; j += Vector<T>.Count)
                    {
                        var slot = acc.Slice(j);
                        (new Vector<T>(slot) + (broadcast * new Vector<T>(bRow.Slice(j)))).CopyTo(slot);
                    }
                }

                for (; j < n; j++)
                {
                    acc[j] += aip * bRow[j];
                }
            }

            T* cRow = g.C + i * g.Ldc;
            for (int j = 0; j < n; j++)
            {
                T scaled = acc[j] * g.Alpha;
                cRow[j] = betaIsZero ? scaled : cRow[j] * g.Beta + scaled;
            }
        }

        if (GemmEpilogue.IsActive(g.Bias, g.Activation))
        {
            GemmEpilogue.Apply(g.C, g.Ldc, 0, m, 0, n, g.Bias, g.Activation);
        }
    }
}
