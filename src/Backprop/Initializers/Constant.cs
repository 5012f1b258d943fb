using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Every element = value. Keras <c>Constant(value=0.0)</c> (<c>"constant"</c>).</summary>
public sealed class Constant : Initializer
{
    /// <summary>Fills every weight with <paramref name="value"/>.</summary>
    /// <param name="value">The value (Keras default 0).</param>
    public Constant(double value = 0.0)
    {
        Value = value;
    }

    /// <summary>The value every weight gets.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.AsSpan().Fill(T.CreateTruncating(Value));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["value"] = Value };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Constant(value={Value})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static Constant FromConfig(ConfigReader config) => new(config.Double("value", 0.0));
}
