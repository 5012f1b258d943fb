using Backprop.Config;

namespace Backprop.Optimizers;

/// <summary>Keras names → optimisers with Keras defaults ("lbfgs" is Backprop's, with scikit-learn's MLP
/// defaults), and configs → optimisers.</summary>
public static class OptimizerRegistry
{
    private static readonly Dictionary<string, (Func<Optimizer> Create, Func<ConfigReader, Optimizer> FromConfig)> s_entries =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["sgd"] = (() => new SGD(), SGD.FromConfig),
            ["adam"] = (() => new Adam(), Adam.FromConfig),
            ["adamw"] = (() => new AdamW(), AdamW.FromConfig),
            ["nadam"] = (() => new Nadam(), Nadam.FromConfig),
            ["adamax"] = (() => new Adamax(), Adamax.FromConfig),
            ["adagrad"] = (() => new Adagrad(), Adagrad.FromConfig),
            ["adadelta"] = (() => new Adadelta(), Adadelta.FromConfig),
            ["rmsprop"] = (() => new RMSprop(), RMSprop.FromConfig),
            ["lbfgs"] = (() => new LBFGS(), LBFGS.FromConfig),
        };

    /// <summary>The names <see cref="Create"/> knows, sorted.</summary>
    public static IReadOnlyList<string> Names => s_entries.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The optimiser called <paramref name="name"/> (case-insensitive) with its defaults.</summary>
    public static Optimizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Lookup(name).Create();
    }

    /// <summary>Rebuilds an optimiser from <see cref="Optimizer.GetConfig"/>'s dictionary (values may be CLR
    /// primitives or System.Text.Json <c>JsonElement</c>s; <c>learning_rate</c> may be a serialised schedule).
    /// Missing keys take the defaults; unknown keys are an <see cref="ArgumentException"/>. Keras-only keys
    /// (<c>use_ema</c>, <c>ema_momentum</c>, <c>ema_overwrite_frequency</c>, <c>loss_scale_factor</c>,
    /// <c>gradient_accumulation_steps</c>) load when they hold Keras's "off" values and are a
    /// <see cref="NotSupportedException"/> otherwise.</summary>
    public static Optimizer FromConfig(string name, IReadOnlyDictionary<string, object?> config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        var entry = Lookup(name);
        var reader = new ConfigReader(name, config);
        reader.Ignore("name");
        reader.IgnoreNeutral("use_ema", false);
        reader.Ignore("ema_momentum");
        reader.IgnoreNeutral("ema_overwrite_frequency", null);
        reader.IgnoreNeutral("loss_scale_factor", null);
        reader.IgnoreNeutral("gradient_accumulation_steps", null);
        var optimizer = entry.FromConfig(reader);
        reader.EnsureAllRead();
        return optimizer;
    }

    private static (Func<Optimizer> Create, Func<ConfigReader, Optimizer> FromConfig) Lookup(string name) =>
        s_entries.TryGetValue(name, out var entry)
            ? entry
            : throw new ArgumentException($"Unknown optimizer '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
}
