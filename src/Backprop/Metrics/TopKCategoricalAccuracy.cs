using System.Globalization;
using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Metrics;

/// <summary>Fraction of samples whose true class (argmax of the one-hot y) is among the k highest scores of ŷ.
/// Keras <c>TopKCategoricalAccuracy(k=5)</c> (<c>"top_k_categorical_accuracy"</c>); ties at the k-th score count
/// as inside, as Keras's <c>in_top_k</c> does (fewer than k scores strictly above the true one).</summary>
public sealed class TopKCategoricalAccuracy : MeanMetric
{
    /// <summary>The share of rows whose one-hot target's class is among the <paramref name="k"/> largest predictions.</summary>
    /// <param name="k">How many of the largest predictions count (Keras default 5).</param>
    /// <param name="name">The name in the logs and History (Keras default "top_k_categorical_accuracy").</param>
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy")
        : base(name)
    {
        K = TopK.Validate(k);
    }

    /// <summary>How many of the largest predictions count as a hit.</summary>
    public int K { get; }

    /// <inheritdoc/>
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        var (rows, classes) = CheckRows(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        long hits = 0;
        for (int r = 0; r < rows; r++)
        {
            int target = Elementwise.IndexOfMax<T>(t.Slice(r * classes, classes));
            hits += TopK.Contains(p.Slice(r * classes, classes), target, K) ? 1 : 0;
        }

        return (hits, rows);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}(k={K})");

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["k"] = K };
}
