using System.Globalization;
using System.Numerics;

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
}
