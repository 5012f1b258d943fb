using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Training;

/// <summary>Keras's <c>predict</c>: a model's inference-mode outputs for many rows, computed batch by batch into one
/// new tensor. Needs no compile step.</summary>
internal static class Prediction
{
    /// <summary>The outputs for every row of <paramref name="x"/>, <paramref name="batchSize"/> rows at a time.</summary>
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
        var result = new Tensor<T>(BatchBuffer.WithBatch(n, model.Layers[^1].OutputShape));
        var view = x.SliceRows(0, 0);
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            view.RebindRows(x, start, count);
            var output = model.Forward(view, training: false);
            output.AsSpan().CopyTo(result.RowSpan(start, count));
        }

        return result;
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
