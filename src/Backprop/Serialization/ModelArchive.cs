using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backprop.Serialization;

/// <summary>The zip container of a saved model or checkpoint, as Keras's <c>.keras</c> file: <c>metadata.json</c>
/// (format and its version, Backprop's version, the date, and each other entry's size and SHA-256),
/// <c>config.json</c>, <c>model.safetensors</c>, <c>optimizer.safetensors</c>, and for a training checkpoint
/// <c>training.json</c> and <c>training.safetensors</c>. Nothing else may be in it.
/// <para>Reading refuses, before decompressing anything large: entry names other than those (absolute paths, "..",
/// folders, duplicates), an entry declared larger than its cap (64 MiB for JSON, 2 GiB for tensors), a declared
/// size over 200 times the compressed one (a zip bomb), an entry that decompresses to more or fewer bytes than
/// declared, and any entry whose SHA-256 differs from metadata.json's. Memory is bounded by the declared sizes,
/// each of which is checked against the file first.</para></summary>
internal static class ModelArchive
{
    public const string Format = "backprop.model";
    public const int FormatVersion = 1;
    public const string Metadata = "metadata.json";
    public const string Config = "config.json";
    public const string Weights = "model.safetensors";
    public const string OptimizerState = "optimizer.safetensors";
    public const string Training = "training.json";
    public const string TrainingTensors = "training.safetensors";

    /// <summary>The largest JSON entry accepted.</summary>
    public const long MaxJsonBytes = 64L << 20;

    /// <summary>The largest compression ratio accepted for an entry over 1 MiB.</summary>
    public const long MaxCompressionRatio = 200;

    private static readonly string[] s_entries = [Metadata, Config, Weights, OptimizerState, Training, TrainingTensors];

    /// <summary>The library's version as recorded in files ("1.0.0").</summary>
    public static string LibraryVersion { get; } =
        typeof(ModelArchive).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ModelArchive).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Writes the entries (names from the known set) with a metadata.json first, atomically.</summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, byte[]>> entries)
    {
        byte[] metadata = MetadataFor(entries);
        AtomicFile.Write(path, stream => WriteZip(stream, metadata, entries));
    }

    /// <summary>The bytes <see cref="Write"/> would write (for tests that edit entries).</summary>
    internal static byte[] ToBytes(IReadOnlyList<KeyValuePair<string, byte[]>> entries)
    {
        using var stream = new MemoryStream();
        WriteZip(stream, MetadataFor(entries), entries);
        return stream.ToArray();
    }

    private static byte[] MetadataFor(IReadOnlyList<KeyValuePair<string, byte[]>> entries)
    {
        var listed = new JsonObject();
        foreach (var (name, bytes) in entries)
        {
            if (!s_entries.Contains(name) || name == Metadata)
            {
                throw new ArgumentException($"'{name}' is not an entry of a model file.", nameof(entries));
            }

            listed[name] = new JsonObject { ["size"] = bytes.LongLength, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
        }

        var metadata = new JsonObject
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion,
            ["backprop_version"] = LibraryVersion,
            ["date_saved"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["entries"] = listed,
        };
        return JsonSerializer.SerializeToUtf8Bytes(metadata, JsonOptions.Indented);
    }

    private static void WriteZip(Stream stream, byte[] metadataBytes, IReadOnlyList<KeyValuePair<string, byte[]>> entries)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, Metadata, metadataBytes, CompressionLevel.Optimal);
        foreach (var (name, bytes) in entries)
        {
            // Tensors barely compress; storing them keeps saving fast.
            Add(zip, name, bytes, name.EndsWith(".json", StringComparison.Ordinal) ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        }
    }

    /// <summary>Reads and checks every entry (see the class remarks).</summary>
    /// <exception cref="ModelFormatException">The file is not a valid model file.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Dictionary<string, byte[]> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads and checks every entry of a zip in a seekable stream; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">The content is not a valid model file.</exception>
    public static Dictionary<string, byte[]> Read(Stream stream, string path)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long fileLength = stream.Length;
            foreach (var entry in zip.Entries)
            {
                result.Add(CheckName(path, entry, result), ReadEntry(path, entry, fileLength));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException or OverflowException)
        {
            throw ModelFormatException.At(path, "zip container", $"not a readable zip file ({e.GetType().Name}: {e.Message})", e);
        }

        CheckMetadata(path, result);
        return result;
    }

    /// <summary>Parses a JSON entry with a small nesting limit.</summary>
    public static JsonNode ParseJson(string path, string entry, byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw ModelFormatException.At(path, $"entry '{entry}'", "expected UTF-8 JSON, found invalid UTF-8");
        }

        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })
                ?? throw ModelFormatException.At(path, $"entry '{entry}'", "expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw ModelFormatException.At(path, $"entry '{entry}'", $"invalid JSON ({e.Message})", e);
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var s = entry.Open();
        s.Write(bytes);
    }

    private static string CheckName(string path, ZipArchiveEntry entry, Dictionary<string, byte[]> seen)
    {
        string name = entry.FullName;
        if (name.StartsWith('/') || name.StartsWith('\\') || name.Contains("..", StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            throw ModelFormatException.At(path, $"entry '{name}'", "an absolute path or a path with '..' (a model file holds only its own entries, never paths)");
        }

        if (!s_entries.Contains(name))
        {
            throw ModelFormatException.At(path, $"entry '{name}'", $"unexpected entry; a model file holds only {string.Join(", ", s_entries)}");
        }

        if (seen.ContainsKey(name))
        {
            throw ModelFormatException.At(path, $"entry '{name}'", "the entry appears twice");
        }

        return name;
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long fileLength)
    {
        string where = $"entry '{entry.FullName}'";
        long declared = entry.Length;
        long cap = entry.FullName.EndsWith(".json", StringComparison.Ordinal) ? MaxJsonBytes : Array.MaxLength;
        if (declared < 0 || declared > cap)
        {
            throw ModelFormatException.At(path, where, $"declared size {declared} bytes is over the {cap}-byte cap");
        }

        if (declared > (1 << 20) && declared > entry.CompressedLength * MaxCompressionRatio)
        {
            throw ModelFormatException.At(path, where, $"declared size {declared} bytes from {entry.CompressedLength} compressed bytes: a compression ratio over {MaxCompressionRatio} (a zip bomb?)");
        }

        if (entry.CompressedLength > fileLength)
        {
            throw ModelFormatException.At(path, where, $"compressed size {entry.CompressedLength} is larger than the {fileLength}-byte file");
        }

        var bytes = new byte[declared];
        using var s = entry.Open();
        int read = 0;
        while (read < bytes.Length)
        {
            int n = s.Read(bytes, read, bytes.Length - read);
            if (n == 0)
            {
                throw ModelFormatException.At(path, where, $"the entry ends after {read} of its declared {declared} bytes (truncated)");
            }

            read += n;
        }

        if (s.ReadByte() >= 0)
        {
            throw ModelFormatException.At(path, where, $"the entry decompresses to more than its declared {declared} bytes");
        }

        return bytes;
    }

    private static void CheckMetadata(string path, Dictionary<string, byte[]> entries)
    {
        if (!entries.TryGetValue(Metadata, out byte[]? bytes))
        {
            throw ModelFormatException.At(path, "zip container", $"no {Metadata}: not a Backprop model file");
        }

        var node = ParseJson(path, Metadata, bytes);
        string where = $"entry '{Metadata}'";
        if (node is not JsonObject metadata
            || metadata["format"] is not JsonValue format || !format.TryGetValue(out string? formatName) || formatName != Format)
        {
            throw ModelFormatException.At(path, where, $"expected \"format\": \"{Format}\"; not a Backprop model file");
        }

        if (metadata["format_version"] is not JsonValue version || !version.TryGetValue(out int formatVersion) || formatVersion < 1)
        {
            throw ModelFormatException.At(path, where, "expected a positive integer \"format_version\"");
        }

        if (formatVersion > FormatVersion)
        {
            throw ModelFormatException.At(path, where, $"format version {formatVersion} was written by a newer Backprop ({metadata["backprop_version"]}); this one reads version {FormatVersion}");
        }

        if (metadata["entries"] is not JsonObject listed)
        {
            throw ModelFormatException.At(path, where, "expected an \"entries\" object");
        }

        foreach (var (name, _) in entries)
        {
            if (name != Metadata && listed[name] is null)
            {
                throw ModelFormatException.At(path, $"entry '{name}'", $"not listed in {Metadata}");
            }
        }

        foreach (var (name, value) in listed)
        {
            if (!entries.TryGetValue(name, out byte[]? content))
            {
                throw ModelFormatException.At(path, $"entry '{name}'", $"listed in {Metadata} but missing from the file");
            }

            string? expected = (value as JsonObject)?["sha256"] is JsonValue hash && hash.TryGetValue(out string? h) ? h : null;
            if (!string.Equals(expected, Convert.ToHexStringLower(SHA256.HashData(content)), StringComparison.Ordinal))
            {
                throw ModelFormatException.At(path, $"entry '{name}'", $"its SHA-256 differs from the one recorded in {Metadata}: the file is corrupt");
            }
        }
    }
}

/// <summary>JSON settings shared by the model files. The resolver is named explicitly so saving and loading also work
/// where reflection-based serialisation is off by default — .NET 10's file-based apps (<c>dotnet run app.cs</c>) set
/// <c>PublishAot</c>, which turns it off.</summary>
internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
