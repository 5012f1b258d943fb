using Backprop.Regularizers;

namespace Backprop.Serialization;

/// <summary>Keras-style descriptions of nested config objects: <c>{"class_name": "l2", "config": {"l2": 0.01}}</c>.</summary>
internal static class ConfigObjects
{
    public static Dictionary<string, object?> Describe(string className, IReadOnlyDictionary<string, object?> config) =>
        new()
        {
            ["class_name"] = className,
            ["config"] = config,
        };

    public static Dictionary<string, object?>? Describe(Regularizer? regularizer) =>
        regularizer is null ? null : Describe(regularizer.Name, regularizer.GetConfig());

    public static Dictionary<string, object?>? Describe(Constraint? constraint) =>
        constraint is null ? null : Describe(constraint.Name, constraint.GetConfig());
}
