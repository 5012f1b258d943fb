using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Backprop.Models;
using Backprop.Serialization;

namespace Backprop.Tests.Serialization;

/// <summary>Hand-made malformed files, one per rule: each is refused with a <see cref="ModelFormatException"/> that
/// names the file and says what is wrong.</summary>
public sealed class HostileFileTests
{
    private static byte[] Safetensors(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static ModelFormatException Refused(byte[] bytes) =>
        Assert.Throws<ModelFormatException>(() => SafeTensors.Read(new MemoryStream(bytes), "bad.safetensors"));

    public static TheoryData<string, string, int, string> BadHeaders() => new()
    {
        { "invalid JSON", "{\"a\": {\"dtype\": \"F32\"", 0, "invalid JSON" },
        { "not an object", "[1, 2]", 0, "expected a JSON object starting with '{'" },
        { "duplicate key", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "appears twice" },
        { "unknown dtype", "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "unknown dtype \"F33\"" },
        { "unsupported dtype", "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "not supported by Backprop" },
        { "shape × dtype ≠ range", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2, 3],\"data_offsets\":[0,24]}}", 24, "needs 48 bytes but data_offsets [0, 24] hold 24" },
        { "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap" },
        { "hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "leave a hole" },
        { "begin after end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8, "begin ≤ end" },
        { "data past the end", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "run past the end of the data" },
        { "bytes after the last tensor", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9, "after the last tensor" },
        { "rank 5", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1,1,1,1,1],\"data_offsets\":[0,1]}}", 1, "rank 5" },
        { "negative dimension", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", 1, "integers in [0" },
        { "overflowing shape", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647, 2147483647],\"data_offsets\":[0,8]}}", 8, "more than 2147483647 elements" },
        { "extra key", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"code\":\"rm -rf\"}}", 4, "unexpected or repeated key \"code\"" },
        { "metadata not strings", "{\"__metadata__\":{\"a\":1}}", 0, "expected a string" },
        { "tampered data", "{\"__metadata__\":{\"data_sha256\":\"00\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "SHA-256 differs" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Malformed_safetensors_are_refused(string what, string header, int dataBytes, string expected)
    {
        var e = Refused(Safetensors(header, dataBytes));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {e.Message}");
    }

    [Fact]
    public void Header_length_beyond_the_file_or_the_cap_is_refused_before_allocating()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 9);
        Assert.Contains("runs past the end", Refused(bytes).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("exceeds the 100000000-byte cap", Refused(bytes).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("expected an 8-byte header length", Refused([1, 2, 3]).Message);
    }

    [Fact]
    public void A_valid_file_reads_back_every_dtype_bit_for_bit()
    {
        var f = Tensor.From(new float[] { 1.5f, float.NaN, -0f, float.Epsilon }, 2, 2);
        var d = Tensor<double>.Wrap([Math.PI, double.NegativeInfinity, 1e-310], new Shape(3));
        var l = Tensor<long>.Wrap([long.MinValue, 7], new Shape(2, 1, 1));
        var b = Tensor<byte>.Wrap([], new Shape(0, 4));
        var s = new Tensor<double>(Shape.Scalar);
        var state = new StateDict();
        state.Set("f", f);
        state.Set("d", d);
        state.Set("l", l);
        state.Set("b", b);
        state.Set("s", s);
        byte[] bytes = SafeTensors.ToBytes(state.Entries, new Dictionary<string, string> { ["note"] = "x" });
        Assert.Equal(0, (BinaryPrimitives.ReadInt64LittleEndian(bytes) + 8) % 8);
        var (read, metadata) = SafeTensors.Read(new MemoryStream(bytes), "ok");
        Assert.Equal(["f", "d", "l", "b", "s"], read.Keys);
        Assert.True(SaveLoadKit.SameBits(state.Entries.Select(e => e.Value).ToArray(), read.Entries.Select(e => e.Value).ToArray()));
        Assert.Equal("x", metadata["note"]);
    }

    private static byte[] ValidModelFile()
    {
        string path = SaveLoadKit.TempPath("m.keras");
        try
        {
            SaveLoadKit.Model("dense", DType.Float32, 1).Save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The valid model file with one entry replaced, removed or added (metadata.json left as it was).</summary>
    private static byte[] EditZip(Action<ZipArchive> edit)
    {
        using var stream = new MemoryStream();
        stream.Write(ValidModelFile());
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            edit(zip);
        }

        return stream.ToArray();
    }

    private static ModelFormatException RefusedModel(byte[] bytes) =>
        Assert.Throws<ModelFormatException>(() => ModelSaving.Load(new MemoryStream(bytes), "bad.keras"));

    private static void Add(ZipArchive zip, string name, byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var s = zip.CreateEntry(name, level).Open();
        s.Write(content);
    }

    [Fact]
    public void Zip_entries_with_absolute_or_parent_paths_or_unknown_names_are_refused()
    {
        Assert.Contains("absolute path or a path with '..'", RefusedModel(EditZip(z => Add(z, "../../etc/passwd", [1]))).Message);
        Assert.Contains("absolute path or a path with '..'", RefusedModel(EditZip(z => Add(z, "/tmp/x", [1]))).Message);
        Assert.Contains("unexpected entry", RefusedModel(EditZip(z => Add(z, "model.weights.h5", [1]))).Message);
    }

    [Fact]
    public void Zip_bombs_are_refused_from_their_declared_sizes()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = RefusedModel(EditZip(z =>
        {
            z.GetEntry("model.safetensors")!.Delete();
            Add(z, "model.safetensors", new byte[64 << 20], CompressionLevel.SmallestSize);
        }));
        Assert.Contains("compression ratio over 200", e.Message);
        Assert.Contains("bad.keras", e.Message);
        // Building the bomb allocated 64 MiB here; reading it must not have allocated it again.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 3L * (64 << 20));
    }

    [Fact]
    public void Changed_entries_and_foreign_or_truncated_files_are_refused()
    {
        Assert.Contains("SHA-256 differs", RefusedModel(EditZip(z =>
        {
            var config = z.GetEntry("config.json")!;
            string text;
            using (var r = new StreamReader(config.Open()))
            {
                text = r.ReadToEnd();
            }

            config.Delete();
            Add(z, "config.json", Encoding.UTF8.GetBytes(text.Replace("\"tanh\"", "\"relu\"", StringComparison.Ordinal)));
        })).Message);
        Assert.Contains("missing from the file", RefusedModel(EditZip(z => z.GetEntry("model.safetensors")!.Delete())).Message);
        Assert.Contains("not a readable zip file", RefusedModel(Encoding.UTF8.GetBytes("PK\u0003\u0004 not really a zip")).Message);
        byte[] valid = ValidModelFile();
        Assert.Contains("not a readable zip file", RefusedModel(valid[..(valid.Length / 2)]).Message);
        Assert.Contains("no metadata.json", RefusedModel(EditZip(z => z.GetEntry("metadata.json")!.Delete())).Message);
    }

    [Fact]
    public void Unregistered_layer_classes_are_never_instantiated()
    {
        // A consistent file (hashes recomputed) whose config names a class nobody registered.
        var model = SaveLoadKit.Model("dense", DType.Float32, 1);
        var entries = ModelSaving.Entries(model);
        int i = entries.FindIndex(e => e.Key == "config.json");
        string config = Encoding.UTF8.GetString(entries[i].Value).Replace("\"PReLU\"", "\"System.Diagnostics.Process\"", StringComparison.Ordinal);
        entries[i] = new("config.json", Encoding.UTF8.GetBytes(config));
        string path = SaveLoadKit.TempPath("evil.keras");
        try
        {
            ModelArchiveAccess.Write(path, entries);
            var e = Assert.Throws<ModelFormatException>(() => Sequential.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("System.Diagnostics.Process", e.Message);
            Assert.Contains("Dense", e.Message); // lists the registered classes
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_from_a_newer_format_version_is_refused_by_name()
    {
        var e = RefusedModel(EditZip(z =>
        {
            var metadata = z.GetEntry("metadata.json")!;
            string text;
            using (var r = new StreamReader(metadata.Open()))
            {
                text = r.ReadToEnd();
            }

            metadata.Delete();
            Add(z, "metadata.json", Encoding.UTF8.GetBytes(text.Replace("\"format_version\": 1", "\"format_version\": 7", StringComparison.Ordinal)));
        }));
        Assert.Contains("format version 7 was written by a newer Backprop", e.Message);
    }

    private static class ModelArchiveAccess
    {
        public static void Write(string path, List<KeyValuePair<string, byte[]>> entries) => ModelArchive.Write(path, entries);
    }
}
