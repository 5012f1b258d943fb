using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backprop.Data.Formats;

/// <summary>Raw element storage shared by the binary readers and writers: allocate a tensor for a
/// <see cref="DType"/>, see its elements as bytes, swap byte order in place.</summary>
internal static class ElementBytes
{
    public static Tensor Allocate(DType dtype, Shape shape) => dtype switch
    {
        DType.Float32 => new Tensor<float>(shape),
        DType.Float64 => new Tensor<double>(shape),
        DType.UInt8 or DType.Bool => new Tensor<byte>(shape),
        DType.Int8 => new Tensor<sbyte>(shape),
        DType.Int16 => new Tensor<short>(shape),
        DType.Int32 => new Tensor<int>(shape),
        DType.Int64 => new Tensor<long>(shape),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    public static Span<byte> Bytes(Tensor tensor) => tensor switch
    {
        Tensor<float> t => MemoryMarshal.AsBytes(t.AsSpan()),
        Tensor<double> t => MemoryMarshal.AsBytes(t.AsSpan()),
        Tensor<byte> t => t.AsSpan(),
        Tensor<sbyte> t => MemoryMarshal.AsBytes(t.AsSpan()),
        Tensor<short> t => MemoryMarshal.AsBytes(t.AsSpan()),
        Tensor<int> t => MemoryMarshal.AsBytes(t.AsSpan()),
        Tensor<long> t => MemoryMarshal.AsBytes(t.AsSpan()),
        _ => throw new NotSupportedException($"Tensors of {tensor.DType.Name()} cannot be stored in a data file."),
    };

    /// <summary>Reverses the byte order of every element of <paramref name="bytes"/> (elements of
    /// <paramref name="elementSize"/> bytes).</summary>
    public static void SwapInPlace(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                var s = MemoryMarshal.Cast<byte, short>(bytes);
                BinaryPrimitives.ReverseEndianness(s, s);
                break;
            case 4:
                var i = MemoryMarshal.Cast<byte, int>(bytes);
                BinaryPrimitives.ReverseEndianness(i, i);
                break;
            case 8:
                var l = MemoryMarshal.Cast<byte, long>(bytes);
                BinaryPrimitives.ReverseEndianness(l, l);
                break;
        }
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="source"/> or throws a
    /// <see cref="DataFormatException"/> saying how many bytes were missing at <paramref name="offset"/>.</summary>
    public static void ReadExactly(Stream source, Span<byte> destination, string file, long offset, string what)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = source.Read(destination[total..]);
            if (n == 0)
            {
                throw DataFormatException.AtOffset(file, offset + total, $"{destination.Length} bytes of {what}", $"end of data after {total}");
            }

            total += n;
        }
    }

    /// <summary>Throws when <paramref name="source"/> holds anything after the data just read.</summary>
    public static void ExpectEnd(Stream source, string file, long offset)
    {
        Span<byte> one = stackalloc byte[1];
        if (source.Read(one) != 0)
        {
            throw DataFormatException.AtOffset(file, offset, "end of data", "trailing bytes");
        }
    }

    /// <summary>Number of bytes of the elements of <paramref name="dimensions"/>, each of <paramref name="elementSize"/> bytes, or a
    /// <see cref="DataFormatException"/> when a dimension does not fit a tensor (2³¹ − 1; checked one by one, so a zero
    /// next to a huge dimension is refused too), the product overflows, or the array exceeds
    /// <see cref="DataLimits.MaxBytes"/>.</summary>
    public static long CheckedDataBytes(ReadOnlySpan<long> dimensions, int elementSize, DataLimits limits, string file, long offset)
    {
        string shape = $"shape ({string.Join(", ", dimensions.ToArray())})";
        foreach (long d in dimensions)
        {
            if (d < 0)
            {
                throw DataFormatException.AtOffset(file, offset, "non-negative dimensions", $"dimension {d}");
            }
        }

        long elements = 1;
        foreach (long d in dimensions)
        {
            try
            {
                elements = checked(elements * d);
            }
            catch (OverflowException)
            {
                throw DataFormatException.AtOffset(file, offset, "dimensions whose product fits in 64 bits", shape);
            }
        }

        foreach (long d in dimensions)
        {
            if (d > int.MaxValue)
            {
                throw DataFormatException.AtOffset(file, offset, $"dimensions of at most {int.MaxValue} (the tensor limit)", $"dimension {d} in {shape}");
            }
        }

        if (elements > Array.MaxLength)
        {
            throw DataFormatException.AtOffset(file, offset, $"at most {Array.MaxLength} elements", $"{elements} elements");
        }

        long bytes = elements * elementSize;
        if (bytes > limits.MaxBytes)
        {
            throw DataFormatException.AtOffset(file, offset, $"at most {limits.MaxBytes} bytes of data (DataLimits.MaxBytes)", $"{bytes} bytes declared by {shape}");
        }

        return bytes;
    }
}
