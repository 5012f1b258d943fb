using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Every element = value. Keras <c>Constant(value=0.0)</c> (<c>"constant"</c>).</summary>
public sealed class Constant : Initializer
{
    public Constant(double value = 0.0)
    {
        Value = value;
    }

    public double Value { get; }

    public override string Name => "constant";

    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.AsSpan().Fill(T.CreateTruncating(Value));
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["value"] = Value };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Constant(value={Value})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static Constant FromConfig(ConfigReader config) => new(config.Double("value", 0.0));
}
