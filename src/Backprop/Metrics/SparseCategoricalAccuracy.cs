using System.Numerics;
using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Metrics;

/// <summary>Fraction of samples whose integer label (y shaped (n,) or (n, 1)) equals argmax ŷ. Keras
/// <c>SparseCategoricalAccuracy</c> (<c>"sparse_categorical_accuracy"</c>).</summary>
public sealed class SparseCategoricalAccuracy : MeanMetric
{
    /// <summary>The share of rows whose largest prediction is the integer label's class.</summary>
    /// <param name="name">The name in the logs and History (Keras default "sparse_categorical_accuracy").</param>
    public SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy")
        : base(name)
    {
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        var (rows, classes) = CheckSparseRows(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        long hits = 0;
        for (int r = 0; r < rows; r++)
        {
            int predicted = Elementwise.IndexOfMax<T>(p.Slice(r * classes, classes));
            hits += double.CreateTruncating(t[r]) == predicted ? 1 : 0;
        }

        return (hits, rows);
    }
}
