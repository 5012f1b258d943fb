using System.Numerics;
using Backprop.Config;

namespace Backprop.Activations;

/// <summary>An activation function with its derivative. Element-wise for all but softmax/log-softmax, which act
/// on the last axis. A string converts to an activation by its Keras name: <c>activation: "swish"</c>.</summary>
public abstract class Activation
{
    /// <summary>The Keras name ("relu", "swish", …).</summary>
    public abstract string Name { get; }

    /// <summary>y = f(x). <paramref name="y"/> has x's shape and must not alias it (Backward may need x).</summary>
    public abstract void Forward<T>(Tensor<T> x, Tensor<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>dx = ∂L/∂x from dy = ∂L/∂y, given the forward input x and output y = f(x): dy ⊙ f′(x)
    /// element-wise, or the Jacobian-vector product for softmax. dx may alias dy.</summary>
    public abstract void Backward<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Arguments that recreate this activation (for model configs); empty when it has none.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>The activations a config may name: the built-ins, and any a user registers
    /// (<c>Activation.Registry.Register("my_activation", _ =&gt; new MyActivation())</c>).</summary>
    public static ConfigRegistry<Activation> Registry { get; } = ActivationRegistry.CreateBuiltIns();

    /// <summary>What a layer's config holds for this activation: the bare name when it has no arguments (as Keras
    /// writes "relu"), else Keras's <c>{"class_name": name, "config": {…}}</c>.</summary>
    public object Describe() => GetConfig().Count == 0 ? Name : ConfigRegistry<Activation>.Describe(Name, GetConfig());

    /// <summary>The activation with this Keras name; an unknown name throws, listing the valid ones.</summary>
    public static Activation Get(string name) => ActivationRegistry.Create(name);

    /// <summary>An activation by its Keras name, so <c>activation: "relu"</c> works wherever an activation is expected (see <see cref="Get"/>).</summary>
    public static implicit operator Activation(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Throws a <see cref="ShapeMismatchException"/> naming both shapes unless they are equal.</summary>
    protected void CheckSameShape<T>(Tensor<T> x, Tensor<T> other, string role) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(other);
        if (x.Shape != other.Shape)
        {
            throw ShapeMismatchException.For($"{Name} activation (x vs {role})", x.Shape, other.Shape);
        }
    }

    /// <summary>Checks the four tensors of <see cref="Backward{T}"/> share one shape.</summary>
    protected void CheckBackwardShapes<T>(Tensor<T> x, Tensor<T> y, Tensor<T> dy, Tensor<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSameShape(x, y, "y");
        CheckSameShape(x, dy, "dy");
        CheckSameShape(x, dx, "dx");
    }
}
