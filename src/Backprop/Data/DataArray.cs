using System.Numerics;

namespace Backprop.Data;

/// <summary>An array read from a data file, holding a tensor of the file's own element type (as
/// <c>np.load</c> returns an array of the stored dtype). <see cref="As{T}"/> gives it as the type a caller
/// wants, converting only when the types differ.</summary>
public sealed class DataArray
{
    /// <summary>Wraps a tensor read from a file whose element type was <paramref name="fileDType"/>.</summary>
    public DataArray(Tensor tensor, DType fileDType)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Tensor = tensor;
        FileDType = fileDType;
    }

    /// <summary>The data, as a <see cref="Tensor{T}"/> of the element type in <see cref="DType"/>.</summary>
    public Tensor Tensor { get; }

    /// <summary>The element type of <see cref="Tensor"/>.</summary>
    public DType DType => Tensor.DType;

    /// <summary>The element type the file declared. Equal to <see cref="DType"/> except for booleans
    /// (numpy <c>|b1</c>), which are held as a <c>Tensor&lt;byte&gt;</c> of 0 and 1.</summary>
    public DType FileDType { get; }

    /// <summary>The dimensions.</summary>
    public Shape Shape => Tensor.Shape;

    /// <summary>The data as <c>Tensor&lt;T&gt;</c>: the same tensor when the type matches, otherwise a converted
    /// copy (like numpy's <c>astype</c>: floats to integers truncate toward zero, integers wrap).</summary>
    public Tensor<T> As<T>()
        where T : unmanaged, INumber<T>
    {
        return Tensor switch
        {
            Tensor<T> same => same,
            Tensor<float> t => Backprop.Tensor.Cast<float, T>(t),
            Tensor<double> t => Backprop.Tensor.Cast<double, T>(t),
            Tensor<byte> t => Backprop.Tensor.Cast<byte, T>(t),
            Tensor<sbyte> t => Backprop.Tensor.Cast<sbyte, T>(t),
            Tensor<short> t => Backprop.Tensor.Cast<short, T>(t),
            Tensor<int> t => Backprop.Tensor.Cast<int, T>(t),
            Tensor<long> t => Backprop.Tensor.Cast<long, T>(t),
            _ => throw new NotSupportedException($"Cannot convert a {Tensor.DType.Name()} tensor to {typeof(T).Name}."),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => $"DataArray({FileDType.Name()}, shape {Shape})";
}
