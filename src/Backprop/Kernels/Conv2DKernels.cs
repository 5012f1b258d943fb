using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>2-D convolution (cross-correlation, as Keras and PyTorch compute it) on channels-last images, as packed
/// GEMMs over im2col patch rows. With P the patch matrix (one row per output pixel, <see cref="Im2Col"/>) and W the
/// kernel in Keras's layout (kh, kw, in, filters) viewed as a (kh·kw·in) × filters matrix:
/// <list type="bullet">
/// <item>forward: <c>y = f(P·W + b)</c>, bias and activation applied by the GEMM epilogue;</item>
/// <item>backward: <c>dz = dy ⊙ f′</c>, <c>∂W += Pᵀ·dz</c>, <c>∂b += Σ_pixels dz</c>, <c>∂x = col2im(dz·Wᵀ)</c>.</item>
/// </list>
/// The batch is cut into a fixed number of units of whole images (a function of the batch size only), each
/// processed in slices of patch rows small enough to stay in L2 while the GEMMs use them, so the patch matrix
/// never exists whole. Units run in parallel; each sums its own ∂W and ∂b partial, and the partials are added in
/// unit order, so results are bit-identical for any <see cref="Parallelism.ThreadCount"/>. Scratch memory is
/// per thread and reused: repeated calls allocate nothing.</summary>
public static unsafe class Conv2DKernels
{
    /// <summary>Bytes of patch rows one slice may fill (the slice's GEMMs then run on L2-resident data).</summary>
    internal static int SliceBytes = 256 * 1024;

    /// <summary>Most units a batch is cut into (the upper bound on useful threads; partial sums per unit).</summary>
    internal const int MaxUnits = 16;

    /// <summary><c>y = f(conv(x, W) + b)</c>: x is (batch, H, W, C), <paramref name="kernel"/> (kh, kw, C, filters),
    /// <paramref name="bias"/> empty or (filters), y (batch, OH, OW, filters).</summary>
    public static void Forward<T>(in WindowGeometry geometry, int batch, int filters, ReadOnlySpan<T> x, ReadOnlySpan<T> kernel,
        ReadOnlySpan<T> bias, GemmActivation activation, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(geometry, batch, filters, x.Length, kernel.Length, bias.Length, y.Length);
        if (batch == 0)
        {
            return;
        }

        fixed (T* px = x, pk = kernel, pb = bias, py = y)
        {
            var job = ConvolutionWork<T>.ForThisThread;
            job.Set(geometry, batch, filters, px, pk, bias.IsEmpty ? null : pb, activation, py);
            job.Forward = true;
            job.Run();
        }
    }

    /// <summary>The backward pass for <see cref="Forward{T}"/>: <c>dz = dy ⊙ f′(y)</c> (f′ recovered from the
    /// stored output y for relu, tanh and sigmoid; none for <see cref="GemmActivation.None"/>), then
    /// <c>kernelGradient += Pᵀ·dz</c>, <c>biasGradient += Σ dz</c> and <c>inputGradient = col2im(dz·Wᵀ)</c>
    /// (overwritten). An empty gradient span skips that product.</summary>
    public static void Backward<T>(in WindowGeometry geometry, int batch, int filters, ReadOnlySpan<T> x, ReadOnlySpan<T> kernel,
        ReadOnlySpan<T> y, ReadOnlySpan<T> outputGradient, GemmActivation activation,
        Span<T> kernelGradient, Span<T> biasGradient, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(geometry, batch, filters, x.Length, kernel.Length, 0, y.Length);
        long outputs = (long)batch * geometry.OutputPixels * filters;
        if (outputGradient.Length != outputs || (activation != GemmActivation.None && y.Length != outputs))
        {
            throw new ArgumentException($"Conv2D backward: the output gradient has {outputGradient.Length} values; expected {outputs}.", nameof(outputGradient));
        }

        if (!kernelGradient.IsEmpty && kernelGradient.Length != kernel.Length)
        {
            throw new ArgumentException($"Conv2D backward: the kernel gradient has {kernelGradient.Length} values for a kernel of {kernel.Length}.", nameof(kernelGradient));
        }

        if (!biasGradient.IsEmpty && biasGradient.Length != filters)
        {
            throw new ArgumentException($"Conv2D backward: the bias gradient has {biasGradient.Length} values for {filters} filters.", nameof(biasGradient));
        }

        if (!inputGradient.IsEmpty && inputGradient.Length != x.Length)
        {
            throw new ArgumentException($"Conv2D backward: the input gradient has {inputGradient.Length} values for an input of {x.Length}.", nameof(inputGradient));
        }

        if (batch == 0)
        {
            inputGradient.Clear();
            return;
        }

        fixed (T* px = x, pk = kernel, py = y, pdy = outputGradient, pdk = kernelGradient, pdb = biasGradient, pdx = inputGradient)
        {
            var job = ConvolutionWork<T>.ForThisThread;
            job.Set(geometry, batch, filters, px, pk, null, activation, py);
            job.Forward = false;
            job.OutputGradient = pdy;
            job.KernelGradient = kernelGradient.IsEmpty ? null : pdk;
            job.BiasGradient = biasGradient.IsEmpty ? null : pdb;
            job.InputGradient = inputGradient.IsEmpty ? null : pdx;
            job.Run();
        }
    }

    /// <summary>Units the batch is cut into: a function of the batch size alone.</summary>
    internal static int UnitsFor(int batch) => Math.Min(batch, MaxUnits);

    private static void Check(in WindowGeometry g, int batch, int filters, int xLength, int kernelLength, int biasLength, int yLength)
    {
        if (batch < 0 || filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"Conv2D: batch must be ≥ 0 and filters > 0; got batch {batch}, filters {filters}.");
        }

        if (xLength != (long)batch * g.InputSize)
        {
            throw new ArgumentException($"Conv2D: the input has {xLength} values; ({batch}, {g.Height}, {g.Width}, {g.Channels}) needs {(long)batch * g.InputSize}.");
        }

        if (kernelLength != (long)g.PatchSize * filters)
        {
            throw new ArgumentException($"Conv2D: the kernel has {kernelLength} values; ({g.WindowHeight}, {g.WindowWidth}, {g.Channels}, {filters}) needs {(long)g.PatchSize * filters}.");
        }

        if (biasLength != 0 && biasLength != filters)
        {
            throw new ArgumentException($"Conv2D: the bias has {biasLength} values for {filters} filters.");
        }

        if (yLength != (long)batch * g.OutputPixels * filters)
        {
            throw new ArgumentException($"Conv2D: the output has {yLength} values; ({batch}, {g.OutputHeight}, {g.OutputWidth}, {filters}) needs {(long)batch * g.OutputPixels * filters}.");
        }
    }

    /// <summary>Per-thread scratch: patch rows (reused for ∂patches) and dz of one slice.</summary>
    private static class Buffers
    {
        [ThreadStatic]
        private static NativeBuffer? s_patches;

        [ThreadStatic]
        private static NativeBuffer? s_outputGradient;

        [ThreadStatic]
        private static NativeBuffer? s_partials;

        public static NativeBuffer Patches => s_patches ??= new NativeBuffer();

        public static NativeBuffer OutputGradient => s_outputGradient ??= new NativeBuffer();

        /// <summary>The calling thread's per-unit ∂W/∂b partial sums.</summary>
        public static NativeBuffer Partials => s_partials ??= new NativeBuffer();
    }

    private sealed class ConvolutionWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static ConvolutionWork<T>? s_forThisThread;

        private WindowGeometry _g;
        private int _batch;
        private int _filters;
        private T* _x;
        private T* _kernel;
        private T* _bias;
        private GemmActivation _activation;
        private T* _y;
        private int _units;
        private int _sliceRows;
        private T* _partials;

        public bool Forward;
        public T* OutputGradient;
        public T* KernelGradient;
        public T* BiasGradient;
        public T* InputGradient;

        public static ConvolutionWork<T> ForThisThread => s_forThisThread ??= new ConvolutionWork<T>();

        /// <summary>A 1×1 window with unit strides and no padding: the patch rows are the input rows themselves.</summary>
        private bool Pointwise => _g.WindowHeight == 1 && _g.WindowWidth == 1 && _g.StrideHeight == 1 && _g.StrideWidth == 1 && _g.IsUnpadded;

        public void Set(in WindowGeometry g, int batch, int filters, T* x, T* kernel, T* bias, GemmActivation activation, T* y)
        {
            _g = g;
            _batch = batch;
            _filters = filters;
            _x = x;
            _kernel = kernel;
            _bias = bias;
            _activation = activation;
            _y = y;
            _units = UnitsFor(batch);
            _sliceRows = Math.Max(16, SliceBytes / (g.PatchSize * sizeof(T)) / 16 * 16);
            OutputGradient = null;
            KernelGradient = null;
            BiasGradient = null;
            InputGradient = null;
        }

        public void Run()
        {
            int partialSize = _g.PatchSize * _filters + _filters;
            bool partials = !Forward && _units > 1 && (KernelGradient != null || BiasGradient != null);
            _partials = partials ? Buffers.Partials.Get<T>((nint)_units * partialSize) : null;
            int parts = Math.Min(Parallelism.ThreadCount, _units);
            if (parts <= 1)
            {
                // One unit (or one thread): run here, and let the GEMMs split their own work over the threads.
                Execute(0, 1);
            }
            else
            {
                WorkerPool.Run(this, parts);
            }

            if (partials)
            {
                // ∂W += Σ_units partial, in unit order (the same sums whatever ran where).
                int kernelSize = _g.PatchSize * _filters;
                for (int u = 0; u < _units; u++)
                {
                    T* partial = _partials + (nint)u * partialSize;
                    if (KernelGradient != null)
                    {
                        Add(partial, KernelGradient, kernelSize);
                    }

                    if (BiasGradient != null)
                    {
                        Add(partial + kernelSize, BiasGradient, _filters);
                    }
                }
            }

            _x = _kernel = _bias = _y = _partials = null;
            OutputGradient = KernelGradient = BiasGradient = InputGradient = null;
        }

        public void Execute(int part, int parts)
        {
            int first = (int)((long)_units * part / parts), last = (int)((long)_units * (part + 1) / parts);
            for (int u = first; u < last; u++)
            {
                int b0 = (int)((long)_batch * u / _units), b1 = (int)((long)_batch * (u + 1) / _units);
                if (Forward)
                {
                    ForwardUnit(b0, b1);
                }
                else
                {
                    BackwardUnit(u, b0, b1);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ForwardUnit(int b0, int b1)
        {
            int k = _g.PatchSize, n = _filters;
            int rows = (b1 - b0) * _g.OutputPixels;
            T* images = _x + (nint)b0 * _g.InputSize;
            T* y = _y + (nint)b0 * _g.OutputPixels * n;
            var kernel = new ReadOnlySpan<T>(_kernel, k * n);
            var bias = _bias == null ? ReadOnlySpan<T>.Empty : new ReadOnlySpan<T>(_bias, n);
            if (Pointwise)
            {
                Gemm.Multiply(false, false, rows, n, k, T.One, new ReadOnlySpan<T>(images, rows * k), k, kernel, n,
                    T.Zero, new Span<T>(y, rows * n), n, bias, _activation);
                return;
            }

            T* patches = Buffers.Patches.Get<T>((nint)Math.Min(_sliceRows, rows) * k);
            for (int r0 = 0; r0 < rows; r0 += _sliceRows)
            {
                int count = Math.Min(_sliceRows, rows - r0);
                Im2Col.Gather(_g, images, r0, count, patches);
                Gemm.Multiply(false, false, count, n, k, T.One, new ReadOnlySpan<T>(patches, count * k), k, kernel, n,
                    T.Zero, new Span<T>(y + (nint)r0 * n, count * n), n, bias, _activation);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void BackwardUnit(int unit, int b0, int b1)
        {
            int k = _g.PatchSize, n = _filters;
            int rows = (b1 - b0) * _g.OutputPixels;
            T* images = _x + (nint)b0 * _g.InputSize;
            nint outputOffset = (nint)b0 * _g.OutputPixels * n;
            T* kernelGradient = KernelGradient, biasGradient = BiasGradient;
            bool overwrite = false;
            if (_partials != null)
            {
                // This unit's own partial sums, overwritten by its first slice.
                T* partial = _partials + (nint)unit * (k * n + n);
                kernelGradient = KernelGradient == null ? null : partial;
                biasGradient = BiasGradient == null ? null : partial + k * n;
                overwrite = true;
            }

            T* inputGradient = InputGradient == null ? null : InputGradient + (nint)b0 * _g.InputSize;
            bool pointwise = Pointwise;
            if (inputGradient != null && !pointwise)
            {
                new Span<T>(inputGradient, (b1 - b0) * _g.InputSize).Clear();
            }

            int slice = Math.Min(_sliceRows, rows);
            T* patches = pointwise ? null : Buffers.Patches.Get<T>((nint)slice * k);
            T* dz = _activation == GemmActivation.None ? null : Buffers.OutputGradient.Get<T>((nint)slice * n);
            var kernel = new ReadOnlySpan<T>(_kernel, k * n);
            for (int r0 = 0; r0 < rows; r0 += _sliceRows)
            {
                int count = Math.Min(_sliceRows, rows - r0);
                T* dy = OutputGradient + outputOffset + (nint)r0 * n;
                var db = biasGradient == null ? Span<T>.Empty : new Span<T>(biasGradient, n);
                bool first = r0 == 0 && overwrite;

                // dz = dy ⊙ f′(y), with ∂b summed in the same pass.
                T* g = dy;
                if (_activation != GemmActivation.None)
                {
                    var yRows = new ReadOnlySpan<T>(_y + outputOffset + (nint)r0 * n, count * n);
                    var dyRows = new ReadOnlySpan<T>(dy, count * n);
                    var dzRows = new Span<T>(dz, count * n);
                    switch (_activation)
                    {
                        case GemmActivation.Relu: DenseKernels.ReluBackward(count, n, yRows, dyRows, dzRows, db, first); break;
                        case GemmActivation.Tanh: DenseKernels.TanhBackward(count, n, yRows, dyRows, dzRows, db, first); break;
                        default: DenseKernels.SigmoidBackward(count, n, yRows, dyRows, dzRows, db, first); break;
                    }

                    g = dz;
                }
                else if (!db.IsEmpty)
                {
                    DenseKernels.ColumnSums(count, n, new ReadOnlySpan<T>(dy, count * n), db, first);
                }

                var gRows = new ReadOnlySpan<T>(g, count * n);
                T* p = pointwise ? images + (nint)r0 * k : patches;
                if (!pointwise && (kernelGradient != null || inputGradient != null))
                {
                    Im2Col.Gather(_g, images, r0, count, patches);
                }

                if (kernelGradient != null)
                {
                    // ∂W (+)= Pᵀ·dz
                    Gemm.Multiply(true, false, k, n, count, T.One, new ReadOnlySpan<T>(p, count * k), k, gRows, n,
                        first ? T.Zero : T.One, new Span<T>(kernelGradient, k * n), n);
                }

                if (inputGradient != null)
                {
                    if (pointwise)
                    {
                        // ∂x = dz·Wᵀ straight into the input rows.
                        Gemm.Multiply(false, true, count, k, n, T.One, gRows, n, kernel, n, T.Zero,
                            new Span<T>(inputGradient + (nint)r0 * k, count * k), k);
                    }
                    else
                    {
                        // ∂P = dz·Wᵀ (over the patch rows, no longer needed), then col2im.
                        Gemm.Multiply(false, true, count, k, n, T.One, gRows, n, kernel, n, T.Zero, new Span<T>(patches, count * k), k);
                        Im2Col.ScatterAdd(_g, patches, r0, count, inputGradient);
                    }
                }
            }
        }

        private static void Add(T* source, T* destination, int count) =>
            Elementwise.Add(new ReadOnlySpan<T>(destination, count), new ReadOnlySpan<T>(source, count), new Span<T>(destination, count));
    }
}
