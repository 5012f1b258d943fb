using Backprop.Config;
using Backprop.Losses;

namespace Backprop.Metrics;

/// <summary>Keras names → metrics. The name a metric was asked for is the name it reports under
/// (Keras: <c>metrics=["mae"]</c> logs <c>mae</c>, <c>metrics=["mean_absolute_error"]</c> logs that).</summary>
public static class MetricRegistry
{
    private static readonly Dictionary<string, Func<string, Metric>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mae"] = name => new MeanAbsoluteError(name),
        ["mean_absolute_error"] = name => new MeanAbsoluteError(name),
        ["mse"] = name => new MeanSquaredError(name),
        ["mean_squared_error"] = name => new MeanSquaredError(name),
        ["rmse"] = name => new RootMeanSquaredError(name),
        ["root_mean_squared_error"] = name => new RootMeanSquaredError(name),
        ["accuracy"] = name => new AutoAccuracy(name),
        ["acc"] = name => new AutoAccuracy(name),
        ["binary_accuracy"] = name => new BinaryAccuracy(name),
        ["categorical_accuracy"] = name => new CategoricalAccuracy(name),
        ["sparse_categorical_accuracy"] = name => new SparseCategoricalAccuracy(name),
        ["top_k_categorical_accuracy"] = name => new TopKCategoricalAccuracy(name: name),
        ["sparse_top_k_categorical_accuracy"] = name => new SparseTopKCategoricalAccuracy(name: name),
    };

    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>A new metric for a Keras name, reporting under that name; an unknown name throws
    /// <see cref="ArgumentException"/> listing every valid one.</summary>
    public static Metric Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory(name)
            : throw new ArgumentException($"Unknown metric '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>The Keras class name a saved compile config records for <paramref name="metric"/>, or null for a
    /// metric of the user's own (which cannot be saved).</summary>
    public static string? ClassNameOf(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric switch
        {
            RootMeanSquaredError => "RootMeanSquaredError",
            MeanSquaredError => "MeanSquaredError",
            MeanAbsoluteError => "MeanAbsoluteError",
            AutoAccuracy => "AutoAccuracy",
            Accuracy => "Accuracy",
            BinaryAccuracy => "BinaryAccuracy",
            CategoricalAccuracy => "CategoricalAccuracy",
            SparseCategoricalAccuracy => "SparseCategoricalAccuracy",
            TopKCategoricalAccuracy => "TopKCategoricalAccuracy",
            SparseTopKCategoricalAccuracy => "SparseTopKCategoricalAccuracy",
            _ => null,
        };
    }

    /// <summary>Rebuilds a built-in metric from <see cref="ClassNameOf"/> and <see cref="Metric.GetConfig"/>. Unknown
    /// classes and unknown or mistyped keys are an <see cref="ArgumentException"/>: a saved model names a metric,
    /// never a type.</summary>
    public static Metric FromConfig(string className, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        var reader = new ConfigReader($"metric {className}", config);
        string name = reader.String("name");
        Metric metric = className switch
        {
            "RootMeanSquaredError" => new RootMeanSquaredError(name),
            "MeanSquaredError" => new MeanSquaredError(name),
            "MeanAbsoluteError" => new MeanAbsoluteError(name),
            "AutoAccuracy" => new AutoAccuracy(name),
            "Accuracy" => new Accuracy(name),
            "BinaryAccuracy" => new BinaryAccuracy(name, reader.Double("threshold", 0.5)),
            "CategoricalAccuracy" => new CategoricalAccuracy(name),
            "SparseCategoricalAccuracy" => new SparseCategoricalAccuracy(name),
            "TopKCategoricalAccuracy" => new TopKCategoricalAccuracy(reader.Int("k", 5), name),
            "SparseTopKCategoricalAccuracy" => new SparseTopKCategoricalAccuracy(reader.Int("k", 5), name),
            _ => throw new ArgumentException($"Unknown metric class '{className}'. Valid classes: Accuracy, AutoAccuracy, BinaryAccuracy, CategoricalAccuracy, MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy.", nameof(className)),
        };
        reader.EnsureAllRead();
        return metric;
    }

    /// <summary>Resolves <c>"accuracy"</c>/<c>"acc"</c> (an <see cref="AutoAccuracy"/>) by the loss, for use at
    /// compile time: <see cref="BinaryAccuracy"/> for binary cross-entropy and the hinge family (hinge,
    /// squared_hinge, perceptron), <see cref="SparseCategoricalAccuracy"/> for sparse categorical cross-entropy,
    /// <see cref="CategoricalAccuracy"/> for categorical cross-entropy (Keras 2's rule). For any other loss the
    /// <see cref="AutoAccuracy"/> is returned as is and decides from the first batch's shapes (Keras 3's rule).
    /// Every other metric is returned unchanged. The resolved metric keeps the name the user wrote.</summary>
    public static Metric Resolve(Metric metric, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(loss);
        if (metric is not AutoAccuracy auto)
        {
            return metric;
        }

        return loss switch
        {
            BinaryCrossentropy or Hinge or SquaredHinge or Perceptron => new BinaryAccuracy(auto.Name),
            SparseCategoricalCrossentropy => new SparseCategoricalAccuracy(auto.Name),
            CategoricalCrossentropy => new CategoricalAccuracy(auto.Name),
            _ => auto,
        };
    }

    /// <summary>Resolves <c>"accuracy"</c>/<c>"acc"</c> exactly as Keras 3's <c>get_metric</c> does, from the shapes of
    /// y_true and y_pred (the loss is not consulted, as in Keras 3): binary when y_pred's last axis is 1; sparse
    /// categorical when y_true has lower rank than y_pred or a last axis of 1 against a wider y_pred; categorical
    /// otherwise. Note that Keras 3 therefore scores a multi-label binary_crossentropy model (y_pred (n, 3)) with
    /// categorical accuracy; ask for <c>"binary_accuracy"</c> there. Every other metric is returned unchanged.</summary>
    public static Metric Resolve(Metric metric, Loss loss, Shape yTrueShape, Shape yPredShape)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(loss);
        return metric is AutoAccuracy auto ? ResolveAccuracyByShape(auto.Name, yTrueShape, yPredShape) : metric;
    }

    internal static Metric ResolveAccuracyByShape(string name, Shape yTrueShape, Shape yPredShape)
    {
        int predLast = yPredShape.Rank == 0 ? 1 : yPredShape[-1];
        int trueLast = yTrueShape.Rank == 0 ? 1 : yTrueShape[-1];
        bool isBinary = predLast == 1;
        bool isSparse = yTrueShape.Rank < yPredShape.Rank || (trueLast == 1 && predLast > 1);
        if (isBinary)
        {
            return new BinaryAccuracy(name);
        }

        return isSparse ? new SparseCategoricalAccuracy(name) : new CategoricalAccuracy(name);
    }
}
