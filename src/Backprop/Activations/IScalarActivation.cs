using System.Numerics;

namespace Backprop.Activations;

/// <summary>An element-wise function f and its derivative, implemented by small structs so that
/// <see cref="ScalarActivationLoops"/> is specialised and inlined per function and element type.</summary>
internal interface IScalarActivation
{
    T Value<T>(T x) where T : IFloatingPointIeee754<T>;

    /// <summary>f′(x), given x and y = f(x) (whichever is cheaper to use).</summary>
    T Derivative<T>(T x, T y) where T : IFloatingPointIeee754<T>;
}
