using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>2-D convolution (cross-correlation, as Keras and PyTorch compute it) on channels-last images. With P the
/// patch matrix (one row per output pixel holding the inputs its window covers, <see cref="Im2Col"/>) and W the
/// kernel in Keras's layout (kh, kw, in, filters) viewed as a (kh·kw·in) × filters matrix:
/// <list type="bullet">
/// <item>forward: <c>y = f(P·W + b)</c>;</item>
/// <item>backward: <c>dz = dy ⊙ f′</c>, <c>∂W += Pᵀ·dz</c>, <c>∂b += Σ_pixels dz</c>, <c>∂x = col2im(dz·Wᵀ)</c>.</item>
/// </list>
/// Two implementations compute these products. <see cref="ConvDirect"/> (with AVX2 or AVX-512, kernels of up to
/// <see cref="DirectKernelLimit"/> weights) reads P straight from the zero-padded image and never writes it, and with
/// unit strides forms ∂x as the transposed convolution <c>∂x = conv(pad(dz), flip(W)ᵀ)</c>. Otherwise (no AVX2,
/// 1×1 unit-stride convolutions, very large kernels) P is written in slices small enough to stay in L2 and the
/// products run as packed GEMMs (<see cref="Gemm"/>), bias and activation in the GEMM epilogue.
/// The batch is cut into a fixed number of units of whole images (a function of the batch size only). Units run in
/// parallel; each sums its own ∂W and ∂b partial, and the partials are added in unit order, so results are
/// bit-identical for any <see cref="Parallelism.ThreadCount"/>. Scratch memory is per thread and reused: repeated
/// calls allocate nothing. The tests compare both implementations with naive float64 loops.</summary>
public static unsafe class Conv2DKernels
{
    /// <summary>Bytes of patch rows one slice may fill (the slice's GEMMs then run on L2-resident data).</summary>
    internal static int SliceBytes = 256 * 1024;

    /// <summary>Kernels of at most this many weights (kh·kw·C·filters) run the direct kernels.</summary>
    internal static int DirectKernelLimit = 1 << 18;

    /// <summary>Most units a batch is cut into (the upper bound on useful threads; partial sums per unit).</summary>
    internal const int MaxUnits = 16;

    /// <summary><c>y = f(conv(x, W) + b)</c>: x is (batch, H, W, C), <paramref name="kernel"/> (kh, kw, C, filters),
    /// <paramref name="bias"/> empty or (filters), y (batch, OH, OW, filters).</summary>
    public static void Forward<T>(in WindowGeometry geometry, int batch, int filters, ReadOnlySpan<T> x, ReadOnlySpan<T> kernel,
        ReadOnlySpan<T> bias, GemmActivation activation, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(geometry, batch, filters, x, kernel, bias, activation, y, ConvolutionPath.Auto);

    /// <summary><see cref="Forward{T}(in WindowGeometry, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, GemmActivation, Span{T})"/>
    /// on a chosen path (tests run every path on every shape).</summary>
    internal static void Forward<T>(in WindowGeometry geometry, int batch, int filters, ReadOnlySpan<T> x, ReadOnlySpan<T> kernel,
        ReadOnlySpan<T> bias, GemmActivation activation, Span<T> y, ConvolutionPath path)
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
            job.Set(geometry, batch, filters, px, pk, bias.IsEmpty ? null : pb, activation, py, path);
            job.Forward = true;
            job.Run();
        }
    }

    /// <summary>The backward pass of <c>y = f(conv(x, W) + b)</c>: <c>dz = dy ⊙ f′(y)</c> (f′ recovered from the
    /// stored output y for relu, tanh and sigmoid; none for <see cref="GemmActivation.None"/>), then
    /// <c>kernelGradient += Pᵀ·dz</c>, <c>biasGradient += Σ dz</c> and <c>inputGradient = col2im(dz·Wᵀ)</c>
    /// (overwritten). An empty gradient span skips that product.</summary>
    public static void Backward<T>(in WindowGeometry geometry, int batch, int filters, ReadOnlySpan<T> x, ReadOnlySpan<T> kernel,
        ReadOnlySpan<T> y, ReadOnlySpan<T> outputGradient, GemmActivation activation,
        Span<T> kernelGradient, Span<T> biasGradient, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward(geometry, batch, filters, x, kernel, y, outputGradient, activation, kernelGradient, biasGradient, inputGradient, ConvolutionPath.Auto);

    /// <summary>The backward pass on a chosen path (tests run every path on every shape).</summary>
    internal static void Backward<T>(in WindowGeometry geometry, int batch, int filters, ReadOnlySpan<T> x, ReadOnlySpan<T> kernel,
        ReadOnlySpan<T> y, ReadOnlySpan<T> outputGradient, GemmActivation activation,
        Span<T> kernelGradient, Span<T> biasGradient, Span<T> inputGradient, ConvolutionPath path)
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
            job.Set(geometry, batch, filters, px, pk, null, activation, py, path);
            job.Forward = false;
            job.OutputGradient = pdy;
            job.KernelGradient = kernelGradient.IsEmpty ? null : pdk;
            job.BiasGradient = biasGradient.IsEmpty ? null : pdb;
            job.InputGradient = inputGradient.IsEmpty ? null : pdx;
            job.Run();
        }
    }

    /// <summary>Which kernels a convolution runs.</summary>
    internal enum ConvolutionPath
    {
        /// <summary>The direct kernels where they apply, else im2col + GEMM.</summary>
        Auto,

        /// <summary>im2col + GEMM always.</summary>
        Im2Col,
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

        [ThreadStatic]
        private static NativeBuffer? s_paddedImage;

        [ThreadStatic]
        private static NativeBuffer? s_directKernel;

        [ThreadStatic]
        private static NativeBuffer? s_offsets;

        [ThreadStatic]
        private static NativeBuffer? s_paddedGradient;

        public static NativeBuffer Patches => s_patches ??= new NativeBuffer();

        public static NativeBuffer OutputGradient => s_outputGradient ??= new NativeBuffer();

        /// <summary>The calling thread's per-unit ∂W/∂b partial sums.</summary>
        public static NativeBuffer Partials => s_partials ??= new NativeBuffer();

        /// <summary>One zero-padded image (direct kernels with padding).</summary>
        public static NativeBuffer PaddedImage => s_paddedImage ??= new NativeBuffer();

        /// <summary>The calling thread's padded kernel and bias copies (direct kernels).</summary>
        public static NativeBuffer DirectKernel => s_directKernel ??= new NativeBuffer();

        /// <summary>The calling thread's tap offsets (direct kernels).</summary>
        public static NativeBuffer Offsets => s_offsets ??= new NativeBuffer();

        /// <summary>One zero-padded output gradient (the transposed convolution's input).</summary>
        public static NativeBuffer PaddedGradient => s_paddedGradient ??= new NativeBuffer();
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

        // The direct kernels: the geometry over the zero-padded image (no padding left), its size, the tap offsets
        // and the kernel/bias copies with rows padded to whole vectors.
        private bool _direct;
        private bool _padImages;
        private WindowGeometry _paddedGeometry;
        private int* _offsets;
        private T* _directKernel;
        private T* _directBias;
        private int _ldk;
        private int _group;
        private T* _groupedKernel;
        private T* _groupedBias;

        // ∂x as a transposed convolution (unit strides): its geometry over the padded dz, where dz starts, its tap
        // offsets and the flipped, transposed kernel (kh, kw, filters) × channels.
        private bool _transposedInputGradient;
        private WindowGeometry _gradientGeometry;
        private int _gradientTop;
        private int _gradientLeft;
        private int* _gradientOffsets;
        private T* _gradientKernel;
        private int _ldg;

        public bool Forward;
        public T* OutputGradient;
        public T* KernelGradient;
        public T* BiasGradient;
        public T* InputGradient;

        public static ConvolutionWork<T> ForThisThread => s_forThisThread ??= new ConvolutionWork<T>();

        /// <summary>A 1×1 window with unit strides and no padding: the patch rows are the input rows themselves.</summary>
        private bool Pointwise => _g.WindowHeight == 1 && _g.WindowWidth == 1 && _g.StrideHeight == 1 && _g.StrideWidth == 1 && _g.IsUnpadded;

        public void Set(in WindowGeometry g, int batch, int filters, T* x, T* kernel, T* bias, GemmActivation activation, T* y, ConvolutionPath path)
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
            _direct = path != ConvolutionPath.Im2Col && ConvDirect.IsSupported && (long)g.PatchSize * filters <= DirectKernelLimit && !Pointwise;
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
            if (_direct)
            {
                PrepareDirect();
            }

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

            _x = _kernel = _bias = _y = _partials = _directKernel = _directBias = _groupedKernel = _groupedBias = _gradientKernel = null;
            _offsets = _gradientOffsets = null;
            OutputGradient = KernelGradient = BiasGradient = InputGradient = null;
        }

        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(_units, part, parts);
            for (int u = first; u < last; u++)
            {
                int b0 = (int)((long)_batch * u / _units), b1 = (int)((long)_batch * (u + 1) / _units);
                if (_direct)
                {
                    DirectUnit(u, b0, b1);
                }
                else if (Forward)
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

        /// <summary>The geometry over the zero-padded image, the tap offsets and the padded kernel copy.</summary>
        private void PrepareDirect()
        {
            var g = _g;
            int spanHeight = (g.WindowHeight - 1) * g.DilationHeight + 1, spanWidth = (g.WindowWidth - 1) * g.DilationWidth + 1;
            int height = Math.Max(g.Height + g.PadTop, (g.OutputHeight - 1) * g.StrideHeight + spanHeight);
            int width = Math.Max(g.Width + g.PadLeft, (g.OutputWidth - 1) * g.StrideWidth + spanWidth);
            _paddedGeometry = g with { Height = height, Width = width, PadTop = 0, PadLeft = 0 };
            _group = ConvDirect.GroupSize<T>(_paddedGeometry, _filters);

            // The grouped kernels read up to 16 values past a window origin: they always take the padded copy.
            _padImages = height != g.Height || width != g.Width || g.PadTop != 0 || g.PadLeft != 0 || _group > 1;

            // offset of tap (u, v, c) from a pixel's window origin: (u·dh·W + v·dw)·C + c
            int k = g.PatchSize, c = g.Channels;
            _offsets = Buffers.Offsets.Get<int>(k + (Forward || InputGradient == null ? 0 : k / c * _filters));
            for (int u = 0, t = 0; u < g.WindowHeight; u++)
            {
                for (int v = 0; v < g.WindowWidth; v++)
                {
                    for (int ch = 0; ch < c; ch++, t++)
                    {
                        _offsets[t] = (u * g.DilationHeight * width + v * g.DilationWidth) * c + ch;
                    }
                }
            }

            _ldk = ConvDirect.PaddedFilters<T>(_filters);
            // The transposed convolution's filters are this layer's channels: worth it with a vector's worth of them.
            _transposedInputGradient = !Forward && InputGradient != null && g.StrideHeight == 1 && g.StrideWidth == 1
                && c >= ConvDirect.TileColumns<T>() / 2;
            _ldg = ConvDirect.PaddedFilters<T>(c);
            int gradientKernel = _transposedInputGradient ? k / c * _filters * _ldg : 0;
            int groupedKernel = _group > 1 ? (k + 1) * 16 : 0;
            _directKernel = Buffers.DirectKernel.Get<T>((nint)(k + 1) * _ldk + gradientKernel + groupedKernel);
            _directBias = _directKernel + (nint)k * _ldk;
            _gradientKernel = _directBias + _ldk;
            _groupedKernel = _gradientKernel + gradientKernel;
            _groupedBias = _groupedKernel + (nint)k * 16;
            new Span<T>(_directKernel, (k + 1) * _ldk + gradientKernel + groupedKernel).Clear();
            if (_group > 1)
            {
                // Row t, lane l: W[t, l mod filters] for l < G·filters (the bias row likewise).
                int lanes = _group * _filters;
                for (int t = 0; t < k; t++)
                {
                    for (int l = 0; l < lanes; l++)
                    {
                        _groupedKernel[(nint)t * 16 + l] = _kernel[(nint)t * _filters + l % _filters];
                    }
                }

                for (int l = 0; l < lanes && _bias != null; l++)
                {
                    _groupedBias[l] = _bias[l % _filters];
                }
            }

            for (int t = 0; t < k; t++)
            {
                new ReadOnlySpan<T>(_kernel + (nint)t * _filters, _filters).CopyTo(new Span<T>(_directKernel + (nint)t * _ldk, _filters));
            }

            if (_bias != null)
            {
                new ReadOnlySpan<T>(_bias, _filters).CopyTo(new Span<T>(_directBias, _filters));
            }

            if (_transposedInputGradient)
            {
                PrepareTransposed(spanHeight, spanWidth);
            }
        }

        /// <summary>∂x[i, j, c] = Σ_{u,v,f} dz[i + p_t − u·d_h, j + p_l − v·d_w, f]·W[u, v, c, f] (unit strides) is a
        /// convolution of dz, zero-padded by span − 1 − p on each leading side, with the kernel flipped in both
        /// spatial axes and its channel/filter axes swapped: W′[u′, v′, f, c] = W[kh − 1 − u′, kw − 1 − v′, c, f].</summary>
        private void PrepareTransposed(int spanHeight, int spanWidth)
        {
            var g = _g;
            int c = g.Channels, n = _filters, kh = g.WindowHeight, kw = g.WindowWidth;
            _gradientTop = spanHeight - 1 - g.PadTop;
            _gradientLeft = spanWidth - 1 - g.PadLeft;
            int height = g.Height + spanHeight - 1, width = g.Width + spanWidth - 1;
            _gradientGeometry = new WindowGeometry
            {
                Height = height,
                Width = width,
                Channels = n,
                WindowHeight = kh,
                WindowWidth = kw,
                StrideHeight = 1,
                StrideWidth = 1,
                DilationHeight = g.DilationHeight,
                DilationWidth = g.DilationWidth,
                OutputHeight = g.Height,
                OutputWidth = g.Width,
            };
            int taps = kh * kw * n;
            _gradientOffsets = Buffers.Offsets.Get<int>(g.PatchSize + taps) + g.PatchSize;
            for (int u = 0, t = 0; u < kh; u++)
            {
                for (int v = 0; v < kw; v++)
                {
                    for (int f = 0; f < n; f++, t++)
                    {
                        _gradientOffsets[t] = (u * g.DilationHeight * width + v * g.DilationWidth) * n + f;
                        T* source = _kernel + ((nint)((kh - 1 - u) * kw + (kw - 1 - v)) * c * n) + f;
                        T* target = _gradientKernel + (nint)t * _ldg;
                        for (int ch = 0; ch < c; ch++)
                        {
                            target[ch] = source[(nint)ch * n];
                        }
                    }
                }
            }
        }

        /// <summary>dz of one image placed into this thread's zero-padded buffer for the transposed convolution.</summary>
        private T* PaddedGradient(T* dz)
        {
            var p = _gradientGeometry;
            int n = _filters, rowLength = _g.OutputWidth * n;
            T* padded = Buffers.PaddedGradient.Get<T>(p.InputSize);
            new Span<T>(padded, p.InputSize).Clear();
            for (int i = 0; i < _g.OutputHeight; i++)
            {
                new ReadOnlySpan<T>(dz + (nint)i * rowLength, rowLength)
                    .CopyTo(new Span<T>(padded + ((nint)(_gradientTop + i) * p.Width + _gradientLeft) * n, rowLength));
            }

            return padded;
        }

        /// <summary>Image b, or its zero-padded copy in this thread's scratch.</summary>
        private T* DirectImage(int b)
        {
            T* image = _x + (nint)b * _g.InputSize;
            if (!_padImages)
            {
                return image;
            }

            var p = _paddedGeometry;
            int c = _g.Channels, rowLength = _g.Width * c;
            T* padded = Buffers.PaddedImage.Get<T>(p.InputSize + 16);
            new Span<T>(padded, p.InputSize + 16).Clear();
            for (int i = 0; i < _g.Height; i++)
            {
                new ReadOnlySpan<T>(image + (nint)i * rowLength, rowLength)
                    .CopyTo(new Span<T>(padded + ((nint)(_g.PadTop + i) * p.Width + _g.PadLeft) * c, rowLength));
            }

            return padded;
        }

        /// <summary>Forward or backward of one unit with the direct kernels, image by image.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void DirectUnit(int unit, int b0, int b1)
        {
            int k = _g.PatchSize, n = _filters, pixels = _g.OutputPixels;
            nint outputs = (nint)pixels * n;
            var p = _paddedGeometry;
            if (Forward)
            {
                for (int b = b0; b < b1; b++)
                {
                    T* y = _y + b * outputs;
                    if (_group > 1)
                    {
                        ConvDirect.ForwardGrouped(p, (float*)DirectImage(b), p.Width, _offsets, (float*)_groupedKernel, _bias == null ? null : (float*)_groupedBias,
                            n, _group, (float*)y, _activation);
                    }
                    else
                    {
                        ConvDirect.Forward(p, DirectImage(b), p.Width, _offsets, _directKernel, _ldk, _bias == null ? null : _directBias, n, y, _activation);
                    }

                    if (!ConvDirect.AppliesInRegisters<T>(_activation))
                    {
                        GemmEpilogue.Activate(new Span<T>(y, (int)outputs), _activation);
                    }
                }

                return;
            }

            T* kernelGradient = KernelGradient, biasGradient = BiasGradient;
            bool overwrite = false;
            if (_partials != null)
            {
                T* partial = _partials + (nint)unit * (k * n + n);
                kernelGradient = KernelGradient == null ? null : partial;
                biasGradient = BiasGradient == null ? null : partial + k * n;
                overwrite = true;
            }

            T* dz = _activation == GemmActivation.None ? null : Buffers.OutputGradient.Get<T>(outputs);
            int slice = Math.Min(_sliceRows, pixels);
            T* patches = InputGradient == null || _transposedInputGradient ? null : Buffers.Patches.Get<T>((nint)slice * k);
            var kernel = new ReadOnlySpan<T>(_kernel, k * n);
            for (int b = b0; b < b1; b++)
            {
                // dz = dy ⊙ f′(y)
                T* g = OutputGradient + b * outputs;
                if (dz != null)
                {
                    var yImage = new ReadOnlySpan<T>(_y + b * outputs, (int)outputs);
                    var dyImage = new ReadOnlySpan<T>(g, (int)outputs);
                    var dzImage = new Span<T>(dz, (int)outputs);
                    switch (_activation)
                    {
                        case GemmActivation.Relu: ActivationKernels.ReluBackward(yImage, dyImage, dzImage); break;
                        case GemmActivation.Tanh: ActivationKernels.TanhBackward(yImage, dyImage, dzImage); break;
                        default: ActivationKernels.SigmoidBackward(yImage, dyImage, dzImage); break;
                    }

                    g = dz;
                }

                // ∂W (+)= Σ_pixels patchᵀ·dz and ∂b (+)= Σ_pixels dz, patches read from the image
                if (kernelGradient != null || biasGradient != null)
                {
                    if (kernelGradient != null && _group > 1)
                    {
                        ConvDirect.WeightGradientGrouped(p, (float*)DirectImage(b), p.Width, _offsets, (float*)g, n, _group, (float*)kernelGradient,
                            (float*)biasGradient, overwrite && b == b0);
                    }
                    else if (kernelGradient != null)
                    {
                        ConvDirect.WeightGradient(p, DirectImage(b), p.Width, _offsets, g, n, kernelGradient, biasGradient, overwrite && b == b0);
                    }
                    else
                    {
                        DenseKernels.ColumnSums(pixels, n, new ReadOnlySpan<T>(g, (int)outputs), new Span<T>(biasGradient, n), overwrite && b == b0);
                    }
                }

                if (InputGradient != null && _transposedInputGradient)
                {
                    // ∂x = conv(pad(dz), W′)
                    ConvDirect.Forward(_gradientGeometry, PaddedGradient(g), _gradientGeometry.Width, _gradientOffsets, _gradientKernel, _ldg, null,
                        _g.Channels, InputGradient + (nint)b * _g.InputSize, GemmActivation.None);
                }
                else if (InputGradient != null)
                {
                    // ∂x = col2im(dz·Wᵀ)
                    T* dx = InputGradient + (nint)b * _g.InputSize;
                    new Span<T>(dx, _g.InputSize).Clear();
                    for (int r0 = 0; r0 < pixels; r0 += slice)
                    {
                        int count = Math.Min(slice, pixels - r0);
                        Gemm.Multiply(false, true, count, k, n, T.One, new ReadOnlySpan<T>(g + (nint)r0 * n, count * n), n, kernel, n, T.Zero,
                            new Span<T>(patches, count * k), k);
                        Im2Col.ScatterAdd(_g, patches, r0, count, dx);
                    }
                }
            }
        }

        private static void Add(T* source, T* destination, int count) =>
            Elementwise.Add(new ReadOnlySpan<T>(destination, count), new ReadOnlySpan<T>(source, count), new Span<T>(destination, count));
    }
}
