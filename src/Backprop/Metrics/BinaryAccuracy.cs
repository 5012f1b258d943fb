using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Metrics;

/// <summary>Fraction of elements where [ŷ &gt; threshold] equals y (labels 0 or 1). Keras
/// <c>BinaryAccuracy(threshold=0.5)</c> (<c>"binary_accuracy"</c>).</summary>
public sealed class BinaryAccuracy : MeanMetric
{
    /// <summary>The share of predictions on the right side of <paramref name="threshold"/>.</summary>
    /// <param name="name">The name in the logs and History (Keras default "binary_accuracy").</param>
    /// <param name="threshold">A prediction above it counts as 1 (Keras default 0.5).</param>
    public BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5)
        : base(name)
    {
        if (!double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite.");
        }

        Threshold = threshold;
    }

    /// <summary>A prediction above it counts as class 1.</summary>
    public double Threshold { get; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckSameLength(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        T threshold = T.CreateTruncating(Threshold);
        long hits = 0;
        for (int i = 0; i < p.Length; i++)
        {
            T predicted = p[i] > threshold ? T.One : T.Zero;
            hits += predicted == t[i] ? 1 : 0;
        }

        return (hits, p.Length);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}(threshold={Threshold})");

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["threshold"] = Threshold };
}
