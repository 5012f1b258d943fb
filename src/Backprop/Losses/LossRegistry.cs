using Backprop.Config;

namespace Backprop.Losses;

/// <summary>Keras names and aliases → losses with Keras's default arguments (case-insensitive, so "MSE" works as in
/// Keras).</summary>
public static class LossRegistry
{
    private static readonly Dictionary<string, Func<Loss>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mean_squared_error"] = () => new MeanSquaredError(),
        ["mse"] = () => new MeanSquaredError(),
        ["mean_absolute_error"] = () => new MeanAbsoluteError(),
        ["mae"] = () => new MeanAbsoluteError(),
        ["huber"] = () => new Huber(),
        ["huber_loss"] = () => new Huber(),
        ["binary_crossentropy"] = () => new BinaryCrossentropy(),
        ["categorical_crossentropy"] = () => new CategoricalCrossentropy(),
        ["sparse_categorical_crossentropy"] = () => new SparseCategoricalCrossentropy(),
        ["hinge"] = () => new Hinge(),
        ["squared_hinge"] = () => new SquaredHinge(),
        ["perceptron"] = () => new Perceptron(),
        ["kl_divergence"] = () => new KLDivergence(),
        ["kld"] = () => new KLDivergence(),
        ["kullback_leibler_divergence"] = () => new KLDivergence(),
    };

    /// <summary>All registered names and aliases, sorted.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Rebuilds a built-in loss from its <see cref="Loss.Name"/> and <see cref="Loss.GetConfig"/> (values
    /// may be CLR primitives or <c>JsonElement</c>s). Unknown names and unknown or mistyped keys are an
    /// <see cref="ArgumentException"/>: a saved model names a loss, never a type.</summary>
    public static Loss FromConfig(string name, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        var reader = new ConfigReader($"loss '{name}'", config);
        Loss loss = name.ToLowerInvariant() switch
        {
            "binary_crossentropy" => new BinaryCrossentropy(reader.Bool("from_logits", false), reader.Double("label_smoothing", 0.0)),
            "categorical_crossentropy" => new CategoricalCrossentropy(reader.Bool("from_logits", false), reader.Double("label_smoothing", 0.0)),
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(reader.Bool("from_logits", false)),
            "huber" or "huber_loss" => new Huber(reader.Double("delta", 1.0)),
            _ => Create(name),
        };
        reader.EnsureAllRead();
        return loss;
    }

    /// <summary>A new loss for a Keras name or alias; an unknown name throws <see cref="ArgumentException"/>
    /// listing every valid one.</summary>
    public static Loss Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown loss '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
