using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Backprop.Serialization;

/// <summary>The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
/// <c>{"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, …}</c>,
/// then the raw little-endian data, every byte of it belonging to exactly one tensor. It holds data and nothing
/// else — no code, no type names, no paths — which is why Backprop uses it for weights and optimiser state.
/// <para>Reading checks everything before it allocates a tensor: the header length against the file and a
/// 100 MB cap (safetensors' own), the JSON (valid, an object, no duplicate keys), every dtype (F32, F64, I64, U8),
/// shape (rank ≤ 4, dimensions ≥ 0, shape × dtype size equal to the byte range, no overflow) and range (in order,
/// no overlap, no hole, nothing past the end or after the last tensor), and, when the metadata carries
/// <c>data_sha256</c> (Backprop writes it), the data's SHA-256. Memory is therefore bounded by the file's real
/// size. Any violation is a <see cref="ModelFormatException"/> naming the file, the place and the problem.</para></summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted (safetensors' limit).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>The metadata key under which Backprop records the SHA-256 of the data section (lower-case hex).</summary>
    public const string DataHashKey = "data_sha256";

    /// <summary>Writes <paramref name="tensors"/> in order (float32, float64, int64 or uint8) with
    /// <paramref name="metadata"/> (plus <see cref="DataHashKey"/>) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, tensor) in list)
        {
            hash.AppendData(Bytes(tensor));
        }

        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [DataHashKey] = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in meta.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, tensor) in list)
            {
                if (string.IsNullOrEmpty(name) || name == "__metadata__" || !names.Add(name))
                {
                    throw new ArgumentException($"Tensor names must be non-empty, distinct and not \"__metadata__\"; got \"{name}\".", nameof(tensors));
                }

                long size = (long)tensor.Length * tensor.DType.SizeOf();
                json.WriteStartObject(name);
                json.WriteString("dtype", Code(tensor.DType));
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape.ToArray())
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces so the data starts 8-byte aligned, as the reference implementation does.
        int padding = (8 - (int)(buffer.Length % 8)) % 8;
        for (int i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)buffer.Length);
        stream.Write(length);
        stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        foreach (var (_, tensor) in list)
        {
            stream.Write(Bytes(tensor));
        }
    }

    /// <summary>The bytes <see cref="Write"/> produces.</summary>
    public static byte[] ToBytes(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Reads a safetensors file.</summary>
    /// <exception cref="ModelFormatException">The file is malformed (see the class remarks).</exception>
    public static (StateDict Tensors, IReadOnlyDictionary<string, string> Metadata) ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads safetensors content from a seekable stream; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">The content is malformed (see the class remarks).</exception>
    public static (StateDict Tensors, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading safetensors needs a little-endian machine.");
        }

        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw ModelFormatException.At(name, "byte offset 0", $"expected an 8-byte header length, found a file of {fileLength} bytes");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw ModelFormatException.At(name, "byte offset 0", $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte cap");
        }

        if (8 + (long)headerLength > fileLength)
        {
            throw ModelFormatException.At(name, "byte offset 0", $"header length {headerLength} runs past the end of the {fileLength}-byte file");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var (entries, metadata) = ParseHeader(header, name, dataLength);

        var tensors = new StateDict();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            stream.Position = dataStart + entry.Begin;
            entry.Tensor = entry.DType switch
            {
                DType.Float32 => ReadData<float>(stream, entry.Shape),
                DType.Float64 => ReadData<double>(stream, entry.Shape),
                DType.Int64 => ReadData<long>(stream, entry.Shape),
                _ => ReadData<byte>(stream, entry.Shape),
            };
            hash.AppendData(Bytes(entry.Tensor));
        }

        if (metadata.TryGetValue(DataHashKey, out string? expected)
            && !string.Equals(expected, Convert.ToHexStringLower(hash.GetHashAndReset()), StringComparison.Ordinal))
        {
            throw ModelFormatException.At(name, $"data (bytes {dataStart}–{fileLength})", $"the data's SHA-256 differs from the {DataHashKey} recorded in the header: the file is corrupt");
        }

        // The dictionary keeps the header's order (Backprop writes Keras's weights order).
        foreach (var entry in entries)
        {
            tensors.Set(entry.Name, entry.Tensor!);
        }

        return (tensors, metadata);

        static Tensor ReadData<T>(Stream s, Shape shape)
            where T : unmanaged, System.Numerics.INumber<T>
        {
            var t = new Tensor<T>(shape);
            s.ReadExactly(MemoryMarshal.AsBytes(t.AsSpan()));
            return t;
        }
    }

    private sealed class Entry(string name, DType dtype, Shape shape, long begin, long end)
    {
        public string Name { get; } = name;

        public DType DType { get; } = dtype;

        public Shape Shape { get; } = shape;

        public long Begin { get; } = begin;

        public long End { get; } = end;

        public Tensor? Tensor { get; set; }
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string name, long dataLength)
    {
        const string where = "header (byte offset 8)";
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw ModelFormatException.At(name, where, $"expected a JSON object starting with '{{', found {(header.Length == 0 ? "nothing" : $"byte 0x{header[0]:x2}")}");
        }

        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw ModelFormatException.At(name, where, "expected UTF-8 JSON, found invalid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw ModelFormatException.At(name, where, $"invalid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ModelFormatException.At(name, where, $"expected a JSON object, found {root.ValueKind}");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw ModelFormatException.At(name, where, $"the key \"{property.Name}\" appears twice");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, name);
                    continue;
                }

                entries.Add(ReadEntry(property, name));
            }

            // Every byte of the data belongs to exactly one tensor: in offset order, each range starts where the
            // previous ended, the first at 0 and the last at the end of the file.
            long expected = 0;
            foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (entry.Begin != expected)
                {
                    throw ModelFormatException.At(name, $"tensor '{entry.Name}'", entry.Begin < expected
                        ? $"data_offsets [{entry.Begin}, {entry.End}] overlap the previous tensor's bytes (which end at {expected})"
                        : $"data_offsets [{entry.Begin}, {entry.End}] leave a hole: the previous tensor ends at {expected}");
                }

                if (entry.End > dataLength)
                {
                    throw ModelFormatException.At(name, $"tensor '{entry.Name}'", $"data_offsets [{entry.Begin}, {entry.End}] run past the end of the data ({dataLength} bytes)");
                }

                expected = entry.End;
            }

            if (expected != dataLength)
            {
                throw ModelFormatException.At(name, $"byte offset {8 + header.Length + expected}", $"{dataLength - expected} bytes after the last tensor's data; expected the end of the file");
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string name)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ModelFormatException.At(name, "__metadata__", $"expected an object of strings, found {value.ValueKind}");
        }

        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw ModelFormatException.At(name, $"__metadata__ \"{item.Name}\"", $"expected a string, found {item.Value.ValueKind}");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw ModelFormatException.At(name, "__metadata__", $"the key \"{item.Name}\" appears twice");
            }
        }
    }

    private static Entry ReadEntry(JsonProperty property, string name)
    {
        string where = $"tensor '{property.Name}'";
        if (property.Name.Length == 0)
        {
            throw ModelFormatException.At(name, "header", "a tensor has an empty name");
        }

        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ModelFormatException.At(name, where, $"expected {{\"dtype\", \"shape\", \"data_offsets\"}}, found {value.ValueKind}");
        }

        string? dtypeCode = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeCode is null:
                    dtypeCode = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()!
                        : throw ModelFormatException.At(name, where, $"\"dtype\" must be a string, found {field.Value.ValueKind}");
                    break;
                case "shape" when shape is null:
                    shape = Integers(field.Value, where, "shape", name, int.MaxValue).Select(v => (int)v).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = Integers(field.Value, where, "data_offsets", name, long.MaxValue);
                    break;
                default:
                    throw ModelFormatException.At(name, where, $"unexpected or repeated key \"{field.Name}\"; expected dtype, shape and data_offsets once each");
            }
        }

        if (dtypeCode is null || shape is null || offsets is null)
        {
            throw ModelFormatException.At(name, where, "expected \"dtype\", \"shape\" and \"data_offsets\"");
        }

        DType dtype = dtypeCode switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "I64" => DType.Int64,
            "U8" => DType.UInt8,
            "F16" or "BF16" or "I8" or "I16" or "I32" or "U16" or "U32" or "U64" or "BOOL" or "F8_E4M3" or "F8_E5M2" =>
                throw ModelFormatException.At(name, where, $"dtype {dtypeCode} is valid safetensors but not supported by Backprop (F32, F64, I64, U8)"),
            _ => throw ModelFormatException.At(name, where, $"unknown dtype \"{dtypeCode}\"; expected F32, F64, I64 or U8"),
        };
        if (shape.Length > Shape.MaxRank)
        {
            throw ModelFormatException.At(name, where, $"shape of rank {shape.Length}; Backprop tensors have at most {Shape.MaxRank} dimensions");
        }

        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw ModelFormatException.At(name, where, $"data_offsets must be [begin, end] with begin ≤ end; got [{string.Join(", ", offsets)}]");
        }

        long elements = 1;
        foreach (int d in shape)
        {
            elements *= d;
            if (elements > int.MaxValue)
            {
                throw ModelFormatException.At(name, where, $"shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements");
            }
        }

        long bytes = elements * dtype.SizeOf();
        if (bytes != offsets[1] - offsets[0])
        {
            throw ModelFormatException.At(name, where, string.Create(CultureInfo.InvariantCulture,
                $"shape [{string.Join(", ", shape)}] of {dtypeCode} needs {bytes} bytes but data_offsets [{offsets[0]}, {offsets[1]}] hold {offsets[1] - offsets[0]}"));
        }

        return new Entry(property.Name, dtype, new Shape(shape), offsets[0], offsets[1]);
    }

    private static long[] Integers(JsonElement value, string where, string key, string name, long max)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 8)
        {
            throw ModelFormatException.At(name, where, $"\"{key}\" must be a short array of integers, found {value.ValueKind}");
        }

        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0 || v > max)
            {
                throw ModelFormatException.At(name, where, $"\"{key}\" must hold integers in [0, {max}]; found {item.GetRawText()}");
            }

            result[i++] = v;
        }

        return result;
    }

    private static string Code(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int64 => "I64",
        DType.UInt8 => "U8",
        _ => throw new ArgumentException($"Backprop writes safetensors of float32, float64, int64 and uint8; got {dtype.Name()}."),
    };

    private static ReadOnlySpan<byte> Bytes(Tensor tensor) => tensor switch
    {
        Tensor<float> f => MemoryMarshal.AsBytes(f.AsSpan()),
        Tensor<double> d => MemoryMarshal.AsBytes(d.AsSpan()),
        Tensor<long> l => MemoryMarshal.AsBytes(l.AsSpan()),
        Tensor<byte> b => b.AsSpan(),
        _ => throw new ArgumentException($"Backprop writes safetensors of float32, float64, int64 and uint8; got {tensor.DType.Name()}."),
    };
}
