namespace Backprop.Tests.Kernels;

/// <summary>A convolution or pooling problem for the naive reference loops: shapes, strides, dilation and
/// padding, with the output size and padding worked out here from TensorFlow's documented rule (not from the
/// library's <c>WindowGeometry</c>).</summary>
public sealed record WindowCase(int Batch, int Height, int Width, int Channels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth, bool Same, int Filters = 1)
{
    public int SpanHeight => (KernelHeight - 1) * DilationHeight + 1;

    public int SpanWidth => (KernelWidth - 1) * DilationWidth + 1;

    // TensorFlow: "SAME" → out = ceil(in / stride), pad_total = max((out − 1)·stride + span − in, 0), pad_before =
    // pad_total / 2 (floor); "VALID" → out = ceil((in − span + 1) / stride), no padding.
    public int OutputHeight => Same ? (int)Math.Ceiling(Height / (double)StrideHeight) : (int)Math.Ceiling((Height - SpanHeight + 1) / (double)StrideHeight);

    public int OutputWidth => Same ? (int)Math.Ceiling(Width / (double)StrideWidth) : (int)Math.Ceiling((Width - SpanWidth + 1) / (double)StrideWidth);

    public int PadTop => Same ? Math.Max((OutputHeight - 1) * StrideHeight + SpanHeight - Height, 0) / 2 : 0;

    public int PadLeft => Same ? Math.Max((OutputWidth - 1) * StrideWidth + SpanWidth - Width, 0) / 2 : 0;

    public int InputLength => Batch * Height * Width * Channels;

    public int KernelLength => KernelHeight * KernelWidth * Channels * Filters;

    public int OutputLength => Batch * OutputHeight * OutputWidth * Filters;

    public int PooledLength => Batch * OutputHeight * OutputWidth * Channels;

    public Backprop.Kernels.WindowGeometry Geometry => Backprop.Kernels.WindowGeometry.Create(Height, Width, Channels, KernelHeight, KernelWidth,
        StrideHeight, StrideWidth, DilationHeight, DilationWidth, Same);

    public int In(int b, int i, int j, int c) => ((b * Height + i) * Width + j) * Channels + c;

    public int Out(int b, int i, int j, int f) => ((b * OutputHeight + i) * OutputWidth + j) * Filters + f;

    public int Pooled(int b, int i, int j, int c) => ((b * OutputHeight + i) * OutputWidth + j) * Channels + c;

    public int Weight(int u, int v, int c, int f) => ((u * KernelWidth + v) * Channels + c) * Filters + f;

    public override string ToString() =>
        $"batch {Batch}, {Height}×{Width}×{Channels} → {Filters}, window {KernelHeight}×{KernelWidth}, strides {StrideHeight}×{StrideWidth}, dilation {DilationHeight}×{DilationWidth}, {(Same ? "same" : "valid")}";
}

/// <summary>The textbook loops, in float64, that the kernels must match.</summary>
internal static class ConvolutionReference
{
    /// <summary>y[b,i,j,f] = Σ_{u,v,c} x[b, i·s − p + u·d, j·s − p + v·d, c]·W[u,v,c,f] + bias[f] (zero outside).</summary>
    public static double[] Forward(WindowCase k, double[] x, double[] w, double[]? bias)
    {
        var y = new double[k.OutputLength];
        for (int b = 0; b < k.Batch; b++)
        {
            for (int i = 0; i < k.OutputHeight; i++)
            {
                for (int j = 0; j < k.OutputWidth; j++)
                {
                    for (int f = 0; f < k.Filters; f++)
                    {
                        double sum = bias?[f] ?? 0;
                        for (int u = 0; u < k.KernelHeight; u++)
                        {
                            for (int v = 0; v < k.KernelWidth; v++)
                            {
                                int r = i * k.StrideHeight - k.PadTop + u * k.DilationHeight, s = j * k.StrideWidth - k.PadLeft + v * k.DilationWidth;
                                if (r < 0 || r >= k.Height || s < 0 || s >= k.Width)
                                {
                                    continue;
                                }

                                for (int c = 0; c < k.Channels; c++)
                                {
                                    sum += x[k.In(b, r, s, c)] * w[k.Weight(u, v, c, f)];
                                }
                            }
                        }

                        y[k.Out(b, i, j, f)] = sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>∂W, ∂b and ∂x of L = Σ y ⊙ dy (the chain rule applied term by term to <see cref="Forward"/>).</summary>
    public static (double[] KernelGradient, double[] BiasGradient, double[] InputGradient) Backward(WindowCase k, double[] x, double[] w, double[] dy)
    {
        var dw = new double[k.KernelLength];
        var db = new double[k.Filters];
        var dx = new double[k.InputLength];
        for (int b = 0; b < k.Batch; b++)
        {
            for (int i = 0; i < k.OutputHeight; i++)
            {
                for (int j = 0; j < k.OutputWidth; j++)
                {
                    for (int f = 0; f < k.Filters; f++)
                    {
                        double g = dy[k.Out(b, i, j, f)];
                        db[f] += g;
                        for (int u = 0; u < k.KernelHeight; u++)
                        {
                            for (int v = 0; v < k.KernelWidth; v++)
                            {
                                int r = i * k.StrideHeight - k.PadTop + u * k.DilationHeight, s = j * k.StrideWidth - k.PadLeft + v * k.DilationWidth;
                                if (r < 0 || r >= k.Height || s < 0 || s >= k.Width)
                                {
                                    continue;
                                }

                                for (int c = 0; c < k.Channels; c++)
                                {
                                    dw[k.Weight(u, v, c, f)] += x[k.In(b, r, s, c)] * g;
                                    dx[k.In(b, r, s, c)] += w[k.Weight(u, v, c, f)] * g;
                                }
                            }
                        }
                    }
                }
            }
        }

        return (dw, db, dx);
    }

    /// <summary>Max pooling: the maximum over the window's real cells, and the gradient sent to the first maximum.</summary>
    public static (double[] Output, double[] InputGradient) MaxPool(WindowCase k, double[] x, double[] dy)
    {
        var y = new double[k.PooledLength];
        var dx = new double[k.InputLength];
        ForEachWindow(k, (b, i, j, c, cells) =>
        {
            int best = cells[0];
            foreach (int cell in cells)
            {
                if (x[cell] > x[best])
                {
                    best = cell;
                }
            }

            y[k.Pooled(b, i, j, c)] = x[best];
            dx[best] += dy[k.Pooled(b, i, j, c)];
        });
        return (y, dx);
    }

    /// <summary>Average pooling over the window's real cells (padding not counted), and its gradient.</summary>
    public static (double[] Output, double[] InputGradient) AveragePool(WindowCase k, double[] x, double[] dy)
    {
        var y = new double[k.PooledLength];
        var dx = new double[k.InputLength];
        ForEachWindow(k, (b, i, j, c, cells) =>
        {
            y[k.Pooled(b, i, j, c)] = cells.Sum(cell => x[cell]) / cells.Count;
            foreach (int cell in cells)
            {
                dx[cell] += dy[k.Pooled(b, i, j, c)] / cells.Count;
            }
        });
        return (y, dx);
    }

    /// <summary>Calls back with the input indices of every window's real cells, in row-major window order.</summary>
    private static void ForEachWindow(WindowCase k, Action<int, int, int, int, List<int>> visit)
    {
        for (int b = 0; b < k.Batch; b++)
        {
            for (int i = 0; i < k.OutputHeight; i++)
            {
                for (int j = 0; j < k.OutputWidth; j++)
                {
                    for (int c = 0; c < k.Channels; c++)
                    {
                        var cells = new List<int>();
                        for (int u = 0; u < k.KernelHeight; u++)
                        {
                            for (int v = 0; v < k.KernelWidth; v++)
                            {
                                int r = i * k.StrideHeight - k.PadTop + u, s = j * k.StrideWidth - k.PadLeft + v;
                                if (r >= 0 && r < k.Height && s >= 0 && s < k.Width)
                                {
                                    cells.Add(k.In(b, r, s, c));
                                }
                            }
                        }

                        visit(b, i, j, c, cells);
                    }
                }
            }
        }
    }
}
