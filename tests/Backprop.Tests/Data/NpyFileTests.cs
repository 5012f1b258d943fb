using System.IO.Compression;
using System.Text;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

public class NpyFileTests
{
    private static string NpyFixture(string name) => Path.Combine(DataTestFiles.Fixtures, "npy", name);

    [Fact]
    public void A_thousand_random_tensors_round_trip_through_npy_and_npz()
    {
        var random = new System.Random(77);
        var batch = new List<KeyValuePair<string, Tensor>>();
        for (int i = 0; i < 1000; i++)
        {
            var dtype = RandomArrays.NpyTypes[random.Next(RandomArrays.NpyTypes.Length)];
            var tensor = RandomArrays.Make(random, dtype, 0, 4);
            using var stream = new MemoryStream();
            NpyFile.Write(stream, tensor);
            Assert.Equal(0, (stream.Length - tensor.Length * dtype.SizeOf()) % 64);
            stream.Position = 0;
            RandomArrays.AssertIdentical(tensor, NpyFile.Read(stream, $"case {i}").Tensor);
            batch.Add(new($"a{i}", tensor));
            if (batch.Count == 50)
            {
                using var zip = new MemoryStream();
                NpzFile.Write(zip, batch, compress: i % 100 == 49);
                zip.Position = 0;
                var read = NpzFile.Read(zip, "batch.npz");
                Assert.Equal(batch.Select(b => b.Key), read.Keys);
                foreach (var (key, expected) in batch)
                {
                    RandomArrays.AssertIdentical(expected, read[key].Tensor);
                }

                batch.Clear();
            }
        }
    }

    [Theory]
    [InlineData("f4_2x3")]
    [InlineData("f8_fortran_3x4")]
    [InlineData("i4_fortran_2x3x4")]
    [InlineData("i8_5")]
    [InlineData("u1_4x1")]
    [InlineData("b1_3")]
    [InlineData("i1_3")]
    [InlineData("i2_2x2")]
    [InlineData("f4_big_endian_3")]
    [InlineData("f8_scalar")]
    [InlineData("f4_0x3")]
    [InlineData("f8_v2")]
    [InlineData("f8_v3")]
    public void Reads_files_written_by_numpy(string name)
    {
        var meta = DataTestFiles.Json("npy/npy_meta.json").GetProperty(name);
        var array = NpyFile.Read(NpyFixture(name + ".npy"));
        Assert.Equal(meta.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), array.Shape.ToArray());
        Assert.Equal(meta.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray(), array.Tensor.ToDoubleArray());
    }

    [Theory]
    [InlineData("f4_2x3")]
    [InlineData("i8_5")]
    [InlineData("u1_4x1")]
    [InlineData("i1_3")]
    [InlineData("i2_2x2")]
    [InlineData("f8_scalar")]
    [InlineData("f4_0x3")]
    [InlineData("b1_3")]
    public void Writes_the_same_bytes_as_numpy_save(string name)
    {
        byte[] expected = File.ReadAllBytes(NpyFixture(name + ".npy"));
        var array = NpyFile.Read(NpyFixture(name + ".npy"));
        using var stream = new MemoryStream();
        NpyFile.Write(stream, array.Tensor, array.FileDType);
        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void Reads_npz_written_by_savez_and_savez_compressed()
    {
        var stored = NpzFile.Read(NpyFixture("stored.npz"));
        Assert.Equal(["a", "b"], stored.Keys);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, stored["a"].As<float>().ToArray());
        Assert.Equal(new long[] { 1, 2, 3 }, stored["b"].As<long>().ToArray());
        var deflated = NpzFile.Read(NpyFixture("deflated.npz"));
        Assert.Equal(new Shape(5, 10), deflated["x"].Shape);
        Assert.Equal(1.0 / 49 * 13, deflated["x"].As<double>()[1, 3], 15);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, deflated["y"].As<byte>().ToArray());
    }

    [Fact]
    public void Object_arrays_written_with_pickle_are_refused()
    {
        var e = Assert.Throws<DataFormatException>(() => NpyFile.Read(NpyFixture("object.npy")));
        Assert.Contains("object.npy", e.Message, StringComparison.Ordinal);
        Assert.Contains("pickle", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], string> HostileFiles()
    {
        byte[] good = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
        return new TheoryData<string, byte[], string>
        {
            { "wrong magic", [0x93, .. "NUMPZ"u8, 1, 0, 0, 0], "magic" },
            { "version 4", [0x93, .. "NUMPY"u8, 4, 0, 0, 0], "version" },
            { "truncated prefix", [0x93, .. "NUM"u8], "magic string" },
            { "truncated header", good[..30], "NPY header" },
            { "truncated data", good[..^1], "bytes for shape" },
            { "trailing bytes", [.. good, 0], "bytes for shape" },
            { "oversized header", [0x93, .. "NUMPY"u8, 2, 0, .. BitConverter.GetBytes(200_000)], "10000" },
            { "product overflows", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", []), "64 bits" },
            { "too many elements", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", []), "elements" },
            { "rank five", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }", new byte[8]), "dimensions" },
            { "negative dimension", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", []), "non-negative" },
            { "object dtype", Npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "pickle" },
            { "structured dtype", Npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]), "structured" },
            { "unknown dtype", Npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]), "dtype" },
            { "code in header", Npy("{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (1,), }", []), "Python literal" },
            { "missing key", Npy("{'descr': '<f4', 'shape': (1,), }", new byte[4]), "header keys" },
            { "duplicate key", Npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]), "twice" },
            { "unclosed dict", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ", new byte[4]), "end of header" },
            { "text after dict", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", new byte[4]), "end of header" },
        };
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_npy_files_throw_DataFormatException_naming_file_and_reason(string what, byte[] bytes, string reason)
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), what.Replace(' ', '-') + ".npy");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => NpyFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil.npy")]
    [InlineData("dir/a.npy")]
    [InlineData("dir\\a.npy")]
    [InlineData("..npy")]
    public void Npz_members_with_paths_are_refused(string member)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(member).Open();
            NpyFile.Write(entry, Tensor.From(new float[] { 1 }, 1));
        }

        stream.Position = 0;
        var e = Assert.Throws<DataFormatException>(() => NpzFile.Read(stream, "paths.npz"));
        Assert.Contains("paths.npz", e.Message, StringComparison.Ordinal);
        Assert.Contains("member names", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Npz_zip_bomb_is_refused_before_decompressing()
    {
        // 1 GB of zeros declared by an npy header inside a deflated member whose local sizes are honest: the
        // member's declared size is checked against the cap before any data is inflated.
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("x.npy", CompressionLevel.Optimal).Open();
            entry.Write(Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (50000000,), }", []));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 47; i++)
            {
                entry.Write(zeros);
            }

            entry.Write(new byte[50000000 - (47 << 20)]);
        }

        stream.Position = 0;
        var e = Assert.Throws<DataFormatException>(() => NpzFile.Read(stream, "bomb.npz", new DataLimits { MaxBytes = 10_000_000 }));
        Assert.Contains("bomb.npz[x.npy]", e.Message, StringComparison.Ordinal);
        Assert.Contains("cap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Npz_member_whose_header_disagrees_with_its_declared_size_is_refused()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("x.npy", CompressionLevel.Optimal).Open();
            entry.Write(Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }", new byte[80]));
        }

        stream.Position = 0;
        var e = Assert.Throws<DataFormatException>(() => NpzFile.Read(stream, "liar.npz"));
        Assert.Contains("liar.npz[x.npy]", e.Message, StringComparison.Ordinal);
        Assert.Contains("for shape (1000000,) of <f8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_a_zip_is_a_DataFormatException()
    {
        var e = Assert.Throws<DataFormatException>(() => NpzFile.Read(new MemoryStream(Encoding.ASCII.GetBytes("hello, not a zip")), "plain.npz"));
        Assert.Contains("plain.npz", e.Message, StringComparison.Ordinal);
    }

    internal static byte[] Npy(string header, byte[] data)
    {
        byte[] text = Encoding.Latin1.GetBytes(header + "\n");
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)(text.Length & 0xFF), (byte)(text.Length >> 8), .. text, .. data];
    }
}
