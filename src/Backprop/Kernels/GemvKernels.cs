using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Matrix–vector products on pinned, validated operands, threaded over disjoint output ranges.
/// Memory bound: each element of A is read once, in address order.</summary>
internal static unsafe class GemvKernels
{
    /// <summary>Columns handled per pass of the transposed kernel: 8192 float accumulators (32 KiB) stay in Zen 5's
    /// 48 KiB L1 while each row of A is read in 32 KiB runs. Measured one thread, four rows per pass, AVX-512, on
    /// the activation-statistics shapes: 8192×8192 streams at 23 GB/s with 1024 columns, 33 with 2048, 30–31 with
    /// 4096, 35 with 8192.</summary>
    private const int TransposedChunk = 8192;

    /// <summary>Below this many elements of A a GEMV stays on one thread.</summary>
    private const long ParallelThreshold = 1 << 19;

    /// <summary>y ← α·op(A)·x + β·y with A rows×cols (row stride lda) and op(A) = Aᵀ when transposed; x and y
    /// have strides incx, incy (gathered into contiguous scratch when not 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(bool transpose, int rows, int cols, T alpha, T* a, nint lda, T* x, nint incx, T beta, T* y, nint incy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int xLength = transpose ? rows : cols, yLength = transpose ? cols : rows;
        if (yLength == 0)
        {
            return;
        }

        if (incx != 1 || incy != 1)
        {
            T* scratch = GemmBuffers.Scratch.Get<T>((nint)xLength + yLength);
            T* xs = scratch, ys = scratch + xLength;
            for (int i = 0; i < xLength; i++)
            {
                xs[i] = x[i * incx];
            }

            for (int i = 0; i < yLength; i++)
            {
                ys[i] = y[i * incy];
            }

            Run(transpose, rows, cols, alpha, a, lda, xs, 1, beta, ys, 1);
            for (int i = 0; i < yLength; i++)
            {
                y[i * incy] = ys[i];
            }

            return;
        }

        var job = GemvWork<T>.ForThisThread;
        job.Transpose = transpose;
        job.Rows = rows;
        job.Cols = cols;
        job.Alpha = alpha;
        job.Beta = beta;
        job.A = a;
        job.Lda = lda;
        job.X = x;
        job.Y = y;
        int vector = Vector256<T>.Count;
        long elements = (long)rows * cols;
        job.Blocks = transpose ? (cols + vector - 1) / vector : (rows + 3) / 4;
        // The packed GEMM's slicing of the depth, so a one-row product sums each element as that row of a many-row
        // packed product does.
        job.SliceRows = transpose ? GemmPacked.SliceDepth<T>(rows) : rows;
        int slices = (rows + job.SliceRows - 1) / job.SliceRows;
        // Whole slices per part only when there are enough of them to balance the parts (a 784-deep product has three).
        job.SplitSlices = transpose && Parallelism.ThreadCount > 1 && slices >= 4 * Parallelism.ThreadCount && elements >= ParallelThreshold;
        int parts = job.SplitSlices
            ? Math.Min(Parallelism.ThreadCount, slices)
            : (int)Math.Min(Math.Min(Parallelism.ThreadCount, job.Blocks), Math.Max(1, elements / ParallelThreshold));
        if (job.SplitSlices)
        {
            job.Partials = GemmBuffers.PackB.Get<T>((nint)slices * cols);
        }

        if (parts <= 1)
        {
            job.Execute(0, 1);
        }
        else
        {
            WorkerPool.Run(job, parts);
        }

        if (job.SplitSlices)
        {
            CombineSlices(cols, slices, alpha, job.Partials, beta, y);
        }
    }

    /// <summary>y[j] ← α·s₀[j] + β·y[j], then y[j] ← α·sₖ[j] + y[j] for each later slice k in order: the same
    /// rounding steps as one thread summing the slices one after another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineSlices<T>(int cols, int slices, T alpha, T* partials, T beta, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool betaIsZero = beta == T.Zero;
        for (int j = 0; j < cols; j++)
        {
            y[j] = GemmSimd.Store(betaIsZero ? T.Zero : y[j], partials[j], alpha, beta, betaIsZero);
        }

        for (int k = 1; k < slices; k++)
        {
            T* slice = partials + (nint)k * cols;
            for (int j = 0; j < cols; j++)
            {
                y[j] = GemmSimd.Store(y[j], slice[j], alpha, T.One, betaIsZero: false);
            }
        }
    }

    private sealed class GemvWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static GemvWork<T>? s_forThisThread;

        public bool Transpose;
        public int Rows;
        public int Cols;
        public int Blocks;
        public T Alpha;
        public T Beta;
        public T* A;
        public nint Lda;
        public T* X;
        public T* Y;

        /// <summary>Rows of A per depth slice of a transposed product (<see cref="GemmPacked.SliceDepth{T}"/>).</summary>
        public int SliceRows;

        /// <summary>Whether the parts take whole slices (each slice's raw column sums go to
        /// <see cref="Partials"/>), instead of column ranges.</summary>
        public bool SplitSlices;

        /// <summary>With <see cref="SplitSlices"/>: each slice's raw column sums, slice after slice (slices × cols).</summary>
        public T* Partials;

        public static GemvWork<T> ForThisThread => s_forThisThread ??= new GemvWork<T>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            if (SplitSlices)
            {
                // A large transposed product: each part streams a contiguous band of whole slices of A's rows (two
                // threads stream one half of A each instead of interleaved half-rows; the activation-statistics
                // forward pass on two Zen 4 cores measured 0.0224 s against 0.0257 s that way), and the slices'
                // sums are combined in order afterwards, as one thread would add them.
                int slices = (Rows + SliceRows - 1) / SliceRows;
                var (first, last) = WorkerPool.PartRange(slices, part, parts);
                for (int k = first; k < last; k++)
                {
                    int r0 = k * SliceRows, r1 = Math.Min(Rows, r0 + SliceRows);
                    Columns(r1 - r0, r1 - r0, 0, Cols, T.One, A + r0 * Lda, Lda, X + r0, T.Zero, Partials + k * (nint)Cols);
                }

                return;
            }

            if (Transpose)
            {
                var (j0, j1) = ColumnRange(part, parts);
                Columns(Rows, SliceRows, j0, j1, Alpha, A, Lda, X, Beta, Y);
            }
            else
            {
                var (first, last) = WorkerPool.PartRange(Blocks, part, parts);
                RowDots(first * 4, Math.Min(Rows, last * 4), Cols, Alpha, A, Lda, X, Beta, Y);
            }
        }

        /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of the columns, in whole vectors.</summary>
        private (int From, int To) ColumnRange(int part, int parts)
        {
            int vector = Vector256<T>.Count;
            var (first, last) = WorkerPool.PartRange(Blocks, part, parts);
            return (first * vector, Math.Min(Cols, last * vector));
        }
    }

    /// <summary>y[i] ← α·(A[i,:]·x) + β·y[i] for rows [i0, i1), four rows per pass sharing each load of x. Every row
    /// uses the same two-accumulator dot product, whether it runs in a group of four or alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowDots<T>(int i0, int i1, int cols, T alpha, T* a, nint lda, T* x, T beta, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool betaIsZero = beta == T.Zero;
        if (!Fma.IsSupported)
        {
            for (int row = i0; row < i1; row++)
            {
                T sum = T.Zero;
                T* values = a + row * lda;
                for (int j = 0; j < cols; j++)
                {
                    sum += values[j] * x[j];
                }

                y[row] = (betaIsZero ? T.Zero : y[row] * beta) + sum * alpha;
            }

            return;
        }

        nint w = Vector256<T>.Count;
        nint vectorEnd = cols / (2 * w) * (2 * w);
        int i = i0;
        for (; i + 4 <= i1; i += 4)
        {
            T* r0 = a + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            Vector256<T> s00 = default, s01 = default, s10 = default, s11 = default;
            Vector256<T> s20 = default, s21 = default, s30 = default, s31 = default;
            for (nint j = 0; j < vectorEnd; j += 2 * w)
            {
                Vector256<T> x0 = Vector256.Load(x + j), x1 = Vector256.Load(x + j + w);
                s00 = GemmSimd.MultiplyAdd(Vector256.Load(r0 + j), x0, s00);
                s01 = GemmSimd.MultiplyAdd(Vector256.Load(r0 + j + w), x1, s01);
                s10 = GemmSimd.MultiplyAdd(Vector256.Load(r1 + j), x0, s10);
                s11 = GemmSimd.MultiplyAdd(Vector256.Load(r1 + j + w), x1, s11);
                s20 = GemmSimd.MultiplyAdd(Vector256.Load(r2 + j), x0, s20);
                s21 = GemmSimd.MultiplyAdd(Vector256.Load(r2 + j + w), x1, s21);
                s30 = GemmSimd.MultiplyAdd(Vector256.Load(r3 + j), x0, s30);
                s31 = GemmSimd.MultiplyAdd(Vector256.Load(r3 + j + w), x1, s31);
            }

            y[i] = FinishDot(s00, s01, r0, x, vectorEnd, cols, alpha, beta, y[i], betaIsZero);
            y[i + 1] = FinishDot(s10, s11, r1, x, vectorEnd, cols, alpha, beta, y[i + 1], betaIsZero);
            y[i + 2] = FinishDot(s20, s21, r2, x, vectorEnd, cols, alpha, beta, y[i + 2], betaIsZero);
            y[i + 3] = FinishDot(s30, s31, r3, x, vectorEnd, cols, alpha, beta, y[i + 3], betaIsZero);
        }

        for (; i < i1; i++)
        {
            T* r0 = a + i * lda;
            Vector256<T> s00 = default, s01 = default;
            for (nint j = 0; j < vectorEnd; j += 2 * w)
            {
                s00 = GemmSimd.MultiplyAdd(Vector256.Load(r0 + j), Vector256.Load(x + j), s00);
                s01 = GemmSimd.MultiplyAdd(Vector256.Load(r0 + j + w), Vector256.Load(x + j + w), s01);
            }

            y[i] = FinishDot(s00, s01, r0, x, vectorEnd, cols, alpha, beta, y[i], betaIsZero);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FinishDot<T>(Vector256<T> s0, Vector256<T> s1, T* row, T* x, nint from, int cols, T alpha, T beta, T old, bool betaIsZero)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = Vector256.Sum(s0 + s1);
        for (nint j = from; j < cols; j++)
        {
            sum = T.FusedMultiplyAdd(row[j], x[j], sum);
        }

        return GemmSimd.Store(betaIsZero ? T.Zero : old, sum, alpha, beta, betaIsZero);
    }

    /// <summary>y[j] ← α·Σᵢ A[i,j]·x[i] + β·y[j] for columns [j0, j1): streams rows of A through a chunk of
    /// accumulators, four rows per pass. The rows are summed in slices of <paramref name="sliceRows"/>, as the
    /// packed GEMM slices its depth: each slice's sum is the i-ordered FMA chain from zero (whatever the vector
    /// width), stored as y ← α·sum + β·y for the first slice and y ← α·sum + y for each later one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<T>(int rows, int sliceRows, int j0, int j1, T alpha, T* a, nint lda, T* x, T beta, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r0 = 0; r0 < rows; r0 += sliceRows)
        {
            int count = Math.Min(sliceRows, rows - r0);
            ColumnsSlice(count, j0, j1, alpha, a + r0 * lda, lda, x + r0, r0 == 0 ? beta : T.One, y);
        }
    }

    /// <summary>One slice of <see cref="Columns{T}"/>: y[j] ← α·Σᵢ A[i,j]·x[i] + β·y[j] with the sum one i-ordered
    /// FMA chain from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnsSlice<T>(int rows, int j0, int j1, T alpha, T* a, nint lda, T* x, T beta, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool betaIsZero = beta == T.Zero;
        // Not the scratch buffer: Run may have gathered x and y there.
        T* acc = GemmBuffers.PackA.Get<T>(TransposedChunk);
        bool fma = Fma.IsSupported;
        nint wide = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Vector512<T>.Count : 0;
        nint w = Vector256<T>.Count;
        for (int c0 = j0; c0 < j1; c0 += TransposedChunk)
        {
            int width = Math.Min(TransposedChunk, j1 - c0);
            nint wideEnd = wide == 0 ? 0 : width / wide * wide;
            nint vectorEnd = fma ? wideEnd + (width - wideEnd) / w * w : 0;
            new Span<T>(acc, width).Clear();
            int i = 0;
            // Four rows per pass: four streams of A in flight. Eight streams measured 30% slower on Zen 5 (the
            // hardware prefetcher keeps fewer streams ahead), one or two streams leave bandwidth unused.
            for (; i + 4 <= rows && fma; i += 4)
            {
                T* r0 = a + i * lda + c0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
                nint j = 0;
                if (wide != 0)
                {
                    Vector512<T> x0 = Vector512.Create(x[i]), x1 = Vector512.Create(x[i + 1]);
                    Vector512<T> x2 = Vector512.Create(x[i + 2]), x3 = Vector512.Create(x[i + 3]);
                    for (; j < wideEnd; j += wide)
                    {
                        Vector512<T> s = Vector512.Load(acc + j);
                        s = GemmSimd.MultiplyAdd(Vector512.Load(r0 + j), x0, s);
                        s = GemmSimd.MultiplyAdd(Vector512.Load(r1 + j), x1, s);
                        s = GemmSimd.MultiplyAdd(Vector512.Load(r2 + j), x2, s);
                        s = GemmSimd.MultiplyAdd(Vector512.Load(r3 + j), x3, s);
                        Vector512.Store(s, acc + j);
                    }
                }

                if (j < vectorEnd)
                {
                    Vector256<T> x0 = Vector256.Create(x[i]), x1 = Vector256.Create(x[i + 1]);
                    Vector256<T> x2 = Vector256.Create(x[i + 2]), x3 = Vector256.Create(x[i + 3]);
                    for (; j < vectorEnd; j += w)
                    {
                        Vector256<T> s = Vector256.Load(acc + j);
                        s = GemmSimd.MultiplyAdd(Vector256.Load(r0 + j), x0, s);
                        s = GemmSimd.MultiplyAdd(Vector256.Load(r1 + j), x1, s);
                        s = GemmSimd.MultiplyAdd(Vector256.Load(r2 + j), x2, s);
                        s = GemmSimd.MultiplyAdd(Vector256.Load(r3 + j), x3, s);
                        Vector256.Store(s, acc + j);
                    }
                }

                for (j = vectorEnd; j < width; j++)
                {
                    T s = acc[j];
                    s = T.FusedMultiplyAdd(r0[j], x[i], s);
                    s = T.FusedMultiplyAdd(r1[j], x[i + 1], s);
                    s = T.FusedMultiplyAdd(r2[j], x[i + 2], s);
                    s = T.FusedMultiplyAdd(r3[j], x[i + 3], s);
                    acc[j] = s;
                }
            }

            for (; i < rows; i++)
            {
                T* r0 = a + i * lda + c0;
                T xi = x[i];
                if (fma)
                {
                    Vector256<T> x0 = Vector256.Create(xi);
                    nint j = 0;
                    for (; j + w <= width; j += w)
                    {
                        Vector256.Store(GemmSimd.MultiplyAdd(Vector256.Load(r0 + j), x0, Vector256.Load(acc + j)), acc + j);
                    }

                    for (; j < width; j++)
                    {
                        acc[j] = T.FusedMultiplyAdd(r0[j], xi, acc[j]);
                    }
                }
                else
                {
                    for (nint j = 0; j < width; j++)
                    {
                        acc[j] += r0[j] * xi;
                    }
                }
            }

            for (int j = 0; j < width; j++)
            {
                y[c0 + j] = GemmSimd.Store(betaIsZero ? T.Zero : y[c0 + j], acc[j], alpha, beta, betaIsZero);
            }
        }
    }
}
