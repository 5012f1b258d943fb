using System.Buffers.Binary;
using System.IO.Compression;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

public class IdxFileTests
{
    [Fact]
    public void A_thousand_random_tensors_round_trip_bit_for_bit()
    {
        var random = new System.Random(20240601);
        for (int i = 0; i < 1000; i++)
        {
            var dtype = RandomArrays.IdxTypes[random.Next(RandomArrays.IdxTypes.Length)];
            var tensor = RandomArrays.Make(random, dtype, 1, 4);
            bool gzip = i % 4 == 0;
            using var stream = new MemoryStream();
            IdxFile.Write(stream, tensor, gzip);
            stream.Position = 0;
            var read = IdxFile.Read(stream, $"case {i}");
            RandomArrays.AssertIdentical(tensor, read.Tensor);
        }
    }

    [Fact]
    public void Writes_big_endian_with_the_documented_header()
    {
        var tensor = Tensor.From(new[] { 1, -2, 258 }, 3);
        using var stream = new MemoryStream();
        IdxFile.Write(stream, tensor);
        Assert.Equal(new byte[] { 0, 0, 0x0C, 1, 0, 0, 0, 3, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 1, 2 }, stream.ToArray());
        Assert.Equal(new[] { 1.0, -2.0, 258.0 }, new DataArray(tensor, DType.Int32).As<double>().ToArray());
    }

    public static TheoryData<string, byte[], string> HostileFiles()
    {
        byte[] valid = Header(0x08, 2, 3) .Concat(new byte[6]).ToArray();
        return new TheoryData<string, byte[], string>
        {
            { "wrong magic", [1, 0, 0x08, 1, 0, 0, 0, 1, 5], "magic" },
            { "unknown type", [0, 0, 0x07, 1, 0, 0, 0, 1, 5], "type code" },
            { "rank zero", [0, 0, 0x08, 0, 5], "rank" },
            { "rank five", [.. Header(0x08, 1, 1, 1, 1, 1), 0], "rank" },
            { "truncated header", [0, 0, 0x08, 2, 0, 0], "IDX dimensions" },
            { "truncated data", valid[..^1], "bytes for shape" },
            { "trailing bytes", [.. valid, 9], "bytes for shape" },
            { "product overflows", Header(0x0E, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF), "64 bits" },
            { "over int elements", Header(0x08, 70000, 70000), "elements" },
            { "empty file", [], "IDX magic number" },
        };
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_files_throw_DataFormatException_naming_file_and_reason(string what, byte[] bytes, string reason)
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), what.Replace(' ', '-') + ".idx");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Offset);
    }

    [Fact]
    public void Gzip_whose_declared_size_disagrees_with_the_trailer_is_refused_before_allocating()
    {
        // A tiny gzip stream whose IDX header claims 400 MB: refused by the deflate ratio and ISIZE checks.
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Header(0x08, 20000, 20000));
        }

        stream.Position = 0;
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(stream, "bomb.idx.gz"));
        Assert.Contains("bomb.idx.gz (decompressed)", e.Message, StringComparison.Ordinal);
        Assert.Contains("deflate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_gzip_is_a_DataFormatException()
    {
        using var stream = new MemoryStream();
        IdxFile.Write(stream, Tensor.From(new float[200], 10, 20), gzip: true);
        byte[] bytes = stream.ToArray();
        bytes[12] ^= 0xFF;
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream(bytes), "corrupt.gz"));
        Assert.Contains("corrupt.gz", e.Message, StringComparison.Ordinal);
    }

    internal static byte[] Header(byte type, params uint[] dimensions)
    {
        byte[] header = new byte[4 + (4 * dimensions.Length)];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        return header;
    }
}
