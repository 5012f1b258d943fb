using System.Globalization;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>gain on the main diagonal, 0 elsewhere, for rank-2 tensors (rectangular allowed, like numpy's
/// <c>eye(rows, cols)</c>). Keras <c>Identity(gain=1.0)</c> (<c>"identity"</c>); PyTorch <c>nn.init.eye_</c>.</summary>
public sealed class Identity : Initializer
{
    /// <summary>gain·I for a rank-2 tensor.</summary>
    /// <param name="gain">The value on the diagonal (Keras default 1).</param>
    public Identity(double gain = 1.0)
    {
        Gain = InitializerChecks.Finite(gain, nameof(gain));
    }

    /// <summary>The value on the main diagonal.</summary>
    public double Gain { get; }

    /// <inheritdoc/>
    public override string Name => "identity";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != 2)
        {
            throw new ArgumentException($"The identity initializer needs a rank-2 tensor, got shape {tensor.Shape}.", nameof(tensor));
        }

        var values = tensor.AsSpan();
        values.Clear();
        int cols = tensor.Shape[1];
        int diagonal = Math.Min(tensor.Shape[0], cols);
        T gain = T.CreateTruncating(Gain);
        for (int i = 0; i < diagonal; i++)
        {
            values[i * cols + i] = gain;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["gain"] = Gain };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Identity(gain={Gain})");

    /// <summary>Recreates the initialiser from <see cref="GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static Identity FromConfig(ConfigReader config) => new(config.Double("gain", 1.0));
}
