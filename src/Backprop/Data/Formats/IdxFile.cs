using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;

namespace Backprop.Data.Formats;

/// <summary>Reads and writes IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c>):
/// two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the
/// rank, one big-endian uint32 per dimension, then the big-endian elements. Files may be gzip-compressed (detected by
/// the bytes 1f 8b; one gzip member or several). Ranks 1 to 4 are accepted (the tensor limit). Every declared size is
/// checked against the file length, the gzip trailer (or, when the trailer disagrees, as in a multi-member file, the
/// decompressed length counted in a first pass) and <see cref="DataLimits"/> before anything is allocated; the data
/// must end exactly where declared. Memory: the result plus a constant.</summary>
public static class IdxFile
{
    /// <summary>Reads an IDX file (raw or gzip) into a tensor of its own element type.</summary>
    /// <exception cref="DataFormatException">The file is not a well-formed IDX file.</exception>
    public static DataArray Read(string path, DataLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, limits);
    }

    /// <summary>Reads an IDX file and converts it to <typeparamref name="T"/> if its type differs.</summary>
    public static Tensor<T> ReadAs<T>(string path, DataLimits? limits = null)
        where T : unmanaged, INumber<T> => Read(path, limits).As<T>();

    /// <summary>Reads IDX data (raw or gzip) from a stream; <paramref name="name"/> names it in errors.</summary>
    public static DataArray Read(Stream stream, string name, DataLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        limits ??= DataLimits.Default;
        stream = SeekableSource.Ensure(stream, limits.MaxBytes + DataLimits.HeaderAllowanceBytes, name);
        long length = stream.Length - stream.Position;
        Span<byte> magic = stackalloc byte[2];
        int got = stream.Read(magic);
        stream.Seek(-got, SeekOrigin.Current);
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            return ReadGzip(stream, name, length, limits);
        }

        return ReadBody(stream, name, length, limits);
    }

    /// <summary>Writes a tensor as an IDX file (big-endian), gzip-compressed when <paramref name="gzip"/> is set.
    /// Rank 1 to 4; element types uint8, int8, int16, int32, float32, float64.</summary>
    public static void Write(string path, Tensor tensor, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.Create(path);
        Write(stream, tensor, gzip);
    }

    /// <summary>Writes a tensor as IDX data to a stream.</summary>
    public static void Write(Stream stream, Tensor tensor, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank is < 1 or > 4)
        {
            throw new ArgumentException($"IDX holds tensors of rank 1 to 4; got rank {tensor.Rank}.", nameof(tensor));
        }

        byte code = TypeCode(tensor.DType);
        if (gzip)
        {
            using var compressed = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            WriteBody(compressed, tensor, code);
        }
        else
        {
            WriteBody(stream, tensor, code);
        }
    }

    private static void WriteBody(Stream stream, Tensor tensor, byte code)
    {
        Span<byte> header = stackalloc byte[4 + (4 * tensor.Rank)];
        header[0] = 0;
        header[1] = 0;
        header[2] = code;
        header[3] = (byte)tensor.Rank;
        for (int axis = 0; axis < tensor.Rank; axis++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + (4 * axis))..], tensor.Shape[axis]);
        }

        stream.Write(header);
        int size = tensor.DType.SizeOf();
        ReadOnlySpan<byte> data = ElementBytes.Bytes(tensor);
        if (size == 1 || !BitConverter.IsLittleEndian)
        {
            stream.Write(data);
            return;
        }

        byte[] chunk = new byte[Math.Min(data.Length, 1 << 16)];
        for (int start = 0; start < data.Length; start += chunk.Length)
        {
            int n = Math.Min(chunk.Length, data.Length - start);
            data.Slice(start, n).CopyTo(chunk);
            ElementBytes.SwapInPlace(chunk.AsSpan(0, n), size);
            stream.Write(chunk, 0, n);
        }
    }

    private static DataArray ReadGzip(Stream stream, string name, long compressedLength, DataLimits limits)
    {
        // The gzip trailer's ISIZE is the decompressed length mod 2^32: a cheap cross-check of the declared shape.
        long start = stream.Position;
        if (compressedLength < 18)
        {
            throw DataFormatException.AtOffset(name, compressedLength, "a gzip stream of at least 18 bytes", $"{compressedLength} bytes");
        }

        Span<byte> trailer = stackalloc byte[4];
        stream.Seek(start + compressedLength - 4, SeekOrigin.Begin);
        ElementBytes.ReadExactly(stream, trailer, name, compressedLength - 4, "gzip trailer");
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        stream.Seek(start, SeekOrigin.Begin);

        string inner = name + " (decompressed)";
        long deflateBound = DataLimits.DeflateBound(compressedLength);
        long bound = Math.Min(Math.Min(limits.MaxBytes + 4 + 16, limits.MaxInputBytes), deflateBound);
        string reason = bound == deflateBound ? "what deflate can produce from the compressed file" : "DataLimits";

        // Only the last member's length is in the trailer, so a multi-member file disagrees with it: then every
        // member is walked (inflated, nothing kept; CRC-32 and length checked; the last trailer must end the file)
        // and the declared size is trusted only if the members hold exactly that much.
        string? CheckTotal(long total)
        {
            if ((uint)total == isize)
            {
                return null;
            }

            long resume = stream.Position;
            (string? problem, long actual) = GzipInput.WalkMembers(stream, start, total);
            stream.Seek(resume, SeekOrigin.Begin);
            return problem ?? (actual == total ? null : $"{(actual > total ? "more than " : string.Empty)}{actual} decompressed bytes in the gzip stream (trailer size {isize} mod 2^32)");
        }

        using var gzip = new GzipInput(stream, name, bound, reason);
        return ReadBody(gzip, inner, null, limits, bound, CheckTotal);
    }

    private static DataArray ReadBody(Stream stream, string name, long? length, DataLimits limits, long decompressedBound = long.MaxValue, Func<long, string?>? checkTotal = null)
    {
        Span<byte> head = stackalloc byte[4];
        ElementBytes.ReadExactly(stream, head, name, 0, "IDX magic number");
        if (head[0] != 0 || head[1] != 0)
        {
            throw DataFormatException.AtOffset(name, 0, "IDX magic 00 00", $"{head[0]:x2} {head[1]:x2}");
        }

        DType dtype = head[2] switch
        {
            0x08 => DType.UInt8,
            0x09 => DType.Int8,
            0x0B => DType.Int16,
            0x0C => DType.Int32,
            0x0D => DType.Float32,
            0x0E => DType.Float64,
            _ => throw DataFormatException.AtOffset(name, 2, "an IDX type code (08, 09, 0B, 0C, 0D, 0E)", $"0x{head[2]:x2}"),
        };

        int rank = head[3];
        if (rank is < 1 or > Shape.MaxRank)
        {
            throw DataFormatException.AtOffset(name, 3, $"rank 1 to {Shape.MaxRank}", $"rank {rank}");
        }

        Span<byte> dimensionBytes = stackalloc byte[4 * rank];
        ElementBytes.ReadExactly(stream, dimensionBytes, name, 4, "IDX dimensions");
        Span<long> dimensions = stackalloc long[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            dimensions[axis] = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes[(4 * axis)..]);
        }

        long headerBytes = 4 + (4 * rank);
        int size = dtype.SizeOf();
        long dataBytes = ElementBytes.CheckedDataBytes(dimensions, size, limits, name, 4);
        long total = headerBytes + dataBytes;
        if (length is long available && total != available)
        {
            throw DataFormatException.AtOffset(name, Math.Min(total, available), $"{total} bytes for shape ({string.Join(", ", dimensions.ToArray())}) of {dtype.Name()}", $"a file of {available} bytes");
        }

        if (total > decompressedBound)
        {
            throw DataFormatException.AtOffset(name, 4, $"a declared size deflate can produce from the compressed file (at most {decompressedBound} bytes)", $"{total} bytes");
        }

        if (checkTotal?.Invoke(total) is { } mismatch)
        {
            throw DataFormatException.AtOffset(name, 4, $"{total} bytes for shape ({string.Join(", ", dimensions.ToArray())}) of {dtype.Name()}", mismatch);
        }

        int[] shape = new int[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            shape[axis] = (int)dimensions[axis];
        }

        Tensor tensor = ElementBytes.Allocate(dtype, new Shape(shape));
        Span<byte> data = ElementBytes.Bytes(tensor);
        ElementBytes.ReadExactly(stream, data, name, headerBytes, "IDX data");
        ElementBytes.ExpectEnd(stream, name, total);
        if (size > 1 && BitConverter.IsLittleEndian)
        {
            ElementBytes.SwapInPlace(data, size);
        }

        return new DataArray(tensor, dtype);
    }

    private static byte TypeCode(DType dtype) => dtype switch
    {
        DType.UInt8 => 0x08,
        DType.Int8 => 0x09,
        DType.Int16 => 0x0B,
        DType.Int32 => 0x0C,
        DType.Float32 => 0x0D,
        DType.Float64 => 0x0E,
        _ => throw new ArgumentException($"IDX cannot store {dtype.Name()} elements."),
    };
}
