using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Backprop.Data.Formats;

/// <summary>Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0), as <c>np.load</c> /
/// <c>np.save</c> with <c>allow_pickle=False</c>. Element types: <c>&lt;f4 &lt;f8 &lt;i4 &lt;i8 &lt;i2 |i1 |u1
/// |b1</c> (and their big-endian forms); C and Fortran order (Fortran data is reordered to row-major); rank 0 to 4.
/// The header is at most 10,000 bytes (numpy's cap) and is parsed as a strict Python literal, never evaluated;
/// object arrays, pickles and structured dtypes are refused. The data must fill the rest of the file exactly; its
/// declared size is checked against the file length and <see cref="DataLimits"/> before anything is allocated.
/// Memory: the result plus a constant (twice the result for Fortran-order files, which are reordered).</summary>
public static class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a <c>.npy</c> file into a tensor of its own element type.</summary>
    /// <exception cref="DataFormatException">The file is not a well-formed, supported <c>.npy</c> file.</exception>
    public static DataArray Read(string path, DataLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, limits);
    }

    /// <summary>Reads a <c>.npy</c> file and converts it to <typeparamref name="T"/> if its type differs.</summary>
    public static Tensor<T> ReadAs<T>(string path, DataLimits? limits = null)
        where T : unmanaged, INumber<T> => Read(path, limits).As<T>();

    /// <summary>Reads <c>.npy</c> data from a stream; <paramref name="name"/> names it in errors.</summary>
    public static DataArray Read(Stream stream, string name, DataLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        limits ??= DataLimits.Default;
        stream = SeekableSource.Ensure(stream, limits.MaxBytes + DataLimits.HeaderAllowanceBytes, name);
        return Read(stream, name, stream.Length - stream.Position, limits);
    }

    /// <summary>Reads exactly <paramref name="available"/> bytes of <c>.npy</c> data from a stream that need not
    /// seek (a zip member): the header is checked against that length before the data is allocated.</summary>
    internal static DataArray Read(Stream stream, string name, long available, DataLimits limits)
    {
        var header = ReadHeader(stream, name);
        long dataBytes = ElementBytes.CheckedDataBytes(header.Dimensions, header.DType.SizeOf(), limits, name, header.DataOffset);
        long total = header.DataOffset + dataBytes;
        if (total != available)
        {
            throw DataFormatException.AtOffset(name, Math.Min(total, available), $"{total} bytes for shape {FormatShape(header.Dimensions)} of {header.Descr}", $"{available} bytes of data");
        }

        int[] dimensions = Array.ConvertAll(header.Dimensions, d => (int)d);
        var shape = new Shape(header.FortranOrder ? Reversed(dimensions) : dimensions);
        Tensor tensor = ElementBytes.Allocate(header.DType, shape);
        Span<byte> data = ElementBytes.Bytes(tensor);
        ElementBytes.ReadExactly(stream, data, name, header.DataOffset, "array data");
        ElementBytes.ExpectEnd(stream, name, total);
        int size = header.DType.SizeOf();
        if (size > 1 && header.BigEndian == BitConverter.IsLittleEndian)
        {
            ElementBytes.SwapInPlace(data, size);
        }

        if (header.DType == DType.Bool)
        {
            foreach (ref byte b in data)
            {
                b = b == 0 ? (byte)0 : (byte)1;
            }
        }

        if (header.FortranOrder && dimensions.Length > 1)
        {
            tensor = ToRowMajor(tensor, dimensions);
        }

        return new DataArray(tensor, header.DType);
    }

    /// <summary>Writes a tensor as a version 1.0 <c>.npy</c> file (2.0 if the header would not fit), byte for
    /// byte as numpy's <c>np.save</c> writes it. A <c>Tensor&lt;byte&gt;</c> is stored as <c>|u1</c>, or as
    /// <c>|b1</c> when <paramref name="fileDType"/> is <see cref="DType.Bool"/>.</summary>
    public static void Write(string path, Tensor tensor, DType? fileDType = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.Create(path);
        Write(stream, tensor, fileDType);
    }

    /// <summary>Writes a tensor as <c>.npy</c> data to a stream.</summary>
    public static void Write(Stream stream, Tensor tensor, DType? fileDType = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        DType dtype = fileDType ?? tensor.DType;
        if (dtype != tensor.DType && !(dtype == DType.Bool && tensor.DType == DType.UInt8))
        {
            throw new ArgumentException($"A {tensor.DType.Name()} tensor cannot be stored as {dtype.Name()}.", nameof(fileDType));
        }

        int[] shape = tensor.Shape.ToArray();
        string dict = $"{{'descr': '{Descr(dtype)}', 'fortran_order': False, 'shape': {FormatShape(Array.ConvertAll(shape, d => (long)d))}, }}";
        if (shape.Length > 0)
        {
            // numpy leaves room for the first axis to grow in place (GROWTH_AXIS_MAX_DIGITS = 21).
            dict += new string(' ', Math.Max(0, 21 - shape[0].ToString(System.Globalization.CultureInfo.InvariantCulture).Length));
        }

        int prefix = 10;
        int version = 1;
        int padded = Align(prefix, dict.Length);
        if (padded > ushort.MaxValue)
        {
            prefix = 12;
            version = 2;
            padded = Align(prefix, dict.Length);
        }

        byte[] head = new byte[prefix + padded];
        Magic.CopyTo(head);
        head[6] = (byte)version;
        head[7] = 0;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), (ushort)padded);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), (uint)padded);
        }

        Encoding.Latin1.GetBytes(dict, head.AsSpan(prefix));
        head.AsSpan(prefix + dict.Length, padded - dict.Length - 1).Fill((byte)' ');
        head[^1] = (byte)'\n';
        stream.Write(head);
        ReadOnlySpan<byte> data = ElementBytes.Bytes(tensor);
        if (BitConverter.IsLittleEndian || dtype.SizeOf() == 1)
        {
            stream.Write(data);
        }
        else
        {
            byte[] copy = data.ToArray();
            ElementBytes.SwapInPlace(copy, dtype.SizeOf());
            stream.Write(copy);
        }
    }

    private static int Align(int prefix, int dictLength)
    {
        int withNewline = dictLength + 1;
        int pad = 64 - ((prefix + withNewline) % 64);
        return withNewline + pad;
    }

    private sealed record Header(DType DType, string Descr, bool BigEndian, bool FortranOrder, long[] Dimensions, long DataOffset);

    private static Header ReadHeader(Stream stream, string name)
    {
        Span<byte> prefix = stackalloc byte[8];
        ElementBytes.ReadExactly(stream, prefix, name, 0, "the NPY magic string and version");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw DataFormatException.AtOffset(name, 0, "the NPY magic \\x93NUMPY", Convert.ToHexString(prefix[..6]));
        }

        byte major = prefix[6];
        byte minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw DataFormatException.AtOffset(name, 6, "NPY format version 1.0, 2.0 or 3.0", $"{major}.{minor}");
        }

        long headerLength;
        int lengthBytes = major == 1 ? 2 : 4;
        Span<byte> lengthField = stackalloc byte[4];
        ElementBytes.ReadExactly(stream, lengthField[..lengthBytes], name, 8, "the NPY header length");
        headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > DataLimits.MaxNpyHeaderBytes)
        {
            throw DataFormatException.AtOffset(name, 8, $"a header of at most {DataLimits.MaxNpyHeaderBytes} bytes (numpy's cap)", $"{headerLength} bytes");
        }

        long headerStart = 8 + lengthBytes;
        byte[] headerBytes = new byte[headerLength];
        ElementBytes.ReadExactly(stream, headerBytes, name, headerStart, "the NPY header");
        string text;
        if (major == 3)
        {
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
            }
            catch (DecoderFallbackException e)
            {
                throw DataFormatException.AtOffset(name, headerStart + Math.Max(0, e.Index), "a UTF-8 header", "invalid UTF-8", e);
            }
        }
        else
        {
            text = Encoding.Latin1.GetString(headerBytes);
        }

        var dict = PythonLiteral.ParseDict(text, name, headerStart);
        string[] keys = ["descr", "fortran_order", "shape"];
        if (dict.Count != 3 || !keys.All(dict.ContainsKey))
        {
            throw DataFormatException.AtOffset(name, headerStart, "header keys exactly 'descr', 'fortran_order', 'shape'", $"keys {string.Join(", ", dict.Keys.Select(k => $"'{k}'"))}");
        }

        if (dict["descr"] is not string descr)
        {
            throw DataFormatException.AtOffset(name, headerStart, "a simple dtype string in 'descr'", dict["descr"] is List<object?> ? "a structured dtype (list of fields)" : Describe(dict["descr"]));
        }

        (DType dtype, bool bigEndian) = ParseDescr(descr, name, headerStart);
        if (dict["fortran_order"] is not bool fortran)
        {
            throw DataFormatException.AtOffset(name, headerStart, "True or False in 'fortran_order'", Describe(dict["fortran_order"]));
        }

        if (dict["shape"] is not PythonLiteral.Tuple shapeTuple)
        {
            throw DataFormatException.AtOffset(name, headerStart, "a tuple in 'shape'", Describe(dict["shape"]));
        }

        if (shapeTuple.Items.Count > Shape.MaxRank)
        {
            throw DataFormatException.AtOffset(name, headerStart, $"at most {Shape.MaxRank} dimensions (the tensor limit)", $"{shapeTuple.Items.Count} dimensions");
        }

        long[] dimensions = new long[shapeTuple.Items.Count];
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (shapeTuple.Items[i] is not long d || d < 0)
            {
                throw DataFormatException.AtOffset(name, headerStart, "non-negative integer dimensions in 'shape'", Describe(shapeTuple.Items[i]));
            }

            dimensions[i] = d;
        }

        return new Header(dtype, descr, bigEndian, fortran, dimensions, headerStart + headerLength);
    }

    private static (DType DType, bool BigEndian) ParseDescr(string descr, string name, long offset)
    {
        if (descr.Length is < 2 or > 3 || descr.Contains('O', StringComparison.Ordinal))
        {
            string found = descr.Contains('O', StringComparison.Ordinal) ? $"'{descr}' (object arrays need pickle and are always refused)" : $"'{descr}'";
            throw DataFormatException.AtOffset(name, offset, "a dtype among <f4 <f8 <i2 <i4 <i8 |i1 |u1 |b1", found);
        }

        char order = descr.Length == 3 ? descr[0] : '|';
        string kind = descr.Length == 3 ? descr[1..] : descr;
        DType? dtype = kind switch
        {
            "f4" => DType.Float32,
            "f8" => DType.Float64,
            "i2" => DType.Int16,
            "i4" => DType.Int32,
            "i8" => DType.Int64,
            "i1" => DType.Int8,
            "u1" => DType.UInt8,
            "b1" => DType.Bool,
            _ => null,
        };
        bool oneByte = dtype is DType.Int8 or DType.UInt8 or DType.Bool;
        bool orderOk = order is '<' or '>' or '|' or '=' && (oneByte || order != '|');
        if (dtype is null || !orderOk)
        {
            throw DataFormatException.AtOffset(name, offset, "a dtype among <f4 <f8 <i2 <i4 <i8 |i1 |u1 |b1", $"'{descr}'");
        }

        return (dtype.Value, order == '>');
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PythonLiteral.Tuple => "a tuple",
        List<object?> => "a list",
        _ => "a dict",
    };

    internal static string Descr(DType dtype) => dtype switch
    {
        DType.Float32 => "<f4",
        DType.Float64 => "<f8",
        DType.Int16 => "<i2",
        DType.Int32 => "<i4",
        DType.Int64 => "<i8",
        DType.Int8 => "|i1",
        DType.UInt8 => "|u1",
        DType.Bool => "|b1",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "No NPY descr."),
    };

    private static string FormatShape(long[] dimensions) => dimensions.Length switch
    {
        0 => "()",
        1 => $"({dimensions[0]},)",
        _ => "(" + string.Join(", ", dimensions) + ")",
    };

    private static int[] Reversed(int[] dimensions)
    {
        int[] r = (int[])dimensions.Clone();
        Array.Reverse(r);
        return r;
    }

    /// <summary>Fortran-order data read as a row-major tensor of the reversed shape is the transpose of the
    /// array; reversing the axes gives the row-major array of <paramref name="dimensions"/>.</summary>
    private static Tensor ToRowMajor(Tensor reversed, int[] dimensions)
    {
        var result = ElementBytes.Allocate(reversed.DType, new Shape(dimensions));
        int size = reversed.DType.SizeOf();
        ReadOnlySpan<byte> from = ElementBytes.Bytes(reversed);
        Span<byte> to = ElementBytes.Bytes(result);
        int rank = dimensions.Length;
        Span<int> d = stackalloc int[4];
        d.Fill(1);
        for (int i = 0; i < rank; i++)
        {
            d[4 - rank + i] = dimensions[i];
        }

        // Column-major strides for the padded 4-d shape (the padded leading axes have extent 1).
        int s3 = d[0] * d[1] * d[2];
        int s2 = d[0] * d[1];
        int s1 = d[0];
        int target = 0;
        for (int i0 = 0; i0 < d[0]; i0++)
        {
            for (int i1 = 0; i1 < d[1]; i1++)
            {
                for (int i2 = 0; i2 < d[2]; i2++)
                {
                    for (int i3 = 0; i3 < d[3]; i3++)
                    {
                        int source = i0 + (i1 * s1) + (i2 * s2) + (i3 * s3);
                        from.Slice(source * size, size).CopyTo(to.Slice(target * size, size));
                        target++;
                    }
                }
            }
        }

        return result;
    }
}
