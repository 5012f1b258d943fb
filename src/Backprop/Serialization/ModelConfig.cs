using Backprop.Layers;
using Backprop.Models;

namespace Backprop.Serialization;

/// <summary>Model configs as Keras-shaped JSON, the architecture part of a saved model: the same text as
/// <see cref="Sequential.GetConfig"/>, read back through the config registries (<see cref="Layer.Registry"/> and
/// those of initialisers, regularisers, constraints and activations). Only registered classes can be created: a
/// config never names a .NET type or a file, so reading one cannot run code it brings.</summary>
public static class ModelConfig
{
    /// <summary>The layer classes a config may contain (the built-ins and every user-registered one).</summary>
    public static IReadOnlyList<string> LayerClasses => Layer.Registry.Names;

    /// <summary>The model's config as indented JSON (weights not included).</summary>
    public static string ToJson(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.GetConfig();
    }

    /// <summary>A new, freshly initialised model from a config made by <see cref="ToJson"/>. Unknown classes,
    /// missing or mistyped fields fail with a <see cref="FormatException"/> naming the place.</summary>
    public static Sequential FromJson(string json) => Sequential.FromConfig(json);
}
