using System.IO.Compression;

namespace Backprop.Data.Formats;

/// <summary>Reads and writes NumPy <c>.npz</c> archives (a zip of <c>.npy</c> members, as <c>np.savez</c> and
/// <c>np.savez_compressed</c> write them; <c>np.load(..., allow_pickle=False)</c>). Members may be stored or
/// deflated. A member name holding a path (<c>/</c>, <c>\</c>, <c>..</c>) is refused, as is a member whose
/// declared size disagrees with its data, exceeds what deflate can produce from its compressed size (a zip bomb),
/// or disagrees with the size its own NPY header declares; the members together may hold at most
/// <see cref="DataLimits.MaxBytes"/>. Memory: the result plus a constant.</summary>
public static class NpzFile
{
    /// <summary>Reads every array of a <c>.npz</c> archive, keyed by member name without <c>.npy</c>, in archive
    /// order.</summary>
    /// <exception cref="DataFormatException">The archive or one of its members is malformed.</exception>
    public static IReadOnlyDictionary<string, DataArray> Read(string path, DataLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, limits);
    }

    /// <summary>Reads a <c>.npz</c> archive from a stream; <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyDictionary<string, DataArray> Read(Stream stream, string name, DataLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        limits ??= DataLimits.Default;
        stream = SeekableSource.Ensure(stream, limits.MaxBytes + DataLimits.HeaderAllowanceBytes, name);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtOffset(name, 0, "a zip archive", e.Message, e);
        }

        try
        {
            return ReadEntries(archive, name, limits);
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtOffset(name, 0, "a consistent zip central directory", e.Message, e);
        }
        finally
        {
            archive.Dispose();
        }
    }

    private static OrderedDictionary<string, DataArray> ReadEntries(ZipArchive archive, string name, DataLimits limits)
    {
        var result = new OrderedDictionary<string, DataArray>(StringComparer.Ordinal);
        long total = 0;
        foreach (var entry in archive.Entries)
        {
            string member = entry.FullName;
            string where = $"{name}[{Printable(member)}]";
            if (member.Length == 0 || member.Contains('/', StringComparison.Ordinal) || member.Contains('\\', StringComparison.Ordinal)
                || member.Contains("..", StringComparison.Ordinal) || member.Contains(':', StringComparison.Ordinal) || member.Any(char.IsControl))
            {
                throw DataFormatException.AtOffset(name, 0, "plain member names (no '/', '\\', '..', ':' or control characters)", $"member '{Printable(member)}'");
            }

            long declared = entry.Length;
            long compressed = entry.CompressedLength;
            if (declared > DataLimits.DeflateBound(compressed))
            {
                throw DataFormatException.AtOffset(where, 0, $"a declared size deflate can produce from {compressed} compressed bytes", $"{declared} bytes declared (a zip bomb)");
            }

            total += declared;
            if (total > limits.MaxBytes)
            {
                throw DataFormatException.AtOffset(where, 0, $"at most {limits.MaxBytes} bytes in all members (DataLimits.MaxBytes, the read cap)", $"{total} bytes");
            }

            string key = member.EndsWith(".npy", StringComparison.Ordinal) ? member[..^4] : member;
            DataArray array;
            try
            {
                using var content = entry.Open();
                array = NpyFile.Read(content, where, declared, limits);
            }
            catch (InvalidDataException e)
            {
                throw DataFormatException.AtOffset(where, 0, "a readable zip member", e.Message, e);
            }
            catch (NotSupportedException e)
            {
                throw DataFormatException.AtOffset(where, 0, "a stored or deflated zip member", e.Message, e);
            }

            if (!result.TryAdd(key, array))
            {
                throw DataFormatException.AtOffset(name, 0, "distinct member names", $"'{Printable(key)}' twice");
            }
        }

        return result;
    }

    /// <summary>Writes arrays as a <c>.npz</c> archive: stored members like <c>np.savez</c>, or deflated like
    /// <c>np.savez_compressed</c> when <paramref name="compress"/> is set. Names must be plain (no paths).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.Create(path);
        Write(stream, arrays, compress);
    }

    /// <summary>Writes arrays as a <c>.npz</c> archive to a stream.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, tensor) in arrays)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('/', StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal)
                || key.Contains("..", StringComparison.Ordinal) || key.Contains(':', StringComparison.Ordinal) || !seen.Add(key))
            {
                throw new ArgumentException($"Array name '{key}' is empty, repeated or holds a path.", nameof(arrays));
            }

            var entry = archive.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var content = entry.Open();
            NpyFile.Write(content, tensor);
        }
    }

    private static string Printable(string s) => string.Concat(s.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
