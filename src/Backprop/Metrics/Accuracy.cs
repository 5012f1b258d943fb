using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Metrics;

/// <summary>Fraction of elements where ŷ equals y exactly. Keras <c>Accuracy</c> (the class; the string
/// <c>"accuracy"</c> instead means <see cref="AutoAccuracy"/>, resolved to the binary, categorical or sparse
/// variant).</summary>
public sealed class Accuracy : MeanMetric
{
    /// <summary>The share of predictions exactly equal to their targets (Keras <c>Accuracy</c>).</summary>
    /// <param name="name">The name in the logs and History (Keras default "accuracy").</param>
    public Accuracy(string name = "accuracy")
        : base(name)
    {
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckSameLength(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        long hits = 0;
        for (int i = 0; i < p.Length; i++)
        {
            hits += t[i] == p[i] ? 1 : 0;
        }

        return (hits, p.Length);
    }
}
