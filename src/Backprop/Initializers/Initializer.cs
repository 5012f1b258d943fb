using System.Numerics;
using Backprop.Config;

namespace Backprop.Initializers;

/// <summary>Fills a new weight tensor. Shapes follow Keras's layout (a Dense kernel is (fan_in, fan_out)), from
/// which fan-in and fan-out are computed as Keras's <c>compute_fans</c>. Strings convert by Keras name
/// ("glorot_uniform", "zeros", …).</summary>
public abstract class Initializer
{
    /// <summary>The Keras name ("glorot_uniform", "zeros", …) under which the registry creates it.</summary>
    public abstract string Name { get; }

    /// <summary>Writes initial values into <paramref name="tensor"/>.</summary>
    public abstract void Initialize<T>(Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Writes initial values into <paramref name="tensor"/> on behalf of a layer that says whose fans
    /// count: a layer passes its kernel's shape when it initialises the kernel's bias. Keras's initialisers take
    /// their fans from the tensor itself and ignore <paramref name="fanShape"/> (this default);
    /// <see cref="FanInUniform"/> uses it, as PyTorch gives a bias the fan-in of its weight.</summary>
    public virtual void Initialize<T>(Tensor<T> tensor, Shape fanShape) where T : unmanaged, IFloatingPointIeee754<T> => Initialize(tensor);

    /// <summary>The constructor arguments with Keras key names; the registered factory reads them back.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>The initialiser classes a config may name: the built-ins, and any a user registers
    /// (<c>Initializer.Registry.Register("my_init", MyInit.FromConfig)</c>).</summary>
    public static ConfigRegistry<Initializer> Registry { get; } = InitializerRegistry.CreateBuiltIns();

    /// <summary>Keras's description <c>{"class_name": name, "config": {…}}</c>, which <see cref="Registry"/> reads
    /// back with <see cref="ConfigRegistry{T}.FromDescription"/>.</summary>
    public Dictionary<string, object?> Describe() => ConfigRegistry<Initializer>.Describe(Name, GetConfig());

    /// <summary>The initialiser with this Keras name and Keras's default arguments; an unknown name throws, listing the valid ones.</summary>
    public static Initializer Get(string name) => InitializerRegistry.Create(name);

    /// <summary>An initialiser by its Keras name, so <c>kernelInitializer: "he_normal"</c> works (see <see cref="Get"/>).</summary>
    public static implicit operator Initializer(string name) => Get(name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Keras's <c>compute_fans</c>: rank 2 (in, out); rank 1 (n, n); higher ranks multiply the receptive
    /// field (all but the last two dimensions) into both.</summary>
    public static (double FanIn, double FanOut) ComputeFans(Shape shape)
    {
        return shape.Rank switch
        {
            0 => (1, 1),
            1 => (shape[0], shape[0]),
            2 => (shape[0], shape[1]),
            _ => ReceptiveFans(shape),
        };
    }

    private static (double, double) ReceptiveFans(Shape shape)
    {
        double receptive = 1;
        for (int i = 0; i < shape.Rank - 2; i++)
        {
            receptive *= shape[i];
        }

        return (shape[-2] * receptive, shape[-1] * receptive);
    }
}
