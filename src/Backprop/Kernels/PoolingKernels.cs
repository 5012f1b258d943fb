using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>Max and average pooling on channels-last images (batch, H, W, C), vectorised along the channels
/// (contiguous in this layout) and split over threads by whole images (no reductions cross an image, so the
/// results are the same for any thread count). Windows follow <see cref="WindowGeometry"/>; padded cells never
/// win a max and are not counted in an average, as TensorFlow/Keras do ("same" average pooling divides by the
/// number of real cells; PyTorch's <c>count_include_pad=True</c> default would not).</summary>
public static unsafe class PoolingKernels
{
    /// <summary>Below this many input values a call stays on one thread.</summary>
    private const long ParallelThreshold = 1 << 16;

    /// <summary><c>y = max over the window</c>; <paramref name="positions"/> (y's shape) receives, per output
    /// value, the window position i·kw + j of the first maximum in row-major window order, which the backward pass
    /// routes the gradient to (TensorFlow and PyTorch route it to one maximum too).</summary>
    public static void MaxForward<T>(in WindowGeometry geometry, int batch, ReadOnlySpan<T> x, Span<T> y, Span<T> positions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(geometry, batch, x.Length, y.Length, positions.Length, "MaxPooling2D");
        fixed (T* px = x, py = y, pp = positions)
        {
            Run(Operation.MaxForward, geometry, batch, px, py, pp);
        }
    }

    /// <summary><c>dx = Σ over windows of dy routed to the recorded maximum</c> (dx is overwritten).</summary>
    public static void MaxBackward<T>(in WindowGeometry geometry, int batch, ReadOnlySpan<T> positions, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(geometry, batch, inputGradient.Length, outputGradient.Length, positions.Length, "MaxPooling2D backward");
        fixed (T* pdx = inputGradient, pdy = outputGradient, pp = positions)
        {
            Run(Operation.MaxBackward, geometry, batch, pdx, pdy, pp);
        }
    }

    /// <summary><c>y = (Σ over the window's real cells x) / (number of real cells)</c>.</summary>
    public static void AverageForward<T>(in WindowGeometry geometry, int batch, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(geometry, batch, x.Length, y.Length, y.Length, "AveragePooling2D");
        fixed (T* px = x, py = y)
        {
            Run(Operation.AverageForward, geometry, batch, px, py, null);
        }
    }

    /// <summary><c>dx = Σ over windows of dy / (number of real cells)</c> on each real cell (dx is overwritten).</summary>
    public static void AverageBackward<T>(in WindowGeometry geometry, int batch, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(geometry, batch, inputGradient.Length, outputGradient.Length, outputGradient.Length, "AveragePooling2D backward");
        fixed (T* pdx = inputGradient, pdy = outputGradient)
        {
            Run(Operation.AverageBackward, geometry, batch, pdx, pdy, null);
        }
    }

    /// <summary>Global average pooling: <c>y[b, c] = (1/(H·W)) Σ_{h,w} x[b, h, w, c]</c>, summed in pixel order;
    /// x is (batch, pixels, channels) and y (batch, channels).</summary>
    public static void GlobalAverageForward<T>(int batch, int pixels, int channels, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGlobal(batch, pixels, channels, x.Length, y.Length);
        T scale = T.One / T.CreateChecked(pixels);
        for (int b = 0; b < batch; b++)
        {
            var sum = y.Slice(b * channels, channels);
            x.Slice(b * pixels * channels, channels).CopyTo(sum);
            for (int p = 1; p < pixels; p++)
            {
                Elementwise.Add(sum, x.Slice((b * pixels + p) * channels, channels), sum);
            }

            Elementwise.Multiply(sum, scale, sum);
        }
    }

    /// <summary><c>dx[b, h, w, c] = dy[b, c] / (H·W)</c>.</summary>
    public static void GlobalAverageBackward<T>(int batch, int pixels, int channels, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGlobal(batch, pixels, channels, inputGradient.Length, outputGradient.Length);
        T scale = T.One / T.CreateChecked(pixels);
        for (int b = 0; b < batch; b++)
        {
            var first = inputGradient.Slice(b * pixels * channels, channels);
            Elementwise.Multiply(outputGradient.Slice(b * channels, channels), scale, first);
            for (int p = 1; p < pixels; p++)
            {
                first.CopyTo(inputGradient.Slice((b * pixels + p) * channels, channels));
            }
        }
    }

    private static void Check(in WindowGeometry g, int batch, int inputLength, int outputLength, int positionsLength, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (inputLength != (long)batch * g.InputSize || outputLength != (long)batch * g.OutputPixels * g.Channels || positionsLength != outputLength)
        {
            throw new ArgumentException(
                $"{what}: buffers of {inputLength} input and {outputLength} output values do not fit batch {batch} of ({g.Height}, {g.Width}, {g.Channels}) → ({g.OutputHeight}, {g.OutputWidth}, {g.Channels}).");
        }
    }

    private static void CheckGlobal(int batch, int pixels, int channels, int inputLength, int outputLength)
    {
        if (batch < 0 || pixels <= 0 || channels <= 0 || inputLength != (long)batch * pixels * channels || outputLength != (long)batch * channels)
        {
            throw new ArgumentException($"GlobalAveragePooling2D: buffers of {inputLength} input and {outputLength} output values do not fit batch {batch} × {pixels} pixels × {channels} channels.");
        }
    }

    private enum Operation
    {
        MaxForward,
        MaxBackward,
        AverageForward,
        AverageBackward,
    }

    private static void Run<T>(Operation operation, in WindowGeometry g, int batch, T* input, T* output, T* positions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch == 0)
        {
            return;
        }

        var job = PoolingWork<T>.ForThisThread;
        job.Operation = operation;
        job.Geometry = g;
        job.Batch = batch;
        job.Input = input;
        job.Output = output;
        job.Positions = positions;
        long work = (long)batch * g.InputSize;
        int parts = (int)Math.Min(Math.Min(Parallelism.ThreadCount, batch), Math.Max(1, work / ParallelThreshold));
        if (parts <= 1)
        {
            job.Execute(0, 1);
        }
        else
        {
            WorkerPool.Run(job, parts);
        }

        job.Input = job.Output = job.Positions = null;
    }

    private sealed class PoolingWork<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static PoolingWork<T>? s_forThisThread;

        public Operation Operation;
        public WindowGeometry Geometry;
        public int Batch;
        public T* Input;
        public T* Output;
        public T* Positions;

        public static PoolingWork<T> ForThisThread => s_forThisThread ??= new PoolingWork<T>();

        public void Execute(int part, int parts)
        {
            var (first, last) = WorkerPool.PartRange(Batch, part, parts);
            int inSize = Geometry.InputSize, outSize = Geometry.OutputPixels * Geometry.Channels;
            for (int b = first; b < last; b++)
            {
                T* x = Input + (nint)b * inSize;
                T* y = Output + (nint)b * outSize;
                T* positions = Positions == null ? null : Positions + (nint)b * outSize;
                switch (Operation)
                {
                    case Operation.MaxForward: MaxImage(Geometry, x, y, positions); break;
                    case Operation.MaxBackward: MaxBackwardImage(Geometry, x, y, positions); break;
                    case Operation.AverageForward: AverageImage(Geometry, x, y); break;
                    default: AverageBackwardImage(Geometry, x, y); break;
                }
            }
        }
    }

    /// <summary>The real cells of output pixel (oh, ow)'s window: rows [i0, i1), columns [j0, j1) of the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window(in WindowGeometry g, int oh, int ow, out int ih0, out int iw0, out int i0, out int i1, out int j0, out int j1)
    {
        ih0 = oh * g.StrideHeight - g.PadTop;
        iw0 = ow * g.StrideWidth - g.PadLeft;
        i0 = Math.Max(0, -ih0);
        i1 = Math.Min(g.WindowHeight, g.Height - ih0);
        j0 = Math.Max(0, -iw0);
        j1 = Math.Min(g.WindowWidth, g.Width - iw0);
    }

    // y = max over the window, positions = where (the first maximum in row-major window order)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxImage<T>(in WindowGeometry g, T* x, T* y, T* positions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, w = g.Width, kw = g.WindowWidth;
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            for (int ow = 0; ow < g.OutputWidth; ow++)
            {
                Window(g, oh, ow, out int ih0, out int iw0, out int i0, out int i1, out int j0, out int j1);
                T* best = y + ((nint)oh * g.OutputWidth + ow) * c;
                T* where = positions + ((nint)oh * g.OutputWidth + ow) * c;
                Fill(best, x + ((nint)(ih0 + i0) * w + iw0 + j0) * c, where, T.CreateTruncating(i0 * kw + j0), c);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = i == i0 ? j0 + 1 : j0; j < j1; j++)
                    {
                        TakeGreater(best, x + ((nint)(ih0 + i) * w + iw0 + j) * c, where, T.CreateTruncating(i * kw + j), c);
                    }
                }
            }
        }
    }

    // dx[cell] = Σ over the windows whose recorded maximum is that cell of dy
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardImage<T>(in WindowGeometry g, T* dx, T* dy, T* positions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, w = g.Width, kw = g.WindowWidth;

        // Windows that tile the image without overlap (the usual 2×2, stride 2, "valid") give each cell exactly
        // one value, so it is written, not accumulated; only cells no window covers are cleared.
        bool tiles = g.StrideHeight == g.WindowHeight && g.StrideWidth == g.WindowWidth && g.PadTop == 0 && g.PadLeft == 0;
        if (tiles)
        {
            int coveredRows = g.OutputHeight * g.WindowHeight, coveredColumns = g.OutputWidth * g.WindowWidth;
            for (int i = 0; i < g.Height; i++)
            {
                if (i >= coveredRows)
                {
                    new Span<T>(dx + (nint)i * w * c, w * c).Clear();
                }
                else if (coveredColumns < w)
                {
                    new Span<T>(dx + ((nint)i * w + coveredColumns) * c, (w - coveredColumns) * c).Clear();
                }
            }
        }
        else
        {
            new Span<T>(dx, g.InputSize).Clear();
        }

        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            for (int ow = 0; ow < g.OutputWidth; ow++)
            {
                Window(g, oh, ow, out int ih0, out int iw0, out int i0, out int i1, out int j0, out int j1);
                T* grad = dy + ((nint)oh * g.OutputWidth + ow) * c;
                T* where = positions + ((nint)oh * g.OutputWidth + ow) * c;
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        T* cell = dx + ((nint)(ih0 + i) * w + iw0 + j) * c;
                        if (tiles)
                        {
                            StoreWhere(cell, grad, where, T.CreateTruncating(i * kw + j), c);
                        }
                        else
                        {
                            AddWhere(cell, grad, where, T.CreateTruncating(i * kw + j), c);
                        }
                    }
                }
            }
        }
    }

    // y = Σ window / count: the window's rows are summed first into one row (whole-row vector adds, cheap for any
    // channel count), then each output sums its columns of that row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AverageImage<T>(in WindowGeometry g, T* x, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, rowLength = g.Width * c;
        T* rowSum = RowBuffer<T>(rowLength);
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            int ih0 = oh * g.StrideHeight - g.PadTop;
            int i0 = Math.Max(0, -ih0), i1 = Math.Min(g.WindowHeight, g.Height - ih0);
            Im2Col.Copy(x + (nint)(ih0 + i0) * rowLength, rowSum, rowLength);
            for (int i = i0 + 1; i < i1; i++)
            {
                Im2Col.Add(x + (nint)(ih0 + i) * rowLength, rowSum, rowLength);
            }

            T* target = y + (nint)oh * g.OutputWidth * c;
            for (int ow = 0; ow < g.OutputWidth; ow++, target += c)
            {
                int iw0 = ow * g.StrideWidth - g.PadLeft;
                int j0 = Math.Max(0, -iw0), j1 = Math.Min(g.WindowWidth, g.Width - iw0);
                SumColumns(rowSum + (nint)(iw0 + j0) * c, j1 - j0, c, target, T.One / T.CreateTruncating((i1 - i0) * (j1 - j0)));
            }
        }
    }

    // dx[cell] = Σ over the windows covering the cell of dy / count: each output row's shares are spread over one
    // row (columns), which is then added to every input row of the window.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AverageBackwardImage<T>(in WindowGeometry g, T* dx, T* dy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, rowLength = g.Width * c;
        T* spread = RowBuffer<T>(rowLength);
        new Span<T>(dx, g.InputSize).Clear();
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            int ih0 = oh * g.StrideHeight - g.PadTop;
            int i0 = Math.Max(0, -ih0), i1 = Math.Min(g.WindowHeight, g.Height - ih0);
            new Span<T>(spread, rowLength).Clear();
            T* grad = dy + (nint)oh * g.OutputWidth * c;
            for (int ow = 0; ow < g.OutputWidth; ow++, grad += c)
            {
                int iw0 = ow * g.StrideWidth - g.PadLeft;
                int j0 = Math.Max(0, -iw0), j1 = Math.Min(g.WindowWidth, g.Width - iw0);
                T share = T.One / T.CreateTruncating((i1 - i0) * (j1 - j0));
                for (int j = j0; j < j1; j++)
                {
                    AddScaled(spread + (nint)(iw0 + j) * c, grad, share, c);
                }
            }

            for (int i = i0; i < i1; i++)
            {
                Im2Col.Add(spread, dx + (nint)(ih0 + i) * rowLength, rowLength);
            }
        }
    }

    /// <summary>target = scale · Σ_{j &lt; count} row[j·c .. j·c + c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumColumns<T>(T* row, int count, int c, T* target, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(scale);
            for (; k <= c - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                var sum = Vector256.Load(row + k);
                for (int j = 1; j < count; j++)
                {
                    sum += Vector256.Load(row + j * c + k);
                }

                Vector256.Store(sum * f, target + k);
            }
        }

        for (; k < c; k++)
        {
            T sum = row[k];
            for (int j = 1; j < count; j++)
            {
                sum += row[j * c + k];
            }

            target[k] = sum * scale;
        }
    }

    [ThreadStatic]
    private static NativeBuffer? s_row;

    /// <summary>This thread's scratch row.</summary>
    private static T* RowBuffer<T>(int length)
        where T : unmanaged => (s_row ??= new NativeBuffer()).Get<T>(length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill<T>(T* best, T* x, T* where, T position, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Im2Col.Copy(x, best, c);
        new Span<T>(where, c).Fill(position);
    }

    /// <summary>best = max(best, x), recording <paramref name="position"/> where x is strictly greater.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeGreater<T>(T* best, T* x, T* where, T position, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var p = Vector512.Create(position);
            for (; k <= c - Vector512<T>.Count; k += Vector512<T>.Count)
            {
                var v = Vector512.Load(x + k);
                var b = Vector512.Load(best + k);
                var greater = Vector512.GreaterThan(v, b);
                Vector512.Store(Vector512.ConditionalSelect(greater, v, b), best + k);
                Vector512.Store(Vector512.ConditionalSelect(greater, p, Vector512.Load(where + k)), where + k);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var p = Vector256.Create(position);
            for (; k <= c - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                var v = Vector256.Load(x + k);
                var b = Vector256.Load(best + k);
                var greater = Vector256.GreaterThan(v, b);
                Vector256.Store(Vector256.ConditionalSelect(greater, v, b), best + k);
                Vector256.Store(Vector256.ConditionalSelect(greater, p, Vector256.Load(where + k)), where + k);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var p = Vector128.Create(position);
            for (; k <= c - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                var v = Vector128.Load(x + k);
                var b = Vector128.Load(best + k);
                var greater = Vector128.GreaterThan(v, b);
                Vector128.Store(Vector128.ConditionalSelect(greater, v, b), best + k);
                Vector128.Store(Vector128.ConditionalSelect(greater, p, Vector128.Load(where + k)), where + k);
            }
        }

        for (; k < c; k++)
        {
            if (x[k] > best[k])
            {
                best[k] = x[k];
                where[k] = position;
            }
        }
    }

    /// <summary>dx += dy where the recorded position is <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWhere<T>(T* dx, T* dy, T* where, T position, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var p = Vector512.Create(position);
            for (; k <= c - Vector512<T>.Count; k += Vector512<T>.Count)
            {
                var hit = Vector512.Equals(Vector512.Load(where + k), p);
                Vector512.Store(Vector512.Load(dx + k) + (Vector512.Load(dy + k) & hit), dx + k);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var p = Vector256.Create(position);
            for (; k <= c - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                var hit = Vector256.Equals(Vector256.Load(where + k), p);
                Vector256.Store(Vector256.Load(dx + k) + (Vector256.Load(dy + k) & hit), dx + k);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var p = Vector128.Create(position);
            for (; k <= c - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                var hit = Vector128.Equals(Vector128.Load(where + k), p);
                Vector128.Store(Vector128.Load(dx + k) + (Vector128.Load(dy + k) & hit), dx + k);
            }
        }

        for (; k < c; k++)
        {
            if (where[k] == position)
            {
                dx[k] += dy[k];
            }
        }
    }

    /// <summary>dx = dy where the recorded position is <paramref name="position"/>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWhere<T>(T* dx, T* dy, T* where, T position, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var p = Vector512.Create(position);
            for (; k <= c - Vector512<T>.Count; k += Vector512<T>.Count)
            {
                Vector512.Store(Vector512.Load(dy + k) & Vector512.Equals(Vector512.Load(where + k), p), dx + k);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var p = Vector256.Create(position);
            for (; k <= c - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                Vector256.Store(Vector256.Load(dy + k) & Vector256.Equals(Vector256.Load(where + k), p), dx + k);
            }
        }

        for (; k < c; k++)
        {
            dx[k] = where[k] == position ? dy[k] : T.Zero;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<T>(T* dx, T* dy, T factor, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; k <= c - Vector256<T>.Count; k += Vector256<T>.Count)
            {
                Vector256.Store(Vector256.Load(dx + k) + Vector256.Load(dy + k) * f, dx + k);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var f = Vector128.Create(factor);
            for (; k <= c - Vector128<T>.Count; k += Vector128<T>.Count)
            {
                Vector128.Store(Vector128.Load(dx + k) + Vector128.Load(dy + k) * f, dx + k);
            }
        }

        for (; k < c; k++)
        {
            dx[k] += dy[k] * factor;
        }
    }
}
