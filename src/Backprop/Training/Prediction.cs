using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Numerics;
using Backprop.Data;
using Backprop.Kernels;
using Backprop.Layers;
using Backprop.Models;

namespace Backprop.Training;

/// <summary>Keras's <c>predict</c>: a model's inference-mode outputs for many rows, computed batch by batch into one
/// new tensor. Needs no compile step.</summary>
internal static class Prediction
{
    /// <summary>Rows per forward pass Predict aims at: rows are independent at inference, so whole batches are
    /// grouped into passes of about this many rows (a 256-row GEMM runs at about twice the speed of eight 32-row
    /// ones), unless the widest layer's activations would then exceed <see cref="ChunkBytes"/>.</summary>
    internal const int ChunkRows = 256;

    /// <summary>Largest activation buffer (bytes) a grouped pass may need per layer.</summary>
    internal const long ChunkBytes = 8 << 20;

    /// <summary>The outputs for every row of <paramref name="x"/>, with the results of <paramref name="batchSize"/>
    /// rows at a time: every row gets exactly the values a pass over its own batch gives. Whole batches are
    /// grouped into larger passes (<see cref="RowsPerPass"/>), batches of one row too (the one-row GEMV sums its
    /// depth in the packed GEMM's slices); the last, partial batch runs as its own pass. The layers' own buffers
    /// are reused from call to call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor<T> Predict<T>(Sequential model, Tensor<T> x, int batchSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        Trainer.CheckBatchSize(batchSize);
        if (x.Rank == 0)
        {
            throw new ShapeMismatchException($"Model '{model.Name}': inputs need a batch axis; got a scalar.");
        }

        using var use = ModelUse.Enter(model, "Predict");
        model.EnsureBuilt(BatchBuffer.SampleOf(x.Shape));
        int n = x.Shape[0];
        var outputShape = model.Layers[^1].OutputShape;
        // Every element is written below: no need to clear the result first. Its pages are mapped over the threads
        // here, so that the copies below, one per pass on this thread, do not fault them in one by one.
        var result = Tensor<T>.Wrap(LargeBuffers.AllocateUninitialized<T>(checked(n * outputShape.Length)), BatchBuffer.WithBatch(n, outputShape));
        int full = n - n % batchSize;
        int pass = RowsPerPass(model, batchSize, full, Unsafe.SizeOf<T>());
        var view = x.SliceRows(0, 0);
        for (int start = 0; start < n;)
        {
            int count = PassLength(start, full, n, pass);
            view.RebindRows(x, start, count);
            var output = model.Forward(view, training: false);
            output.AsSpan().CopyTo(result.RowSpan(start, count));
            start += count;
        }

        return result;
    }

    /// <summary>Rows of the pass starting at row <paramref name="start"/>: up to <paramref name="pass"/> rows of the
    /// <paramref name="full"/> rows that make whole batches, then the last, partial batch as a pass of its own (its
    /// size may sum a product's depth differently). Predict and the grouped evaluation both cut passes this way.</summary>
    internal static int PassLength(int start, int full, int rows, int pass) =>
        start < full ? Math.Min(pass, full - start) : rows - start;

    /// <summary>Rows per forward pass: a whole number of batches, about <see cref="ChunkRows"/>, at most
    /// <paramref name="rows"/>, and the batch itself when grouping could change a result
    /// (<see cref="CanGroup"/>).</summary>
    internal static int RowsPerPass(Sequential model, int batchSize, int rows, int elementBytes)
    {
        if (rows <= batchSize)
        {
            return batchSize;
        }

        long widest = 1;
        foreach (var layer in model.Layers)
        {
            widest = Math.Max(widest, layer.OutputShape.Length);
        }

        long target = Math.Min(ChunkRows, Math.Max(1, ChunkBytes / (widest * elementBytes)));
        long batches = Math.Max(1, target / batchSize);
        int pass = (int)Math.Min(batches * batchSize, rows - rows % batchSize);
        return pass > batchSize && CanGroup(model, batchSize, pass, elementBytes) ? pass : batchSize;
    }

    /// <summary>True when a pass of <paramref name="passRows"/> rows gives every row the bits of a pass over its own
    /// batch of <paramref name="batchSize"/>: every layer computes rows independently at inference, and every
    /// product sums its depth the same way at either size (<see cref="Summation"/>). Layer types not listed here
    /// (user-defined ones) are never grouped.</summary>
    internal static bool CanGroup(Sequential model, int batchSize, int passRows, int elementBytes)
    {
        int depth = elementBytes == sizeof(float) ? GemmPacked.MaxDepth<float>() : GemmPacked.MaxDepth<double>();
        foreach (var layer in model.Layers)
        {
            switch (layer)
            {
                case Dense dense:
                    long k = dense.InputShape[-1];
                    long perSample = dense.InputShape.Length / k;
                    if (Summation(batchSize * perSample, dense.Units, k, depth) != Summation(passRows * perSample, dense.Units, k, depth))
                    {
                        return false;
                    }

                    break;
                case Conv2D conv:
                    if ((long)conv.KernelSize.Height * conv.KernelSize.Width * conv.InputShape[-1] > depth)
                    {
                        return false;
                    }

                    break;
                case Activation or BatchNormalization or Dropout or Flatten or Pooling2D or GlobalAveragePooling2D or Input
                    or LeakyReLU or PReLU or Normalization or Reshape or ZeroPadding2D:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>How a Dense forward product <c>x·W</c> of <paramref name="rows"/> × <paramref name="k"/> by
    /// <paramref name="k"/> × <paramref name="units"/> sums its depth, following <see cref="Gemm"/>'s routes: one
    /// row (a GEMV) and the packed GEMM sum it in the packed GEMM's slices, a few-row or small GEMM in one chain (the
    /// same thing when the depth fits one slice), one output column as two-accumulator dot products, and machines
    /// without FMA in their own order.</summary>
    private static int Summation(long rows, long units, long k, int depth)
    {
        const int Sliced = 0, Dots = 1, Chain = 2, Portable = 3, PortableRow = 4;
        if (rows == 1)
        {
            return Fma.IsSupported ? Sliced : PortableRow;
        }

        if (units == 1)
        {
            return Dots;
        }

        if (GemmPacked.IsPortable)
        {
            return Portable;
        }

        return GemmSmall.Takes(rows, units, k, transposeB: false) && k > depth ? Chain : Sliced;
    }

    /// <summary>The outputs for every row of a batched dataset, in order; targets, if any, are ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor<T> Predict<T>(Sequential model, Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DatasetChecks.Check(model, data, nameof(data), "Predict", needTargets: false);
        using var use = ModelUse.Enter(model, "Predict");
        model.EnsureBuilt(data.XRowShape);
        var outputShape = model.Layers[^1].OutputShape;
        int rowLength = outputShape.Length;
        var rows = new List<T>(data.Cardinality > 0 ? (int)Math.Min(data.Cardinality * 32L * rowLength, 1 << 24) : 0);
        int count = 0;
        var batches = new DatasetBatches<T>(data);
        batches.BeginEpoch(0);
        try
        {
            while (batches.Next(out var xb, out _))
            {
                var output = model.Forward(xb, training: false);
                foreach (var value in output.AsSpan())
                {
                    rows.Add(value);
                }

                count += xb.Shape[0];
            }
        }
        finally
        {
            batches.EndEpoch();
        }

        return Tensor<T>.Wrap(rows.ToArray(), BatchBuffer.WithBatch(count, outputShape));
    }
}
