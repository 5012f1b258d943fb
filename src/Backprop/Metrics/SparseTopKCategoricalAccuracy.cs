using System.Globalization;
using System.Numerics;

namespace Backprop.Metrics;

/// <summary>Fraction of samples whose integer label (y shaped (n,) or (n, 1)) is among the k highest scores of ŷ.
/// Keras <c>SparseTopKCategoricalAccuracy(k=5)</c> (<c>"sparse_top_k_categorical_accuracy"</c>), ties as in
/// <see cref="TopKCategoricalAccuracy"/>. A label outside [0, classes) never counts as a hit.</summary>
public sealed class SparseTopKCategoricalAccuracy : MeanMetric
{
    /// <summary>The share of rows whose integer label is among the <paramref name="k"/> largest predictions.</summary>
    /// <param name="k">How many of the largest predictions count (Keras default 5).</param>
    /// <param name="name">The name in the logs and History (Keras default "sparse_top_k_categorical_accuracy").</param>
    public SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy")
        : base(name)
    {
        K = TopK.Validate(k);
    }

    /// <summary>How many of the largest predictions count as a hit.</summary>
    public int K { get; }

    /// <inheritdoc/>
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        var (rows, classes) = CheckSparseRows(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        long hits = 0;
        for (int r = 0; r < rows; r++)
        {
            double label = double.CreateTruncating(t[r]);
            bool valid = label >= 0 && label < classes && label == Math.Floor(label);
            hits += valid && TopK.Contains(p.Slice(r * classes, classes), (int)label, K) ? 1 : 0;
        }

        return (hits, rows);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}(k={K})");

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["k"] = K };
}
