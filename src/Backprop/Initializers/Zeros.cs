using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>All zeros. Keras <c>Zeros</c> (the default bias initialiser).</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override string Name => "zeros";

    /// <inheritdoc/>
    public override void Initialize<T>(Tensor<T> tensor) => tensor.AsSpan().Clear();

    /// <summary>Recreates the initialiser from <see cref="Initializer.GetConfig"/>'s keys (missing keys take the defaults).</summary>
    internal static Zeros FromConfig(ConfigReader config) => new();
}
