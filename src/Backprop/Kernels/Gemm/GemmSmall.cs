using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>GEMM without packing, for small problems (tiny MLP layers) and for few-row products such as a
/// batch-8 forward pass, where every element of B is used by one row tile only, so a packed copy of B costs a
/// full extra read and write of B and saves nothing. The kernel broadcasts elements of op(A) straight from A
/// (any stride) and streams rows of B from where they are; 8×2 AVX-512 vectors (6×2 AVX2 vectors) keep 16 (12)
/// FMA chains in flight, enough to hide the FMA latency even when k is tiny. The last, narrower column tile uses
/// masked loads and stores, so B is never copied unless it is transposed (then it is transposed once into a
/// scratch copy). Large few-row products are split over threads by whole column tiles. Each element is the same
/// k-ordered FMA chain and store rule as in the packed path.</summary>
internal static unsafe class GemmSmall
{
    /// <summary>Problems up to this many multiply-adds take this path; measured here, the packed path wins
    /// from about 64×32×64 (both ≈120 GFLOP/s) and is 1.5× faster at 96³.</summary>
    internal static long Limit = 64 * 32 * 64;

    /// <summary>Largest transposed B (elements) copied whole for a few-row product: 4 MiB of float scratch.</summary>
    internal const long TransposedCopyLimit = 1 << 20;

    /// <summary>True when the 512-bit tiles run (AVX-512F with 512-bit vectors accelerated).</summary>
    private static bool Wide => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Rows of one register tile; products with at most this many rows read B exactly once here and
    /// take this path whatever their size.</summary>
    public static int TileRows => Wide ? 8 : 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* b = g.B;
        nint ldb = g.Ldb;
        if (g.TransposeB)
        {
            // op(B) = Bᵀ as a row-major k × n copy.
            T* copy = GemmBuffers.Scratch.Get<T>((nint)g.K * g.N);
            Transpose.Copy(g.B, g.Ldb, g.N, g.K, copy, g.N);
            b = copy;
            ldb = g.N;
        }

        int tileColumns = Wide ? 2 * Vector512<T>.Count : 2 * Vector256<T>.Count;
        int tiles = (g.N + tileColumns - 1) / tileColumns;
        long work = (long)g.M * g.N * g.K;
        int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, tiles), Math.Max(1, work / GemmPacked.ParallelThreshold));
        if (parts <= 1)
        {
            Region(g, b, ldb, 0, g.N);
            return;
        }

        SmallWork<T> job = SmallWork<T>.ForThisThread;
        job.Call = g;
        job.B = b;
        job.Ldb = ldb;
        job.Tiles = tiles;
        job.TileColumns = tileColumns;
        WorkerPool.Run(job, parts);
    }

    private sealed class SmallWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static SmallWork<T>? s_forThisThread;

        public GemmCall<T> Call;
        public T* B;
        public nint Ldb;
        public int Tiles;
        public int TileColumns;

        public static SmallWork<T> ForThisThread => s_forThisThread ??= new SmallWork<T>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(Tiles, part, parts);
            Region(Call, B, Ldb, first * TileColumns, Math.Min(Call.N, last * TileColumns));
        }
    }

    /// <summary>Whether <see cref="Gemm"/> routes an m×n×k product here (<see cref="Run{T}"/>: each element one FMA chain
    /// over the whole depth): small, or at most one row tile whose transposed B, if any, is small enough to copy.
    /// Predict's grouping asks the same question to know how a Dense layer sums its depth.</summary>
    public static bool Takes(long m, long n, long k, bool transposeB) =>
        m * n * k <= Limit || (m <= TileRows && (!transposeB || k * n <= TransposedCopyLimit));

    /// <summary>Products this few columns wide (at most four column tiles: 128 floats with AVX-512) may take
    /// <see cref="RunNarrow{T}"/> whatever their row count.</summary>
    public static int NarrowColumns<T>()
        where T : unmanaged => 4 * (Wide ? 2 * Vector512<T>.Count : 2 * Vector256<T>.Count);

    /// <summary>Rows per block of <see cref="RunNarrow{T}"/> (a multiple of both tile heights): its C block stays in L1
    /// across the depth slices.</summary>
    private const int NarrowRowBlock = 48;

    /// <summary>A narrow product (n ≤ <see cref="NarrowColumns{T}"/>) with many rows and neither operand
    /// transposed — a Dense layer of ≤ 128 units (64 with AVX2) on a large batch, or a 10-unit output layer.
    /// Packing A would copy the whole of A to use each element for at most four column tiles; here A is read in
    /// place and B, small, stays in L2. The depth is summed in the packed GEMM's slices (<see cref="GemmPacked.SliceDepth{T}"/>: each slice
    /// an FMA chain from zero, stored with α and β, later slices with β = 1), so every element has exactly the bits
    /// the packed path gives it. Split over threads by whole row tiles. Measured against the packed path (Zen 5,
    /// interleaved, best of 3): 128×100×784 129 → 114 µs on one thread, 84 → 67 µs on two; 1000×10×1000 290 → 225 µs;
    /// 1000×100×784 958 → 950 µs on one thread, 497 → 471 µs on two. Split over threads from
    /// <see cref="GemmPacked.PartThreshold"/> of its rows multiply-adds per part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunNarrow<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tileRows = TileRows;
        int blocks = (g.M + tileRows - 1) / tileRows;
        long work = (long)g.M * g.N * g.K;
        int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, blocks), Math.Max(1, work / GemmPacked.PartThreshold(g.M)));
        if (parts <= 1)
        {
            SlicedBlock(g, 0, g.M, 0, g.N);
            return;
        }

        NarrowWork<T> job = NarrowWork<T>.ForThisThread;
        job.Call = g;
        job.Blocks = blocks;
        job.TileRows = tileRows;
        WorkerPool.Run(job, parts);
    }

    private sealed class NarrowWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static NarrowWork<T>? s_forThisThread;

        public GemmCall<T> Call;
        public int Blocks;
        public int TileRows;

        public static NarrowWork<T> ForThisThread => s_forThisThread ??= new NarrowWork<T>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(Blocks, part, parts);
            SlicedBlock(Call, first * TileRows, Math.Min(Call.M, last * TileRows), 0, Call.N);
        }
    }

    /// <summary>Whether a product with neither operand transposed, wider than <see cref="NarrowColumns{T}"/>, takes
    /// <see cref="RunPanels{T}"/>: at most 128 rows, or 256 when it will run on more than one thread. Measured against
    /// the packed path, 784-deep and 1000 wide (Zen 5, interleaved, best of 2): one thread 32 rows 155 → 180–192
    /// GFLOP/s, 64 rows 183–186 → 187–205, 128 rows 187–189 → 183–193, 256 rows 186–194 → 183–188 (not taken); two
    /// threads 32 rows 155–172 → 234–243, 64 rows 230–240 → 292–309, 128 rows 285–290 → 317–335, 256 rows 319–324 →
    /// 347–356. Beyond that A, re-read for every panel, no longer stays in L2.</summary>
    public static bool TakesPanels(long m, long n, long k) =>
        m <= 128 || (m <= 256 && Parallelism.ThreadCount > 1 && m * n * k >= 2 * GemmPacked.PackedParallelThreshold);

    /// <summary>A product with few rows (a training batch; see <see cref="TakesPanels"/>) wider than
    /// <see cref="NarrowColumns{T}"/> and neither operand transposed — the forward product of a wide Dense layer.
    /// The packed path would copy all of B (the layer's weights, changed by every step) to use each element for at
    /// most m / 8 row tiles; here B is read in place, one column panel of <see cref="NarrowColumns{T}"/> at a time
    /// (its depth slice stays in L2 across the row blocks), summed in the packed path's slices as
    /// <see cref="RunNarrow{T}"/> is, so every element has exactly the packed path's bits. Split over threads by
    /// whole panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPanels<T>(in GemmCall<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int panel = NarrowColumns<T>();
        int panels = (g.N + panel - 1) / panel;
        long work = (long)g.M * g.N * g.K;
        int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, panels), Math.Max(1, work / GemmPacked.PackedParallelThreshold));
        if (parts <= 1)
        {
            PanelColumns(g, 0, g.N, panel);
            return;
        }

        PanelWork<T> job = PanelWork<T>.ForThisThread;
        job.Call = g;
        job.Panels = panels;
        job.Panel = panel;
        WorkerPool.Run(job, parts);
    }

    private sealed class PanelWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static PanelWork<T>? s_forThisThread;

        public GemmCall<T> Call;
        public int Panels;
        public int Panel;

        public static PanelWork<T> ForThisThread => s_forThisThread ??= new PanelWork<T>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(Panels, part, parts);
            PanelColumns(Call, first * Panel, Math.Min(Call.N, last * Panel), Panel);
        }
    }

    /// <summary>Columns [j0, j1) of a panel product, panel by panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelColumns<T>(in GemmCall<T> g, int j0, int j1, int panel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = j0; j < j1; j += panel)
        {
            SlicedBlock(g, 0, g.M, j, Math.Min(j + panel, j1));
        }
    }

    /// <summary>Rows [i0, i1) × columns [j0, j1) of C (j0 a multiple of the tile width), A and B read in place, row
    /// block by row block, each summed over the packed path's depth slices, then the epilogue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SlicedBlock<T>(in GemmCall<T> g, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int depth = GemmPacked.SliceDepth<T>(g.K);
        for (int ib = i0; ib < i1; ib += NarrowRowBlock)
        {
            int rows = Math.Min(NarrowRowBlock, i1 - ib);
            for (int pc = 0; pc < g.K; pc += depth)
            {
                GemmCall<T> slice = g;
                slice.M = rows;
                slice.K = Math.Min(depth, g.K - pc);
                slice.A = g.A + ib * g.Lda + pc;
                slice.C = g.C + ib * g.Ldc;
                slice.Beta = pc == 0 ? g.Beta : T.One;
                T* b = g.B + pc * g.Ldb;
                if (Wide)
                {
                    RegionWide(slice, b, g.Ldb, j0, j1);
                }
                else
                {
                    RegionNarrow(slice, b, g.Ldb, j0, j1);
                }
            }

            if (GemmEpilogue.IsActive(g.Bias, g.Activation))
            {
                GemmEpilogue.Apply(g.C, g.Ldc, ib, ib + rows, j0, j1, g.Bias, g.Activation);
            }
        }
    }

    /// <summary>Columns [j0, j1) of C (j0 a multiple of the tile width), B already row-major, then the epilogue
    /// on that block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Region<T>(in GemmCall<T> g, T* b, nint ldb, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Wide)
        {
            RegionWide(g, b, ldb, j0, j1);
        }
        else
        {
            RegionNarrow(g, b, ldb, j0, j1);
        }

        if (GemmEpilogue.IsActive(g.Bias, g.Activation))
        {
            GemmEpilogue.Apply(g.C, g.Ldc, 0, g.M, j0, j1, g.Bias, g.Activation);
        }
    }

    /// <summary>Selects, at JIT time, full-width (unmasked) or edge (masked) loads and stores, and whether the
    /// tile's second vector column exists at all (an edge of at most one vector skips its loads and FMAs).</summary>
    private interface IEdge
    {
        static abstract bool Masked { get; }

        static abstract bool Second { get; }
    }

    private struct FullTile : IEdge
    {
        public static bool Masked => false;

        public static bool Second => true;
    }

    private struct EdgeTile : IEdge
    {
        public static bool Masked => true;

        public static bool Second => true;
    }

    private struct HalfTile : IEdge
    {
        public static bool Masked => true;

        public static bool Second => false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RegionWide<T>(in GemmCall<T> g, T* b, nint ldb, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tileColumns = 2 * Vector512<T>.Count;
        nint rowStrideA = g.TransposeA ? 1 : g.Lda, depthStrideA = g.TransposeA ? g.Lda : 1;
        for (int j = j0; j < j1; j += tileColumns)
        {
            int cols = Math.Min(tileColumns, j1 - j);
            int i = 0;
            for (; i < g.M; i += 8)
            {
                int rows = Math.Min(8, g.M - i);
                T* a = g.A + i * rowStrideA;
                T* c = g.C + i * g.Ldc + j;
                if (rows < 3)
                {
                    // One or two leftover rows: a row kernel each is cheaper than a mostly idle 8-row tile.
                    for (int r = 0; r < rows; r++)
                    {
                        if (cols == tileColumns)
                        {
                            Row512<T, FullTile>(g.K, a + r * rowStrideA, depthStrideA, b + j, ldb, c + r * g.Ldc, g.Alpha, g.Beta, cols);
                        }
                        else if (cols > Vector512<T>.Count)
                        {
                            Row512<T, EdgeTile>(g.K, a + r * rowStrideA, depthStrideA, b + j, ldb, c + r * g.Ldc, g.Alpha, g.Beta, cols);
                        }
                        else
                        {
                            Row512<T, HalfTile>(g.K, a + r * rowStrideA, depthStrideA, b + j, ldb, c + r * g.Ldc, g.Alpha, g.Beta, cols);
                        }
                    }
                }
                else if (cols == tileColumns)
                {
                    Tile512<T, FullTile>(g.K, rows, a, rowStrideA, depthStrideA, b + j, ldb, c, g.Ldc, g.Alpha, g.Beta, cols);
                }
                else if (cols > Vector512<T>.Count)
                {
                    Tile512<T, EdgeTile>(g.K, rows, a, rowStrideA, depthStrideA, b + j, ldb, c, g.Ldc, g.Alpha, g.Beta, cols);
                }
                else
                {
                    Tile512<T, HalfTile>(g.K, rows, a, rowStrideA, depthStrideA, b + j, ldb, c, g.Ldc, g.Alpha, g.Beta, cols);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RegionNarrow<T>(in GemmCall<T> g, T* b, nint ldb, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tileColumns = 2 * Vector256<T>.Count;
        nint rowStrideA = g.TransposeA ? 1 : g.Lda, depthStrideA = g.TransposeA ? g.Lda : 1;
        for (int j = j0; j < j1; j += tileColumns)
        {
            int cols = Math.Min(tileColumns, j1 - j);
            for (int i = 0; i < g.M; i += 6)
            {
                int rows = Math.Min(6, g.M - i);
                T* a = g.A + i * rowStrideA;
                T* c = g.C + i * g.Ldc + j;
                if (rows < 3)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        if (cols == tileColumns)
                        {
                            Row256<T, FullTile>(g.K, a + r * rowStrideA, depthStrideA, b + j, ldb, c + r * g.Ldc, g.Alpha, g.Beta, cols);
                        }
                        else if (cols > Vector256<T>.Count)
                        {
                            Row256<T, EdgeTile>(g.K, a + r * rowStrideA, depthStrideA, b + j, ldb, c + r * g.Ldc, g.Alpha, g.Beta, cols);
                        }
                        else
                        {
                            Row256<T, HalfTile>(g.K, a + r * rowStrideA, depthStrideA, b + j, ldb, c + r * g.Ldc, g.Alpha, g.Beta, cols);
                        }
                    }
                }
                else if (cols == tileColumns)
                {
                    Tile256<T, FullTile>(g.K, rows, a, rowStrideA, depthStrideA, b + j, ldb, c, g.Ldc, g.Alpha, g.Beta, cols);
                }
                else if (cols > Vector256<T>.Count)
                {
                    Tile256<T, EdgeTile>(g.K, rows, a, rowStrideA, depthStrideA, b + j, ldb, c, g.Ldc, g.Alpha, g.Beta, cols);
                }
                else
                {
                    Tile256<T, HalfTile>(g.K, rows, a, rowStrideA, depthStrideA, b + j, ldb, c, g.Ldc, g.Alpha, g.Beta, cols);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Mask512<T>(int count)
        where T : unmanaged, INumberBase<T> =>
        Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Mask256<T>(int count)
        where T : unmanaged, INumberBase<T> =>
        Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(count)));

    /// <summary>Loads the lanes of <paramref name="mask"/> (zeros elsewhere) without touching memory past them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Load512<T, TEdge>(T* p, Vector512<T> mask)
        where T : unmanaged
        where TEdge : struct, IEdge
    {
        if (!TEdge.Masked)
        {
            return Vector512.Load(p);
        }

        return typeof(T) == typeof(float)
            ? Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>()
            : Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Load256<T, TEdge>(T* p, Vector256<T> mask)
        where T : unmanaged
        where TEdge : struct, IEdge
    {
        if (!TEdge.Masked)
        {
            return Vector256.Load(p);
        }

        return typeof(T) == typeof(float)
            ? Avx.MaskLoad((float*)p, mask.AsSingle()).As<float, T>()
            : Avx.MaskLoad((double*)p, mask.AsDouble()).As<double, T>();
    }

    /// <summary>The store rule on the first <paramref name="count"/> lanes (all of them for full tiles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512<T, TEdge>(T* c, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool betaIsZero, int count)
        where T : unmanaged, INumberBase<T>
        where TEdge : struct, IEdge
    {
        if (!TEdge.Masked || count >= Vector512<T>.Count)
        {
            GemmSimd.Store(c, acc, alpha, beta, betaIsZero);
        }
        else if (count > 0)
        {
            GemmSimd.StorePartial(c, acc, alpha, beta, betaIsZero, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256<T, TEdge>(T* c, Vector256<T> acc, Vector256<T> alpha, Vector256<T> beta, bool betaIsZero, int count)
        where T : unmanaged, INumberBase<T>
        where TEdge : struct, IEdge
    {
        if (!TEdge.Masked || count >= Vector256<T>.Count)
        {
            GemmSimd.Store(c, acc, alpha, beta, betaIsZero);
        }
        else if (count > 0)
        {
            GemmSimd.StorePartial(c, acc, alpha, beta, betaIsZero, count);
        }
    }

    /// <summary>Up to 8 rows × two 512-bit vectors of C (<paramref name="cols"/> valid columns). Missing rows
    /// repeat the last row of A and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512<T, TEdge>(int k, int rows, T* a, nint rowStride, nint depthStride, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TEdge : struct, IEdge
    {
        int w = Vector512<T>.Count;
        Vector512<T> mask0 = TEdge.Masked ? Mask512<T>(cols) : default, mask1 = TEdge.Masked ? Mask512<T>(cols - w) : default;
        Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero;
        Vector512<T> c10 = Vector512<T>.Zero, c11 = Vector512<T>.Zero;
        Vector512<T> c20 = Vector512<T>.Zero, c21 = Vector512<T>.Zero;
        Vector512<T> c30 = Vector512<T>.Zero, c31 = Vector512<T>.Zero;
        Vector512<T> c40 = Vector512<T>.Zero, c41 = Vector512<T>.Zero;
        Vector512<T> c50 = Vector512<T>.Zero, c51 = Vector512<T>.Zero;
        Vector512<T> c60 = Vector512<T>.Zero, c61 = Vector512<T>.Zero;
        Vector512<T> c70 = Vector512<T>.Zero, c71 = Vector512<T>.Zero;
        T* a1 = a + Math.Min(1, rows - 1) * rowStride;
        T* a2 = a + Math.Min(2, rows - 1) * rowStride;
        T* a3 = a + Math.Min(3, rows - 1) * rowStride;
        T* a4 = a + Math.Min(4, rows - 1) * rowStride;
        T* a5 = a + Math.Min(5, rows - 1) * rowStride;
        T* a6 = a + Math.Min(6, rows - 1) * rowStride;
        T* a7 = a + Math.Min(7, rows - 1) * rowStride;
        for (nint p = 0; p < k; p++)
        {
            Vector512<T> b0 = Load512<T, TEdge>(b, mask0), b1 = TEdge.Second ? Load512<T, TEdge>(b + w, mask1) : default;
            nint offset = p * depthStride;
            Vector512<T> x = Vector512.Create(a[offset]);
            c00 = GemmSimd.MultiplyAdd(x, b0, c00);
            if (TEdge.Second)
            {
                c01 = GemmSimd.MultiplyAdd(x, b1, c01);
            }

            x = Vector512.Create(a1[offset]);
            c10 = GemmSimd.MultiplyAdd(x, b0, c10);
            if (TEdge.Second)
            {
                c11 = GemmSimd.MultiplyAdd(x, b1, c11);
            }

            x = Vector512.Create(a2[offset]);
            c20 = GemmSimd.MultiplyAdd(x, b0, c20);
            if (TEdge.Second)
            {
                c21 = GemmSimd.MultiplyAdd(x, b1, c21);
            }

            x = Vector512.Create(a3[offset]);
            c30 = GemmSimd.MultiplyAdd(x, b0, c30);
            if (TEdge.Second)
            {
                c31 = GemmSimd.MultiplyAdd(x, b1, c31);
            }

            x = Vector512.Create(a4[offset]);
            c40 = GemmSimd.MultiplyAdd(x, b0, c40);
            if (TEdge.Second)
            {
                c41 = GemmSimd.MultiplyAdd(x, b1, c41);
            }

            x = Vector512.Create(a5[offset]);
            c50 = GemmSimd.MultiplyAdd(x, b0, c50);
            if (TEdge.Second)
            {
                c51 = GemmSimd.MultiplyAdd(x, b1, c51);
            }

            x = Vector512.Create(a6[offset]);
            c60 = GemmSimd.MultiplyAdd(x, b0, c60);
            if (TEdge.Second)
            {
                c61 = GemmSimd.MultiplyAdd(x, b1, c61);
            }

            x = Vector512.Create(a7[offset]);
            c70 = GemmSimd.MultiplyAdd(x, b0, c70);
            if (TEdge.Second)
            {
                c71 = GemmSimd.MultiplyAdd(x, b1, c71);
            }

            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector512<T> alphaV = Vector512.Create(alpha), betaV = Vector512.Create(beta);
        int rest = cols - w;
        Store512<T, TEdge>(c, c00, alphaV, betaV, betaIsZero, cols);
        Store512<T, TEdge>(c + w, c01, alphaV, betaV, betaIsZero, rest);
        Store512<T, TEdge>(c + ldc, c10, alphaV, betaV, betaIsZero, cols);
        Store512<T, TEdge>(c + ldc + w, c11, alphaV, betaV, betaIsZero, rest);
        Store512<T, TEdge>(c + 2 * ldc, c20, alphaV, betaV, betaIsZero, cols);
        Store512<T, TEdge>(c + 2 * ldc + w, c21, alphaV, betaV, betaIsZero, rest);
        if (rows > 3)
        {
            Store512<T, TEdge>(c + 3 * ldc, c30, alphaV, betaV, betaIsZero, cols);
            Store512<T, TEdge>(c + 3 * ldc + w, c31, alphaV, betaV, betaIsZero, rest);
        }

        if (rows > 4)
        {
            Store512<T, TEdge>(c + 4 * ldc, c40, alphaV, betaV, betaIsZero, cols);
            Store512<T, TEdge>(c + 4 * ldc + w, c41, alphaV, betaV, betaIsZero, rest);
        }

        if (rows > 5)
        {
            Store512<T, TEdge>(c + 5 * ldc, c50, alphaV, betaV, betaIsZero, cols);
            Store512<T, TEdge>(c + 5 * ldc + w, c51, alphaV, betaV, betaIsZero, rest);
        }

        if (rows > 6)
        {
            Store512<T, TEdge>(c + 6 * ldc, c60, alphaV, betaV, betaIsZero, cols);
            Store512<T, TEdge>(c + 6 * ldc + w, c61, alphaV, betaV, betaIsZero, rest);
        }

        if (rows > 7)
        {
            Store512<T, TEdge>(c + 7 * ldc, c70, alphaV, betaV, betaIsZero, cols);
            Store512<T, TEdge>(c + 7 * ldc + w, c71, alphaV, betaV, betaIsZero, rest);
        }
    }

    /// <summary>One row × two 512-bit vectors of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row512<T, TEdge>(int k, T* a, nint depthStride, T* b, nint ldb, T* c, T alpha, T beta, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TEdge : struct, IEdge
    {
        int w = Vector512<T>.Count;
        Vector512<T> mask0 = TEdge.Masked ? Mask512<T>(cols) : default, mask1 = TEdge.Masked ? Mask512<T>(cols - w) : default;
        Vector512<T> c00 = Vector512<T>.Zero, c01 = Vector512<T>.Zero;
        for (nint p = 0; p < k; p++)
        {
            Vector512<T> x = Vector512.Create(a[p * depthStride]);
            c00 = GemmSimd.MultiplyAdd(x, Load512<T, TEdge>(b, mask0), c00);
            if (TEdge.Second)
            {
                c01 = GemmSimd.MultiplyAdd(x, Load512<T, TEdge>(b + w, mask1), c01);
            }

            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector512<T> alphaV = Vector512.Create(alpha), betaV = Vector512.Create(beta);
        Store512<T, TEdge>(c, c00, alphaV, betaV, betaIsZero, cols);
        Store512<T, TEdge>(c + w, c01, alphaV, betaV, betaIsZero, cols - w);
    }

    /// <summary>Up to 6 rows × two 256-bit vectors of C (16 vector registers hold 12 accumulators, two B vectors
    /// and a broadcast). Missing rows repeat the last row of A and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile256<T, TEdge>(int k, int rows, T* a, nint rowStride, nint depthStride, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TEdge : struct, IEdge
    {
        int w = Vector256<T>.Count;
        Vector256<T> mask0 = TEdge.Masked ? Mask256<T>(cols) : default, mask1 = TEdge.Masked ? Mask256<T>(cols - w) : default;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        Vector256<T> c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
        Vector256<T> c20 = Vector256<T>.Zero, c21 = Vector256<T>.Zero;
        Vector256<T> c30 = Vector256<T>.Zero, c31 = Vector256<T>.Zero;
        Vector256<T> c40 = Vector256<T>.Zero, c41 = Vector256<T>.Zero;
        Vector256<T> c50 = Vector256<T>.Zero, c51 = Vector256<T>.Zero;
        T* a1 = a + Math.Min(1, rows - 1) * rowStride;
        T* a2 = a + Math.Min(2, rows - 1) * rowStride;
        T* a3 = a + Math.Min(3, rows - 1) * rowStride;
        T* a4 = a + Math.Min(4, rows - 1) * rowStride;
        T* a5 = a + Math.Min(5, rows - 1) * rowStride;
        for (nint p = 0; p < k; p++)
        {
            Vector256<T> b0 = Load256<T, TEdge>(b, mask0), b1 = TEdge.Second ? Load256<T, TEdge>(b + w, mask1) : default;
            nint offset = p * depthStride;
            Vector256<T> x = Vector256.Create(a[offset]);
            c00 = GemmSimd.MultiplyAdd(x, b0, c00);
            if (TEdge.Second)
            {
                c01 = GemmSimd.MultiplyAdd(x, b1, c01);
            }

            x = Vector256.Create(a1[offset]);
            c10 = GemmSimd.MultiplyAdd(x, b0, c10);
            if (TEdge.Second)
            {
                c11 = GemmSimd.MultiplyAdd(x, b1, c11);
            }

            x = Vector256.Create(a2[offset]);
            c20 = GemmSimd.MultiplyAdd(x, b0, c20);
            if (TEdge.Second)
            {
                c21 = GemmSimd.MultiplyAdd(x, b1, c21);
            }

            x = Vector256.Create(a3[offset]);
            c30 = GemmSimd.MultiplyAdd(x, b0, c30);
            if (TEdge.Second)
            {
                c31 = GemmSimd.MultiplyAdd(x, b1, c31);
            }

            x = Vector256.Create(a4[offset]);
            c40 = GemmSimd.MultiplyAdd(x, b0, c40);
            if (TEdge.Second)
            {
                c41 = GemmSimd.MultiplyAdd(x, b1, c41);
            }

            x = Vector256.Create(a5[offset]);
            c50 = GemmSimd.MultiplyAdd(x, b0, c50);
            if (TEdge.Second)
            {
                c51 = GemmSimd.MultiplyAdd(x, b1, c51);
            }

            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        int rest = cols - w;
        Store256<T, TEdge>(c, c00, alphaV, betaV, betaIsZero, cols);
        Store256<T, TEdge>(c + w, c01, alphaV, betaV, betaIsZero, rest);
        Store256<T, TEdge>(c + ldc, c10, alphaV, betaV, betaIsZero, cols);
        Store256<T, TEdge>(c + ldc + w, c11, alphaV, betaV, betaIsZero, rest);
        Store256<T, TEdge>(c + 2 * ldc, c20, alphaV, betaV, betaIsZero, cols);
        Store256<T, TEdge>(c + 2 * ldc + w, c21, alphaV, betaV, betaIsZero, rest);
        if (rows > 3)
        {
            Store256<T, TEdge>(c + 3 * ldc, c30, alphaV, betaV, betaIsZero, cols);
            Store256<T, TEdge>(c + 3 * ldc + w, c31, alphaV, betaV, betaIsZero, rest);
        }

        if (rows > 4)
        {
            Store256<T, TEdge>(c + 4 * ldc, c40, alphaV, betaV, betaIsZero, cols);
            Store256<T, TEdge>(c + 4 * ldc + w, c41, alphaV, betaV, betaIsZero, rest);
        }

        if (rows > 5)
        {
            Store256<T, TEdge>(c + 5 * ldc, c50, alphaV, betaV, betaIsZero, cols);
            Store256<T, TEdge>(c + 5 * ldc + w, c51, alphaV, betaV, betaIsZero, rest);
        }
    }

    /// <summary>One row × two 256-bit vectors of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row256<T, TEdge>(int k, T* a, nint depthStride, T* b, nint ldb, T* c, T alpha, T beta, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TEdge : struct, IEdge
    {
        int w = Vector256<T>.Count;
        Vector256<T> mask0 = TEdge.Masked ? Mask256<T>(cols) : default, mask1 = TEdge.Masked ? Mask256<T>(cols - w) : default;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        for (nint p = 0; p < k; p++)
        {
            Vector256<T> x = Vector256.Create(a[p * depthStride]);
            c00 = GemmSimd.MultiplyAdd(x, Load256<T, TEdge>(b, mask0), c00);
            if (TEdge.Second)
            {
                c01 = GemmSimd.MultiplyAdd(x, Load256<T, TEdge>(b + w, mask1), c01);
            }

            b += ldb;
        }

        bool betaIsZero = beta == T.Zero;
        Vector256<T> alphaV = Vector256.Create(alpha), betaV = Vector256.Create(beta);
        Store256<T, TEdge>(c, c00, alphaV, betaV, betaIsZero, cols);
        Store256<T, TEdge>(c + w, c01, alphaV, betaV, betaIsZero, cols - w);
    }
}
