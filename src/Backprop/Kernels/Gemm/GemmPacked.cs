using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Which micro-kernel the packed GEMM runs on this machine.</summary>
internal enum GemmKernelKind
{
    /// <summary>No AVX2/FMA: scalar code.</summary>
    Portable,

    /// <summary>6×16 float / 6×8 double on 256-bit vectors.</summary>
    Avx2,

    /// <summary>8×32 float / 8×16 double on 512-bit vectors.</summary>
    Avx512,
}

/// <summary>The blocked, packed GEMM (BLIS loop order): for each NC-wide column block and KC-deep slice, pack
/// the B slice once, then for each MC-tall row block pack A and sweep the micro-kernel over the tiles. The A
/// block (MC×KC) stays in L2, each B sliver (KC×NR) in L1. Threads own disjoint column (or row) ranges aligned
/// to whole tiles, and K is never split, so every element of C sees the same operations in the same order for
/// any thread count.</summary>
internal static unsafe class GemmPacked
{
    /// <summary>L1 bytes a B sliver plus an A sliver of the AVX-512 tile may fill (of 48 KiB on Zen 4/5); fixes the
    /// largest depth of a packed slice (KC): 288 for float (8×32 tile), 240 for double (8×16). The same KC is
    /// used for every kernel kind so that they all round identically.</summary>
    internal static int DepthBlockBytes = 45 * 1024;

    /// <summary>Size of a packed A block (MC·KC·size): 768 KiB of the 1 MiB L2 (measured best of 192–768 KiB).</summary>
    internal static int RowBlockBytes = 768 * 1024;

    /// <summary>Columns of a packed B block (NC): KC·NC floats = 4 MiB, in L3.</summary>
    internal static int ColumnBlock = 4096;

    /// <summary>Below this many multiply-adds per part a few-row (<see cref="GemmSmall"/>) GEMM stays on one thread
    /// (≈2 MFLOP).</summary>
    internal const long ParallelThreshold = 1 << 20;

    /// <summary>Below this many multiply-adds per part a packed GEMM stays on one thread (≈4 MFLOP, ≈20 µs of one
    /// Zen 5 core), unless the side it is split along is long (<see cref="LongSide"/>). Each part packs its own copy
    /// of the shared operand, and a step of a batch-32 784→100→10 model (2.5 M multiply-adds per product) measured
    /// 0.32 s per epoch on two threads against 0.21 s on one with the threshold at 2^20, before Fit measured which
    /// thread count is faster (<c>ThreadChooser</c>).</summary>
    internal const long PackedParallelThreshold = 1 << 21;

    /// <summary>Length of the side a product is split along (its rows for a row split, its columns for a column
    /// split) from which it splits over threads at <see cref="LongSideParallelThreshold"/>.</summary>
    internal const int LongSide = 512;

    /// <summary>Multiply-adds per part from which a product split along a side of at least <see cref="LongSide"/>
    /// splits over threads (≈ 0.5 MFLOP): each part then covers hundreds of rows or columns. Kernel alone, one thread
    /// → two threads before → two threads split (Zen 5, best of 7 runs of 200, µs): the 784→1000→10 output layer's
    /// products at batch 128, 1000×10×128ᵀ (its weight gradient) 35.7 → 35.9–36.1 → 17.5–19.1 and 128×1000×10ᵀ (the
    /// gradient of its input) 20.4–28.2 → 20.9–28.1 → 10.6–14.1; the narrow 1000×10×100 (784→100→10's output layer
    /// in Predict's batches of 1,000) 19.7 → 19.6–20.0 → 10.4–10.6; 600×64×20 7.6 → 7.7 → 4.3–4.5; 784×100×32ᵀ
    /// (784→100→10's weight gradient at batch 32) 30.2–33.8 → 30.1–32.5 → 15.8–16.2. Inside Predict the narrow
    /// output layer gains more still (37 → 16–22 µs per pass): the layer before it is split by the same row tiles,
    /// so each thread finds its rows of A in its own cache. The panel route (<c>GemmSmall.RunPanels</c>: few rows,
    /// wide) keeps <see cref="PackedParallelThreshold"/>: split sooner, 64×600×20 took 10.0–10.4 µs at two threads
    /// against 8.1–8.6 µs.</summary>
    internal const long LongSideParallelThreshold = 1 << 18;

    /// <summary>Multiply-adds per part below which a product split along a side of <paramref name="side"/> rows or
    /// columns stays on one thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long PartThreshold(int side) => side >= LongSide ? LongSideParallelThreshold : PackedParallelThreshold;

    /// <summary>The micro-kernel the packed GEMM runs. Where both AVX2 and AVX-512 exist the choice is timed, and
    /// only on the first packed product: a program whose products all take the small or narrow paths (a Boston-sized
    /// model) never compiles or times the packed micro-kernels, which cost ≈ 35 ms of its first Fit.</summary>
    public static GemmKernelKind Kind => s_kind >= 0 ? (GemmKernelKind)s_kind : ChooseKernel();

    /// <summary>True when the packed path runs scalar code (no AVX2/FMA, or forced): the dispatchers ask this on
    /// every product, so it is answered without timing the vector kernels (a constant once compiled).</summary>
    internal static bool IsPortable => s_available == GemmKernelKind.Portable;

    /// <summary>What the machine (or <c>BACKPROP_GEMM_KERNEL</c>) allows, before any timing.</summary>
    private static readonly GemmKernelKind s_available = AvailableKernel(out s_needsTiming);
    private static readonly bool s_needsTiming;
    private static readonly Lock s_choosing = new();
    // The chosen GemmKernelKind, or −1 before the choice (an int, so that a reader never sees half a write).
    private static volatile int s_kind = -1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TileRows(GemmKernelKind kind) => kind == GemmKernelKind.Avx512 ? GemmMicroKernels.Avx512Rows : GemmMicroKernels.Rows;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TileColumns<T>(GemmKernelKind kind)
        where T : unmanaged => kind switch
        {
            GemmKernelKind.Avx512 => 2 * Vector512<T>.Count,
            GemmKernelKind.Avx2 => 2 * Vector256<T>.Count,
            _ => 8,
        };

    /// <summary>Largest KC for element type T (see <see cref="DepthBlockBytes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int MaxDepth<T>()
        where T : unmanaged => DepthBlockBytes / ((GemmMicroKernels.Avx512Rows + 2 * Vector512<T>.Count) * sizeof(T));

    /// <summary>Depth of each slice of a K-deep product: K cut into the fewest equal slices of at most
    /// <see cref="MaxDepth{T}"/> (784 = 3 × 262 - 2, 1024 = 4 × 256), so there is no short, inefficient last slice and
    /// as few passes over C as L1 allows. It depends on K and T alone, never on the thread split or the kernel, and
    /// the one-row GEMV slices its depth the same way (<see cref="GemvKernels"/>), so results stay bit-identical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int SliceDepth<T>(int k)
        where T : unmanaged
    {
        int most = MaxDepth<T>();
        int slices = Math.Max(1, (k + most - 1) / most);
        return Math.Max(1, (k + slices - 1) / slices);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RowBlock<T>(int kc, int mr)
        where T : unmanaged
    {
        int rows = RowBlockBytes / (kc * sizeof(T));
        return Math.Max(mr, rows / mr * mr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> call)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(call, Kind);

    /// <summary>The packed GEMM with a given micro-kernel (tests run every kind this machine supports).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(in GemmCall<T> call, GemmKernelKind kind)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = TileColumns<T>(kind);
        int columnTiles = (call.N + nr - 1) / nr;
        int mr = TileRows(kind);
        int rowTiles = (call.M + mr - 1) / mr;
        bool splitColumns = columnTiles >= rowTiles;
        int tiles = splitColumns ? columnTiles : rowTiles;
        long work = (long)call.M * call.N * call.K;
        int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, tiles), Math.Max(1, work / PartThreshold(splitColumns ? call.N : call.M)));
        if (parts <= 1)
        {
            Region(call, kind, 0, call.M, 0, call.N);
            return;
        }

        PackedWork<T> job = PackedWork<T>.ForThisThread;
        job.Call = call;
        job.SplitColumns = splitColumns;
        job.Tiles = tiles;
        job.Kind = kind;
        WorkerPool.Run(job, parts);
    }

    private sealed class PackedWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static PackedWork<T>? s_forThisThread;

        public GemmCall<T> Call;
        public bool SplitColumns;
        public int Tiles;
        public GemmKernelKind Kind;

        public static PackedWork<T> ForThisThread => s_forThisThread ??= new PackedWork<T>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(Tiles, part, parts);
            if (SplitColumns)
            {
                int nr = TileColumns<T>(Kind);
                Region(Call, Kind, 0, Call.M, first * nr, Math.Min(Call.N, last * nr));
            }
            else
            {
                int mr = TileRows(Kind);
                Region(Call, Kind, first * mr, Math.Min(Call.M, last * mr), 0, Call.N);
            }
        }
    }

    /// <summary>C[i0..i1, j0..j1] on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Region<T>(in GemmCall<T> g, GemmKernelKind kind, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (i0 >= i1 || j0 >= j1)
        {
            return;
        }

        int mr = TileRows(kind), nr = TileColumns<T>(kind);
        int kcMax = SliceDepth<T>(g.K);
        int mcMax = Math.Min(RowBlock<T>(kcMax, mr), (i1 - i0 + mr - 1) / mr * mr);
        int ncMax = Math.Min(ColumnBlock / nr * nr, (j1 - j0 + nr - 1) / nr * nr);
        // Two values more than the slivers: the AVX2 column kernel reads its 6-row slivers 8 values at a time.
        T* packA = GemmBuffers.PackA.Get<T>((nint)mcMax * kcMax + 2);
        T* packB = GemmBuffers.PackB.Get<T>((nint)kcMax * ncMax);
        bool epilogue = GemmEpilogue.IsActive(g.Bias, g.Activation);
        nint ldc = g.Ldc;

        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            for (int pc = 0; pc < g.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, g.K - pc);
                GemmPacking.PackB(g.TransposeB, g.B, g.Ldb, pc, kc, jc, nc, nr, packB);
                T beta = pc == 0 ? g.Beta : T.One;
                for (int ic = i0; ic < i1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, i1 - ic);
                    GemmPacking.PackA(g.TransposeA, g.A, g.Lda, ic, mc, pc, kc, mr, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        T* bSliver = packB + (nint)jr * kc;
                        if ((kind == GemmKernelKind.Avx512 || (kind == GemmKernelKind.Avx2 && typeof(T) == typeof(float)))
                            && cols < nr && cols % (nr / 2) is > 0 and <= GemmMicroKernels.ColumnEdge)
                        {
                            ColumnEdgeTiles(kind, kc, nr, mr, mc, packA, bSliver, g.C + ic * ldc + jc + jr, ldc, g.Alpha, beta, cols);
                            continue;
                        }

                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            T* aSliver = packA + (nint)ir * kc;
                            T* cTile = g.C + (ic + ir) * ldc + jc + jr;
                            Kernel(kind, kc, nr, aSliver, bSliver, cTile, ldc, g.Alpha, beta, rows, cols);
                        }
                    }

                    if (epilogue && pc + kc >= g.K)
                    {
                        GemmEpilogue.Apply(g.C, ldc, ic, ic + mc, jc, jc + nc, g.Bias, g.Activation);
                    }
                }
            }
        }
    }

    /// <summary>An edge column sliver whose last columns are at most <see cref="GemmMicroKernels.ColumnEdge"/> past a
    /// whole vector (4 of a 100-unit layer, 16 + 2 of a 50-unit one with AVX-512): a whole vector of them through the
    /// narrow kernel, sliver by sliver, and the few left over through the column kernel, two slivers at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnEdgeTiles<T>(GemmKernelKind kind, int kc, int nr, int mr, int mc, T* packA, T* bSliver, T* c, nint ldc, T alpha, T beta, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vector = nr / 2;
        int whole = cols / vector * vector;
        if (whole > 0)
        {
            for (int ir = 0; ir < mc; ir += mr)
            {
                Kernel(kind, kc, nr, packA + (nint)ir * kc, bSliver, c + ir * ldc, ldc, alpha, beta, Math.Min(mr, mc - ir), whole);
            }
        }

        for (int ir = 0; ir < mc; ir += 2 * mr)
        {
            int rows = Math.Min(2 * mr, mc - ir);
            T* top = packA + (nint)ir * kc;
            T* bottom = rows > mr ? top + (nint)mr * kc : top;
            if (kind == GemmKernelKind.Avx512)
            {
                GemmMicroKernels.Avx512Columns(kc, top, bottom, bSliver + whole, nr, c + ir * ldc + whole, ldc, alpha, beta, rows, cols - whole);
            }
            else
            {
                GemmMicroKernels.Avx2Columns(kc, (float*)top, (float*)bottom, (float*)(bSliver + whole), nr, (float*)(c + ir * ldc + whole), ldc,
                    float.CreateTruncating(alpha), float.CreateTruncating(beta), rows, cols - whole);
            }
        }
    }

    /// <summary>One tile of C, of which the top-left rows × cols corner is stored; edge tiles at most one vector
    /// wide run the narrow kernels (half the FMAs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel<T>(GemmKernelKind kind, int kc, int nr, T* a, T* b, T* c, nint ldc, T alpha, T beta, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case GemmKernelKind.Avx512 when 2 * cols <= nr:
                GemmMicroKernels.Avx512Narrow(kc, a, b, c, ldc, alpha, beta, rows, cols);
                break;
            case GemmKernelKind.Avx512:
                GemmMicroKernels.Avx512(kc, a, b, c, ldc, alpha, beta, rows, cols);
                break;
            case GemmKernelKind.Avx2 when 2 * cols <= nr:
                GemmMicroKernels.Avx2Narrow(kc, a, b, c, ldc, alpha, beta, rows, cols);
                break;
            case GemmKernelKind.Avx2:
                GemmMicroKernels.Avx2(kc, a, b, c, ldc, alpha, beta, rows, cols);
                break;
            default:
                GemmMicroKernels.Portable(kc, nr, a, b, c, ldc, alpha, beta, rows, cols);
                break;
        }
    }

    /// <summary>AVX2+FMA unless absent; where AVX-512 exists too, <paramref name="needsTiming"/> says both
    /// micro-kernels are to be timed (512-bit FMA is split into two halves on some cores, so wider is not always
    /// faster). <c>BACKPROP_GEMM_KERNEL=avx2|avx512|portable</c> forces a choice.</summary>
    private static GemmKernelKind AvailableKernel(out bool needsTiming)
    {
        needsTiming = false;
        string? forced = Environment.GetEnvironmentVariable("BACKPROP_GEMM_KERNEL");
        bool hasAvx2 = Avx2.IsSupported && Fma.IsSupported;
        bool hasAvx512 = hasAvx2 && Avx512F.IsSupported;
        switch (forced?.ToUpperInvariant())
        {
            case "PORTABLE":
                return GemmKernelKind.Portable;
            case "AVX2" when hasAvx2:
                return GemmKernelKind.Avx2;
            case "AVX512" when hasAvx512:
                return GemmKernelKind.Avx512;
        }

        if (!hasAvx2)
        {
            return GemmKernelKind.Portable;
        }

        needsTiming = hasAvx512;
        return hasAvx512 ? GemmKernelKind.Avx512 : GemmKernelKind.Avx2;
    }

    /// <summary>Settles <see cref="Kind"/> once: times the AVX2 and AVX-512 kernels on an in-cache tile and keeps the
    /// faster where both exist. Every kind rounds identically (the same slices, see <see cref="DepthBlockBytes"/>), so
    /// the choice never changes a result.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GemmKernelKind ChooseKernel()
    {
        lock (s_choosing)
        {
            if (s_kind < 0)
            {
                var kind = s_available;
                if (s_needsTiming)
                {
                    double avx2 = TimeKernel(GemmKernelKind.Avx2), avx512 = TimeKernel(GemmKernelKind.Avx512);
                    kind = avx512 < avx2 ? GemmKernelKind.Avx512 : GemmKernelKind.Avx2;
                }

                s_kind = (int)kind;
            }

            return (GemmKernelKind)s_kind;
        }
    }

    /// <summary>Best seconds per multiply-add of the float kernel over a few short runs on one packed tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TimeKernel(GemmKernelKind kind)
    {
        const int kc = 256;
        int nr = kind == GemmKernelKind.Avx512 ? 32 : 16, mr = TileRows(kind);
        float* a = stackalloc float[kc * GemmMicroKernels.Avx512Rows];
        float* b = stackalloc float[kc * 32];
        float* c = stackalloc float[GemmMicroKernels.Avx512Rows * 32];
        new Span<float>(a, kc * GemmMicroKernels.Avx512Rows).Fill(0.5f);
        new Span<float>(b, kc * 32).Fill(0.25f);
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            const int calls = 200;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                Kernel(kind, kc, nr, a, b, c, nr, 1f, 1f, mr, nr);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Min(best, seconds / ((double)calls * kc * mr * nr));
        }

        return best;
    }
}
