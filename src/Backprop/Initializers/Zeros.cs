using System.Numerics;

namespace Backprop.Initializers;

/// <summary>All zeros. Keras <c>Zeros</c> (the default bias initialiser).</summary>
public sealed class Zeros : Initializer
{
    public override string Name => "zeros";

    public override void Initialize<T>(Tensor<T> tensor) => tensor.AsSpan().Clear();
}
