using System.Runtime.InteropServices;

namespace Backprop.Serialization;

/// <summary>Writes a file so that a crash at any instant leaves either the old file or the new one, complete, never
/// a torn mixture — the recipe PyTorch Lightning had to relearn (#688, #19970): write a temporary file in the same
/// folder, flush it to the disk (fsync), rename it over the target (atomic on POSIX and NTFS), then flush the
/// folder so the rename itself survives a power cut. A temporary file left by a crash is named
/// <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> and is never read as the target.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically (see the class remarks).
    /// When <paramref name="write"/> throws, the old file is untouched and the temporary file removed.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        string temporary = TemporaryName(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        SyncFolder(folder);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Renames <paramref name="source"/> over <paramref name="destination"/> atomically and flushes the
    /// folder (both must be in the same folder).</summary>
    public static void Replace(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(destination)) ?? ".");
    }

    /// <summary>True for the temporary files <see cref="Write"/> creates (left behind only by a crash).</summary>
    public static bool IsTemporary(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal);
    }

    /// <summary>Flushes a folder's entries (the renames in it) to the disk; a no-op where the OS does not offer it.</summary>
    public static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            // NTFS journals the rename itself; Windows has no way to open a folder for flushing.
            return;
        }

        int fd = Posix.open(folder, Posix.ReadOnly);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Posix.fsync(fd);
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }

    private static string TemporaryName(string full) =>
        Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static partial class Posix
    {
        public const int ReadOnly = 0;

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
