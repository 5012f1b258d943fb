using System.Numerics;

namespace Backprop.Initializers;

/// <summary>All ones. Keras <c>Ones</c> (<c>"ones"</c>; the default BatchNormalization gamma).</summary>
public sealed class Ones : Initializer
{
    public override string Name => "ones";

    public override void Initialize<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.AsSpan().Fill(T.One);
    }
}
