namespace Backprop;

/// <summary>The element type of a tensor. Models compute in <see cref="Float32"/> or <see cref="Float64"/>;
/// the integer types exist so that data files (IDX, NPY) can be read and written without loss.</summary>
public enum DType
{
    /// <summary>32-bit IEEE floating point (<see cref="float"/>), Keras's default for models.</summary>
    Float32,
    /// <summary>64-bit IEEE floating point (<see cref="double"/>), for exact checks.</summary>
    Float64,
    /// <summary>Unsigned 8-bit integer (<see cref="byte"/>), e.g. image pixels and labels.</summary>
    UInt8,
    /// <summary>Signed 8-bit integer (<see cref="sbyte"/>).</summary>
    Int8,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64,
    /// <summary>Boolean (<see cref="bool"/>), as numpy's bool_.</summary>
    Bool,
}

/// <summary>Maps CLR element types to <see cref="DType"/> and back.</summary>
public static class DTypes
{
    /// <summary>The <see cref="DType"/> of <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(sbyte)) return DType.Int8;
        if (typeof(T) == typeof(short)) return DType.Int16;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"No DType for element type {typeof(T).Name}.");
    }

    /// <summary>Size of one element in bytes.</summary>
    public static int SizeOf(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.Int16 => 2,
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>The numpy-style name: float32, float64, uint8, int8, int16, int32, int64, bool.</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.UInt8 => "uint8",
        DType.Int8 => "int8",
        DType.Int16 => "int16",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
