using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>All ones. Keras <c>Ones</c> (<c>"ones"</c>; the default BatchNormalization gamma).</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc/>
    public override string Name => "ones";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.AsSpan().Fill(T.One);
    }

    /// <summary>Recreates the initialiser from <see cref="Initializer.GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static Ones FromConfig(ConfigReader config) => new();
}
