using System.Numerics;
using System.Runtime.CompilerServices;
using Backprop.Kernels;

namespace Backprop.Metrics;

/// <summary>Fraction of samples where argmax ŷ equals argmax y (one-hot labels; first maximum on ties). Keras
/// <c>CategoricalAccuracy</c> (<c>"categorical_accuracy"</c>).</summary>
public sealed class CategoricalAccuracy : MeanMetric
{
    /// <summary>The share of rows whose largest prediction is the one-hot target's class.</summary>
    /// <param name="name">The name in the logs and History (Keras default "categorical_accuracy").</param>
    public CategoricalAccuracy(string name = "categorical_accuracy")
        : base(name)
    {
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        var (rows, classes) = CheckRows(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        long hits = 0;
        for (int r = 0; r < rows; r++)
        {
            int expected = Elementwise.IndexOfMax<T>(t.Slice(r * classes, classes));
            int predicted = Elementwise.IndexOfMax<T>(p.Slice(r * classes, classes));
            hits += expected == predicted ? 1 : 0;
        }

        return (hits, rows);
    }
}
