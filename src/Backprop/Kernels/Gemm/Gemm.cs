using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Kernels;

/// <summary>General matrix multiply on row-major matrices: <c>C ← α·op(A)·op(B) + β·C</c>, where op(A) is m×k,
/// op(B) is k×n and C is m×n; <c>op(X) = Xᵀ</c> when the matching flag is set. Leading dimensions are row
/// strides (<c>lda ≥ k</c> for A untransposed, ≥ m transposed). BLAS's sgemm/dgemm with row-major storage.
/// When β = 0, C is written without being read (NaNs in C do not propagate), as in BLAS.</summary>
/// <remarks>
/// float and double run packed, cache-blocked AVX-512 or AVX2 FMA micro-kernels (a scalar fallback elsewhere),
/// an unpacked kernel for small problems, and <see cref="Gemv"/> when m or n is 1. Work of more than about
/// 2 MFLOP is split over <see cref="Parallelism.ThreadCount"/> persistent threads by whole tiles of C; K is
/// never split, so results are bit-identical for any thread count. Repeated calls allocate nothing.
/// C must not overlap A or B. Other element types (Half…) use a plain loop accumulating in double.
/// </remarks>
public static class Gemm
{
    /// <summary><c>C ← α·op(A)·op(B) + β·C</c> (sgemm/dgemm, row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ReadOnlySpan<T>.Empty, GemmActivation.None);
    }

    /// <summary>GEMM with a fused epilogue: <c>C ← f(α·op(A)·op(B) + β·C + 1·biasᵀ)</c>, i.e. <c>bias[j]</c> is
    /// added to every element of column j after the product and β·C, then <paramref name="activation"/> is
    /// applied element-wise, all on each block of C while it is in cache. A Keras
    /// <c>Dense(n, activation=f)</c> forward pass is <c>Multiply(false, false, batch, n, inputs, 1, x, inputs,
    /// kernel, n, 0, y, n, bias, f)</c>.</summary>
    /// <remarks><paramref name="bias"/> is empty for no bias, else exactly n values; <paramref name="activation"/>
    /// is applied last (<see cref="GemmActivation.None"/> for none). The other arguments are as in the plain
    /// overload.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc, ReadOnlySpan<T> bias, GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmArguments.Check(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if ((!bias.IsEmpty && bias.Length != n) || (uint)activation > (uint)GemmActivation.Sigmoid)
        {
            ThrowEpilogue(bias.Length, n, activation);
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            for (int i = 0; i < m; i++)
            {
                Span<T> row = c.Slice(i * ldc, n);
                if (!bias.IsEmpty)
                {
                    for (int j = 0; j < n; j++)
                    {
                        row[j] += bias[j];
                    }
                }

                GemmEpilogue.Activate(row, activation);
            }

            return;
        }

        fixed (T* pa = a, pb = b, pc = c, pBias = bias)
        {
            var call = new GemmCall<T>
            {
                TransposeA = transposeA,
                TransposeB = transposeB,
                M = m,
                N = n,
                K = k,
                Alpha = alpha,
                Beta = beta,
                A = pa,
                Lda = lda,
                B = pb,
                Ldb = ldb,
                C = pc,
                Ldc = ldc,
                Bias = bias.IsEmpty ? null : pBias,
                Activation = activation,
            };
            Run(call);
        }
    }

    // Apart from Multiply so that its optimised compile holds no message formatting.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEpilogue(int biasLength, int n, GemmActivation activation)
    {
        if (biasLength != 0 && biasLength != n)
        {
            throw new ArgumentException($"GEMM: bias has {biasLength} values but C has {n} columns (pass an empty span for no bias).", "bias");
        }

        throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown GEMM activation.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.K == 0 || g.Alpha == T.Zero)
        {
            // BLAS: A and B are not read; C ← β·C (zeros when β = 0, without reading C).
            for (int i = 0; i < g.M; i++)
            {
                var row = new Span<T>(g.C + i * g.Ldc, g.N);
                if (g.Beta == T.Zero)
                {
                    row.Clear();
                }
                else
                {
                    for (int j = 0; j < row.Length; j++)
                    {
                        row[j] *= g.Beta;
                    }
                }
            }

            ApplyEpilogue(g);
        }
        else if (g.M == 1)
        {
            // One row of C: c = op(B)ᵀ·a, a GEMV over B.
            nint incx = g.TransposeA ? g.Lda : 1;
            GemvKernels.Run(!g.TransposeB, g.TransposeB ? g.N : g.K, g.TransposeB ? g.K : g.N, g.Alpha, g.B, g.Ldb, g.A, incx, g.Beta, g.C, 1);
            ApplyEpilogue(g);
        }
        else if (g.N == 1)
        {
            // One column of C: c = op(A)·b, a GEMV over A.
            nint incx = g.TransposeB ? 1 : g.Ldb;
            GemvKernels.Run(g.TransposeA, g.TransposeA ? g.K : g.M, g.TransposeA ? g.M : g.K, g.Alpha, g.A, g.Lda, g.B, incx, g.Beta, g.C, g.Ldc);
            ApplyEpilogue(g);
        }
        else if (GemmPacked.IsPortable)
        {
            GemmPortable.Run(g);
        }
        else if (GemmSmall.Takes(g.M, g.N, g.K, g.TransposeB))
        {
            // Small, or few rows (a batch-8 forward pass): every element of B is used by one row tile only, so
            // packing B would cost a full copy of it and save nothing. (A transposed B is copied whole, so only
            // while that copy stays small; the packed path copies it in bounded blocks.)
            GemmSmall.Run(g);
        }
        else if (g.N <= GemmSmall.NarrowColumns<T>() && !g.TransposeA && !g.TransposeB)
        {
            // Few columns, many rows: A read in place, summed in the packed path's slices (the same bits), or packed
            // after all where this machine runs the shape faster that way (GemmRouteChoice).
            GemmRouteChoice.Run(g, narrow: true);
        }
        else if (!g.TransposeA && !g.TransposeB && g.Activation is (GemmActivation.None or GemmActivation.Relu) && GemmSmall.TakesPanels(g.M, g.N, g.K))
        {
            // Few rows, many columns: B read in place panel by panel, summed in the packed path's slices (the same bits),
            // or packed after all where this machine runs the shape faster that way (GemmRouteChoice).
            // Not with a tanh or sigmoid epilogue: TensorPrimitives rounds a row's last few columns differently when
            // they come as a short span, so a panel's edge would not have the packed path's bits.
            GemmRouteChoice.Run(g, narrow: false);
        }
        else
        {
            GemmPacked.Run(g);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ApplyEpilogue<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (GemmEpilogue.IsActive(g.Bias, g.Activation))
        {
            GemmEpilogue.Apply(g.C, g.Ldc, 0, g.M, 0, g.N, g.Bias, g.Activation);
        }
    }
}
