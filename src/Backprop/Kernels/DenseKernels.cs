using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>The element-wise halves of a Dense layer's passes, fused so each batch-sized buffer is touched
/// once: the swish forward pass keeping σ(z), and the backward step <c>dz = dy ⊙ f′</c> computed from what the
/// forward pass stored, together with the bias gradient <c>db = Σ_rows dz</c>. Matrices are row-major with
/// <c>columns</c> values per row; no output span may overlap an input, except that <c>dz</c> may be <c>dy</c> itself.</summary>
/// <remarks>Each derivative evaluates the same expression, in the same order, as the matching kernel in
/// <see cref="ActivationKernels"/>, and the column sums add rows in row order (row 0 first), so results do not
/// depend on the vector width or the thread count.</remarks>
public static class DenseKernels
{
    /// <summary>Swish forward from the GEMM's product, in one pass over it: <c>z = x·W + b</c> (the bias added
    /// here), <c>s = σ(z)</c> kept for the backward pass, and <c>y = z·s</c> in place over
    /// <paramref name="productThenY"/>. <paramref name="bias"/> is empty for no bias, else one value per column.</summary>
    /// <remarks>In float, σ comes from <see cref="VectorSigmoid"/> (within 3 ulp; TensorPrimitives.Sigmoid's
    /// runtime Exp cost about 1.6 times as much here), in double from the runtime's vector Exp as TensorPrimitives computes
    /// it. The bias add and the product are the same single roundings separate passes would make, without three
    /// library calls per buffer and two more trips over it. Partial vectors at the end of a row go through the same
    /// vector code on a padded copy, so no element depends on where it sits in the row or on the vector width.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwishForward<T>(int rows, int columns, Span<T> productThenY, ReadOnlySpan<T> bias, Span<T> sigmoid)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(rows, columns, productThenY.Length, "the product");
        CheckMatrix(rows, columns, sigmoid.Length, "the σ buffer");
        if (!bias.IsEmpty && bias.Length != columns)
        {
            ThrowLength("Swish forward: the bias", bias.Length, columns, "units", nameof(bias));
        }

        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            for (int i = 0; i < productThenY.Length; i++)
            {
                T z = bias.IsEmpty ? productThenY[i] : productThenY[i] + bias[i % columns];
                T s = T.One / (T.One + T.Exp(-z));
                sigmoid[i] = s;
                productThenY[i] = z * s;
            }

            return;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            SwishRows<SwishLanes512<T>, T>(rows, columns, productThenY, bias, sigmoid);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            SwishRows<SwishLanes256<T>, T>(rows, columns, productThenY, bias, sigmoid);
        }
        else
        {
            SwishRows<SwishLanes128<T>, T>(rows, columns, productThenY, bias, sigmoid);
        }
    }

    /// <summary><c>y[r, j] += bias[j]</c> over a row-major matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias<T>(int rows, int columns, Span<T> y, ReadOnlySpan<T> bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(rows, columns, y.Length, "y");
        if (bias.Length != columns)
        {
            ThrowLength("Add bias: the bias", bias.Length, columns, "columns", nameof(bias));
        }

        if (columns == 1)
        {
            T b = bias[0];
            foreach (ref T v in y)
            {
                v += b;
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            var row = y.Slice(r * columns, columns);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] += bias[j];
            }
        }
    }

    /// <summary><c>result[r, j] = column[r]·row[j]</c>: the product of a column vector and a row vector, row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterProduct<T>(ReadOnlySpan<T> column, ReadOnlySpan<T> row, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(column.Length, row.Length, result.Length, "the outer product");
        int n = row.Length;
        for (int r = 0; r < column.Length; r++)
        {
            T c = column[r];
            var target = result.Slice(r * n, n);
            int j = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                var vc = new Vector<T>(c);
                for (; j <= n - Vector<T>.Count; j += Vector<T>.Count)
                {
                    (vc * Vector.LoadUnsafe(ref MemoryMarshal.GetReference(row), (nuint)j)).StoreUnsafe(ref MemoryMarshal.GetReference(target), (nuint)j);
                }
            }

            for (; j < n; j++)
            {
                target[j] = c * row[j];
            }
        }
    }

    /// <summary>ReLU: <c>dz = dy ⊙ [y &gt; 0]</c> (y = max(z, 0) is positive exactly where z is), and
    /// <c>db (+)= Σ_rows dz</c> when <paramref name="biasGradient"/> is not empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward<T>(int rows, int columns, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dz, Span<T> biasGradient, bool overwriteBias)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<ReluFromOutput, T>(rows, columns, y, y, dy, dz, biasGradient, overwriteBias);

    /// <summary>tanh: <c>dz = dy ⊙ (1 − y²)</c>, and the bias gradient as in <see cref="ReluBackward{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward<T>(int rows, int columns, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dz, Span<T> biasGradient, bool overwriteBias)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<TanhFromOutput, T>(rows, columns, y, y, dy, dz, biasGradient, overwriteBias);

    /// <summary>Sigmoid: <c>dz = dy ⊙ y ⊙ (1 − y)</c>, and the bias gradient as in <see cref="ReluBackward{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward<T>(int rows, int columns, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dz, Span<T> biasGradient, bool overwriteBias)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<SigmoidFromOutput, T>(rows, columns, y, y, dy, dz, biasGradient, overwriteBias);

    /// <summary>Swish: <c>dz = dy ⊙ (s + y ⊙ (1 − s))</c> with <c>s = σ(z)</c> from the forward pass — the same
    /// as <c>σ(z)·(1 + z·(1 − σ(z)))</c> since y = z·s — and the bias gradient as in
    /// <see cref="ReluBackward{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwishBackward<T>(int rows, int columns, ReadOnlySpan<T> y, ReadOnlySpan<T> sigmoid, ReadOnlySpan<T> dy, Span<T> dz, Span<T> biasGradient, bool overwriteBias)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<SwishFromOutput, T>(rows, columns, y, sigmoid, dy, dz, biasGradient, overwriteBias);

    /// <summary><c>sum (+)= Σ_rows matrix</c>, adding rows in order (row 0 first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums<T>(int rows, int columns, ReadOnlySpan<T> matrix, Span<T> sum, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(rows, columns, matrix.Length, "matrix");
        if (sum.Length != columns)
        {
            ThrowLength("Column sums: the sum", sum.Length, columns, "columns", nameof(sum));
        }

        if (rows == 0)
        {
            if (overwrite)
            {
                sum.Clear();
            }

            return;
        }

        // As in the backward kernels: column blocks outermost with the running sum in a register.
        ref T mRef = ref MemoryMarshal.GetReference(matrix);
        ref T sRef = ref MemoryMarshal.GetReference(sum);
        int j = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; j <= columns - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                var total = overwrite ? Vector512.LoadUnsafe(ref mRef, (nuint)j) : Vector512.LoadUnsafe(ref sRef, (nuint)j) + Vector512.LoadUnsafe(ref mRef, (nuint)j);
                for (int r = 1; r < rows; r++)
                {
                    total += Vector512.LoadUnsafe(ref mRef, (nuint)((nint)r * columns + j));
                }

                total.StoreUnsafe(ref sRef, (nuint)j);
            }
        }

        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            for (; j <= columns - Vector<T>.Count; j += Vector<T>.Count)
            {
                var total = overwrite ? Vector.LoadUnsafe(ref mRef, (nuint)j) : Vector.LoadUnsafe(ref sRef, (nuint)j) + Vector.LoadUnsafe(ref mRef, (nuint)j);
                for (int r = 1; r < rows; r++)
                {
                    total += Vector.LoadUnsafe(ref mRef, (nuint)((nint)r * columns + j));
                }

                total.StoreUnsafe(ref sRef, (nuint)j);
            }
        }

        for (; j < columns; j++)
        {
            T total = overwrite ? Unsafe.Add(ref mRef, j) : Unsafe.Add(ref sRef, j) + Unsafe.Add(ref mRef, j);
            for (int r = 1; r < rows; r++)
            {
                total += Unsafe.Add(ref mRef, (nint)r * columns + j);
            }

            Unsafe.Add(ref sRef, j) = total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Backward<TDerivative, T>(int rows, int columns, ReadOnlySpan<T> y, ReadOnlySpan<T> auxiliary, ReadOnlySpan<T> dy,
        Span<T> dz, Span<T> biasGradient, bool overwriteBias)
        where TDerivative : struct, IOutputDerivative
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(rows, columns, y.Length, "y");
        CheckMatrix(rows, columns, auxiliary.Length, "the stored activation state");
        CheckMatrix(rows, columns, dy.Length, "dy");
        CheckMatrix(rows, columns, dz.Length, "dz");
        bool withBias = !biasGradient.IsEmpty;
        if (withBias && biasGradient.Length != columns)
        {
            ThrowLength("Dense backward: the bias gradient", biasGradient.Length, columns, "units", nameof(biasGradient));
        }

        if ((long)rows * columns >= ActivationKernels.ParallelLength && Parallelism.ThreadCount > 1 && columns >= 2 * ParallelColumns)
        {
            // A wide layer's batch: whole column ranges per thread, each summing its bias columns down the rows in
            // order, so the bits are those of one thread.
            fixed (T* py = y, pAux = auxiliary, pDy = dy, pDz = dz, pB = biasGradient)
            {
                var job = BackwardWork<TDerivative, T>.ForThisThread;
                job.Set(rows, columns, py, pAux, pDy, pDz, withBias ? pB : null, overwriteBias);
                WorkerPool.Run(job, Math.Min(Parallelism.ThreadCount, columns / ParallelColumns));
            }

            return;
        }

        BackwardColumns<TDerivative, T>(rows, columns, columns, ref MemoryMarshal.GetReference(y), ref MemoryMarshal.GetReference(auxiliary),
            ref MemoryMarshal.GetReference(dy), ref MemoryMarshal.GetReference(dz), ref MemoryMarshal.GetReference(biasGradient), withBias, overwriteBias);
        if (withBias && overwriteBias && rows == 0)
        {
            biasGradient.Clear();
        }
    }

    /// <summary>Backward passes of at least <see cref="ActivationKernels.ParallelLength"/> elements and at least twice
    /// this many columns are split over threads by column ranges of whole cache lines.</summary>
    private const int ParallelColumns = 64;

    /// <summary>The backward step over <paramref name="width"/> columns of rows <paramref name="stride"/> values apart
    /// (the refs point at the first column of row 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardColumns<TDerivative, T>(int rows, int stride, int width, ref T yRef, ref T auxRef, ref T dyRef, ref T dzRef,
        ref T bRef, bool withBias, bool overwriteBias)
        where TDerivative : struct, IOutputDerivative
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Column blocks outermost, so each block's bias sum stays in a register down the rows instead of going
        // through memory once per row (that store-to-load chain was the kernel's critical path); rows are still
        // added in order, row 0 first. Refs and unchecked loads: rows here are often only one to four vectors.
        int j = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // Two blocks at a time: two independent add chains down the rows instead of one.
            int w = Vector512<T>.Count;
            for (; j <= width - 2 * w; j += 2 * w)
            {
                var sum0 = withBias && !overwriteBias ? Vector512.LoadUnsafe(ref bRef, (nuint)j) : Vector512<T>.Zero;
                var sum1 = withBias && !overwriteBias ? Vector512.LoadUnsafe(ref bRef, (nuint)(j + w)) : Vector512<T>.Zero;
                for (int r = 0; r < rows; r++)
                {
                    nuint at = (nuint)((nint)r * stride + j);
                    nuint at1 = at + (nuint)w;
                    var d0 = TDerivative.Apply(Vector512.LoadUnsafe(ref dyRef, at), Vector512.LoadUnsafe(ref yRef, at), Vector512.LoadUnsafe(ref auxRef, at));
                    var d1 = TDerivative.Apply(Vector512.LoadUnsafe(ref dyRef, at1), Vector512.LoadUnsafe(ref yRef, at1), Vector512.LoadUnsafe(ref auxRef, at1));
                    d0.StoreUnsafe(ref dzRef, at);
                    d1.StoreUnsafe(ref dzRef, at1);
                    bool first = r == 0 && overwriteBias;
                    sum0 = first ? d0 : sum0 + d0;
                    sum1 = first ? d1 : sum1 + d1;
                }

                if (withBias && rows > 0)
                {
                    sum0.StoreUnsafe(ref bRef, (nuint)j);
                    sum1.StoreUnsafe(ref bRef, (nuint)(j + w));
                }
            }

            for (; j <= width - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                var sum = withBias && !overwriteBias ? Vector512.LoadUnsafe(ref bRef, (nuint)j) : Vector512<T>.Zero;
                for (int r = 0; r < rows; r++)
                {
                    nuint at = (nuint)((nint)r * stride + j);
                    var d = TDerivative.Apply(Vector512.LoadUnsafe(ref dyRef, at), Vector512.LoadUnsafe(ref yRef, at), Vector512.LoadUnsafe(ref auxRef, at));
                    d.StoreUnsafe(ref dzRef, at);
                    sum = r == 0 && overwriteBias ? d : sum + d;
                }

                if (withBias && rows > 0)
                {
                    sum.StoreUnsafe(ref bRef, (nuint)j);
                }
            }
        }

        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            for (; j <= width - Vector<T>.Count; j += Vector<T>.Count)
            {
                var sum = withBias && !overwriteBias ? Vector.LoadUnsafe(ref bRef, (nuint)j) : Vector<T>.Zero;
                for (int r = 0; r < rows; r++)
                {
                    nuint at = (nuint)((nint)r * stride + j);
                    var d = TDerivative.Apply(Vector.LoadUnsafe(ref dyRef, at), Vector.LoadUnsafe(ref yRef, at), Vector.LoadUnsafe(ref auxRef, at));
                    d.StoreUnsafe(ref dzRef, at);
                    sum = r == 0 && overwriteBias ? d : sum + d;
                }

                if (withBias && rows > 0)
                {
                    sum.StoreUnsafe(ref bRef, (nuint)j);
                }
            }
        }

        if (j < width && Avx512F.VL.IsSupported && Vector<T>.Count == Vector256<T>.Count)
        {
            // The last columns, fewer than a vector (all of a 2-unit layer's): one masked vector per row instead of a
            // scalar pass down the rows per column.
            MaskedColumns<TDerivative, T>(rows, stride, j, width - j, ref yRef, ref auxRef, ref dyRef, ref dzRef, ref bRef, withBias, overwriteBias);
            return;
        }

        for (; j < width; j++)
        {
            T sum = withBias && !overwriteBias ? Unsafe.Add(ref bRef, j) : T.Zero;
            for (int r = 0; r < rows; r++)
            {
                nint at = (nint)r * stride + j;
                T d = TDerivative.Apply(Unsafe.Add(ref dyRef, at), Unsafe.Add(ref yRef, at), Unsafe.Add(ref auxRef, at));
                Unsafe.Add(ref dzRef, at) = d;
                sum = r == 0 && overwriteBias ? d : sum + d;
            }

            if (withBias && rows > 0)
            {
                Unsafe.Add(ref bRef, j) = sum;
            }
        }
    }

    /// <summary>Columns [j, j + <paramref name="left"/>) of <see cref="BackwardColumns{TDerivative, T}"/>, fewer than a
    /// 256-bit vector, as one vector per row with AVX-512's masked loads and stores (lanes past them neither read
    /// nor written): the same derivative per element as the vector passes, and each bias sum still receives its
    /// rows one by one in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MaskedColumns<TDerivative, T>(int rows, int stride, int j, int left, ref T yRef, ref T auxRef, ref T dyRef,
        ref T dzRef, ref T bRef, bool withBias, bool overwriteBias)
        where TDerivative : struct, IOutputDerivative
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> mask = typeof(T) == typeof(float)
            ? Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(left)).As<int, T>()
            : Vector256.LessThan(Vector256<long>.Indices, Vector256.Create((long)left)).As<long, T>();
        fixed (T* y = &yRef, aux = &auxRef, dy = &dyRef, dz = &dzRef, b = &bRef)
        {
            Vector256<T> sum = withBias && !overwriteBias ? MaskedLoad(b + j, mask) : Vector256<T>.Zero;
            for (int r = 0; r < rows; r++)
            {
                nint at = ((nint)r * stride) + j;
                Vector256<T> d = TDerivative.Apply(MaskedLoad(dy + at, mask).AsVector(), MaskedLoad(y + at, mask).AsVector(),
                    MaskedLoad(aux + at, mask).AsVector()).AsVector256();
                MaskedStore(dz + at, mask, d);
                sum = r == 0 && overwriteBias ? d : sum + d;
            }

            if (withBias && rows > 0)
            {
                MaskedStore(b + j, mask, sum);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<T> MaskedLoad<T>(T* source, Vector256<T> mask)
        where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Avx512F.VL.MaskLoad((float*)source, mask.AsSingle(), Vector256<float>.Zero).As<float, T>()
            : Avx512F.VL.MaskLoad((double*)source, mask.AsDouble(), Vector256<double>.Zero).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MaskedStore<T>(T* destination, Vector256<T> mask, Vector256<T> value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Avx512F.VL.MaskStore((float*)destination, mask.AsSingle(), value.AsSingle());
        }
        else
        {
            Avx512F.VL.MaskStore((double*)destination, mask.AsDouble(), value.AsDouble());
        }
    }

    private sealed unsafe class BackwardWork<TDerivative, T> : IParallelWork
        where TDerivative : struct, IOutputDerivative
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static BackwardWork<TDerivative, T>? s_forThisThread;

        private int _rows;
        private int _columns;
        private T* _y;
        private T* _auxiliary;
        private T* _dy;
        private T* _dz;
        private T* _bias;
        private bool _overwriteBias;

        public static BackwardWork<TDerivative, T> ForThisThread => s_forThisThread ??= new BackwardWork<TDerivative, T>();

        public void Set(int rows, int columns, T* y, T* auxiliary, T* dy, T* dz, T* bias, bool overwriteBias)
        {
            _rows = rows;
            _columns = columns;
            _y = y;
            _auxiliary = auxiliary;
            _dy = dy;
            _dz = dz;
            _bias = bias;
            _overwriteBias = overwriteBias;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.CacheLineRange<T>(_columns, part, parts);
            if (last <= first)
            {
                return;
            }

            T unused = default;
            ref T bias = ref _bias is null ? ref unused : ref Unsafe.AsRef<T>(_bias + first);
            BackwardColumns<TDerivative, T>(_rows, _columns, last - first, ref Unsafe.AsRef<T>(_y + first), ref Unsafe.AsRef<T>(_auxiliary + first),
                ref Unsafe.AsRef<T>(_dy + first), ref Unsafe.AsRef<T>(_dz + first), ref bias, _bias is not null, _overwriteBias);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SwishRows<TLanes, T>(int rows, int columns, Span<T> productThenY, ReadOnlySpan<T> bias, Span<T> sigmoid)
        where TLanes : struct, ISwishLanes<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = TLanes.Count;
        int full = columns - columns % width;
        bool withBias = !bias.IsEmpty;
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T z = ref MemoryMarshal.GetReference(productThenY);
        ref T s = ref MemoryMarshal.GetReference(sigmoid);
        for (int r = 0; r < rows; r++)
        {
            int start = r * columns;
            for (int j = 0; j < full; j += width)
            {
                TLanes.Apply(ref Unsafe.Add(ref z, start + j), ref Unsafe.Add(ref b, j), withBias, ref Unsafe.Add(ref s, start + j));
            }

            if (full < columns)
            {
                SwishPartialVector<TLanes, T>(productThenY.Slice(start + full, columns - full), withBias ? bias[full..] : default,
                    sigmoid.Slice(start + full, columns - full));
            }
        }
    }

    /// <summary>The last columns of a row (fewer than a vector), through the same vector code on a zero-padded
    /// copy so they round exactly as whole vectors do.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SwishPartialVector<TLanes, T>(Span<T> productThenY, ReadOnlySpan<T> bias, Span<T> sigmoid)
        where TLanes : struct, ISwishLanes<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = TLanes.Count;
        Span<T> padded = stackalloc T[3 * width];
        padded.Clear();
        productThenY.CopyTo(padded);
        bias.CopyTo(padded[width..]);
        TLanes.Apply(ref padded[0], ref padded[width], !bias.IsEmpty, ref padded[2 * width]);
        padded[..productThenY.Length].CopyTo(productThenY);
        padded.Slice(2 * width, sigmoid.Length).CopyTo(sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckMatrix(int rows, int columns, int length, string name)
    {
        if (rows < 0 || columns < 0 || (long)rows * columns != length)
        {
            ThrowMatrix(rows, columns, length, name);
        }
    }

    // The messages are built apart from the checks, so that the kernels inlining them compile small (a process's
    // first Fit compiles each kernel on the spot).
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMatrix(int rows, int columns, int length, string name) =>
        throw new ArgumentException($"Dense kernel: {name} has {length} values, not {rows}×{columns}.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(string what, int length, int columns, string unit, string parameter) =>
        throw new ArgumentException($"{what} has {length} values for {columns} {unit}.", parameter);

    /// <summary>dy ⊙ f′ from the stored output y (and an auxiliary stored value for swish), lane-wise and scalar
    /// with the same operation order.</summary>
    private interface IOutputDerivative
    {
        static abstract Vector512<T> Apply<T>(Vector512<T> dy, Vector512<T> y, Vector512<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T>;

        static abstract Vector<T> Apply<T>(Vector<T> dy, Vector<T> y, Vector<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T>;

        static abstract T Apply<T>(T dy, T y, T auxiliary) where T : unmanaged, IFloatingPointIeee754<T>;
    }

    private struct ReluFromOutput : IOutputDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector512<T> Apply<T>(Vector512<T> dy, Vector512<T> y, Vector512<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T> =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<T>.Zero), dy, Vector512<T>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector<T> Apply<T>(Vector<T> dy, Vector<T> y, Vector<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T> =>
            Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<T>.Zero), dy, Vector<T>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static T Apply<T>(T dy, T y, T auxiliary) where T : unmanaged, IFloatingPointIeee754<T> => y > T.Zero ? dy : T.Zero;
    }

    private struct TanhFromOutput : IOutputDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector512<T> Apply<T>(Vector512<T> dy, Vector512<T> y, Vector512<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T> =>
            dy * (Vector512<T>.One - y * y);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector<T> Apply<T>(Vector<T> dy, Vector<T> y, Vector<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T> =>
            dy * (Vector<T>.One - y * y);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static T Apply<T>(T dy, T y, T auxiliary) where T : unmanaged, IFloatingPointIeee754<T> => dy * (T.One - y * y);
    }

    private struct SigmoidFromOutput : IOutputDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector512<T> Apply<T>(Vector512<T> dy, Vector512<T> y, Vector512<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T> =>
            dy * y * (Vector512<T>.One - y);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector<T> Apply<T>(Vector<T> dy, Vector<T> y, Vector<T> auxiliary) where T : unmanaged, IFloatingPointIeee754<T> =>
            dy * y * (Vector<T>.One - y);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static T Apply<T>(T dy, T y, T auxiliary) where T : unmanaged, IFloatingPointIeee754<T> => dy * y * (T.One - y);
    }

    private struct SwishFromOutput : IOutputDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector512<T> Apply<T>(Vector512<T> dy, Vector512<T> y, Vector512<T> s) where T : unmanaged, IFloatingPointIeee754<T> =>
            dy * (s + y * (Vector512<T>.One - s));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Vector<T> Apply<T>(Vector<T> dy, Vector<T> y, Vector<T> s) where T : unmanaged, IFloatingPointIeee754<T> =>
            dy * (s + y * (Vector<T>.One - s));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static T Apply<T>(T dy, T y, T s) where T : unmanaged, IFloatingPointIeee754<T> => dy * (s + y * (T.One - s));
    }

    /// <summary>One vector of the swish forward pass: z (+ b), σ(z) = 1 / (1 + e^(−z)), z·σ(z), for float or
    /// double at one vector width.</summary>
    private interface ISwishLanes<T>
    {
        static abstract int Count { get; }

        static abstract void Apply(ref T z, ref T bias, bool withBias, ref T sigmoid);
    }

    private struct SwishLanes512<T> : ISwishLanes<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static int Count => Vector512<T>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(ref T z, ref T bias, bool withBias, ref T sigmoid)
        {
            var v = Vector512.LoadUnsafe(ref z);
            if (withBias)
            {
                v += Vector512.LoadUnsafe(ref bias);
            }

            var s = typeof(T) == typeof(float)
                ? VectorSigmoid.Sigmoid(v.AsSingle()).As<float, T>()
                : Vector512<T>.One / (Vector512<T>.One + Vector512.Exp(-v.AsDouble()).As<double, T>());
            s.StoreUnsafe(ref sigmoid);
            (v * s).StoreUnsafe(ref z);
        }
    }

    private struct SwishLanes256<T> : ISwishLanes<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static int Count => Vector256<T>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(ref T z, ref T bias, bool withBias, ref T sigmoid)
        {
            var v = Vector256.LoadUnsafe(ref z);
            if (withBias)
            {
                v += Vector256.LoadUnsafe(ref bias);
            }

            var s = typeof(T) == typeof(float)
                ? VectorSigmoid.Sigmoid(v.AsSingle()).As<float, T>()
                : Vector256<T>.One / (Vector256<T>.One + Vector256.Exp(-v.AsDouble()).As<double, T>());
            s.StoreUnsafe(ref sigmoid);
            (v * s).StoreUnsafe(ref z);
        }
    }

    private struct SwishLanes128<T> : ISwishLanes<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static int Count => Vector128<T>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(ref T z, ref T bias, bool withBias, ref T sigmoid)
        {
            var v = Vector128.LoadUnsafe(ref z);
            if (withBias)
            {
                v += Vector128.LoadUnsafe(ref bias);
            }

            var s = typeof(T) == typeof(float)
                ? VectorSigmoid.Sigmoid(v.AsSingle()).As<float, T>()
                : Vector128<T>.One / (Vector128<T>.One + Vector128.Exp(-v.AsDouble()).As<double, T>());
            s.StoreUnsafe(ref sigmoid);
            (v * s).StoreUnsafe(ref z);
        }
    }
}
