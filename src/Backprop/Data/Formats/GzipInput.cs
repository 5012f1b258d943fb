using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data.Formats;

/// <summary>Decompresses gzip data (RFC 1952, one member or several concatenated, as <c>gzip</c> and Python's
/// <c>gzip</c> module read them) for the readers: it counts the decompressed bytes and stops at a bound, and it
/// turns the runtime's one message for every kind of corruption ("unsupported compression method") into a
/// <see cref="DataFormatException"/> that says what is wrong: a bad header, corrupt deflate data, or a CRC-32 or
/// length check that fails.</summary>
internal sealed class GzipInput : Stream
{
    private readonly Stream _compressed;
    private readonly long _start;
    private readonly GZipStream _gzip;
    private readonly string _name;
    private readonly long _bound;
    private readonly string _boundReason;
    private long _produced;

    /// <param name="compressed">The gzip data, positioned at its first byte.</param>
    /// <param name="name">Names the file in errors.</param>
    /// <param name="bound">Most decompressed bytes accepted.</param>
    /// <param name="boundReason">What the bound is, for the error message ("the input cap").</param>
    public GzipInput(Stream compressed, string name, long bound, string boundReason)
    {
        _compressed = compressed;
        _start = compressed.CanSeek ? compressed.Position : -1;
        _gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        _name = name;
        _bound = bound;
        _boundReason = boundReason;
    }

    /// <summary>Decompressed bytes produced so far.</summary>
    public long Produced => _produced;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException();
    }

    /// <summary>Whether <paramref name="head"/> starts with the gzip magic bytes 1f 8b.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtOffset(_name, 0, "a valid gzip stream", Diagnose(), e);
        }

        _produced += n;
        if (_produced > _bound)
        {
            throw DataFormatException.AtOffset(_name + " (decompressed)", _bound, $"at most {_bound} decompressed bytes ({_boundReason})", "more");
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads the compressed data again, member by member, to say what the runtime's inflater refused.</summary>
    private string Diagnose()
    {
        if (_start < 0)
        {
            return "corrupt gzip data (a bad header, corrupt deflate data, or a failed CRC-32 or length check)";
        }

        try
        {
            return DiagnoseMembers(_compressed, _start);
        }
        catch (IOException)
        {
            return "corrupt gzip data";
        }
    }

    internal static string DiagnoseMembers(Stream source, long start) => WalkMembers(source, start, long.MaxValue).Problem ?? "corrupt gzip data";

    /// <summary>Walks the members of a gzip file on a seekable stream, inflating each (nothing kept) and checking
    /// its CRC-32 and length trailer; the last trailer must end the file. Returns what is wrong, or null, and the
    /// decompressed size (the walk stops once it passes <paramref name="maxSize"/>).</summary>
    internal static (string? Problem, long Size) WalkMembers(Stream source, long start, long maxSize)
    {
        long end = source.Length;
        long at = start;
        long total = 0;
        Span<byte> trailer = stackalloc byte[8];
        Span<byte> last = stackalloc byte[8];
        byte[] chunk = new byte[1 << 14];
        for (int member = 1; ; member++)
        {
            source.Position = at;
            string? headerProblem = SkipHeader(source, end);
            if (headerProblem is not null)
            {
                return (member > 1
                    ? $"{end - at} bytes after the last gzip member, at byte {at - start}, that are not a gzip member ({headerProblem})"
                    : $"{headerProblem} in member {member} at byte {at - start}", total);
            }

            long body = source.Position;
            uint crc = 0;
            long size = 0;
            try
            {
                using var deflate = new DeflateStream(source, CompressionMode.Decompress, leaveOpen: true);
                int n;
                while ((n = deflate.Read(chunk)) > 0)
                {
                    crc = Crc32.Update(crc, chunk.AsSpan(0, n));
                    size += n;
                    if (total + size > maxSize)
                    {
                        return (null, total + size);
                    }
                }
            }
            catch (InvalidDataException)
            {
                return ($"corrupt deflate data in member {member} after {size} decompressed bytes", total + size);
            }

            total += size;

            // The deflate stream's end is not reported, so find this member's trailer by its expected value.
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)size));
            long found = Find(source, body, end, trailer);
            if (found < 0)
            {
                if (end - body < 8)
                {
                    return ($"a missing CRC-32 and length trailer in member {member}", total);
                }

                source.Position = end - 8;
                source.ReadExactly(last);
                uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(last);
                uint storedSize = BinaryPrimitives.ReadUInt32LittleEndian(last[4..]);
                return (storedSize == unchecked((uint)size)
                    ? $"a CRC-32 mismatch in member {member}: the trailer says 0x{storedCrc:x8}, the decompressed data gives 0x{crc:x8} (the data is corrupt)"
                    : storedCrc == crc
                        ? $"a length mismatch in member {member}: the trailer says {storedSize} bytes (mod 2^32), the data has {size}"
                        : $"a CRC-32 and length trailer that does not match member {member} (data CRC-32 0x{crc:x8}, {size} bytes; trailer 0x{storedCrc:x8}, {storedSize} bytes), or none: the data is corrupt or cut short", total);
            }

            at = found + 8;
            if (at == end)
            {
                return (null, total);
            }
        }
    }

    /// <summary>Skips a member header (RFC 1952 §2.3); returns what is wrong with it, or null.</summary>
    private static string? SkipHeader(Stream source, long end)
    {
        byte[] fixedPart = new byte[10];
        if (end - source.Position < 10)
        {
            return "a truncated gzip header";
        }

        source.ReadExactly(fixedPart);
        if (fixedPart[0] != 0x1f || fixedPart[1] != 0x8b)
        {
            return $"bytes {fixedPart[0]:x2} {fixedPart[1]:x2} where a gzip member (1f 8b) should start";
        }

        if (fixedPart[2] != 8)
        {
            return $"compression method {fixedPart[2]} (gzip defines only 8, deflate)";
        }

        byte flags = fixedPart[3];
        if ((flags & 0xE0) != 0)
        {
            return $"reserved header flag bits 0x{flags & 0xE0:x2}";
        }

        if ((flags & 0x04) != 0)
        {
            byte[] xlen = new byte[2];
            if (source.Read(xlen) < 2)
            {
                return "a truncated gzip header";
            }

            source.Position += BinaryPrimitives.ReadUInt16LittleEndian(xlen);
        }

        for (int field = 0x08; field <= 0x10; field <<= 1)
        {
            if ((flags & field) != 0)
            {
                int b;
                while ((b = source.ReadByte()) > 0)
                {
                }

                if (b < 0)
                {
                    return "a truncated gzip header";
                }
            }
        }

        if ((flags & 0x02) != 0)
        {
            source.Position += 2;
        }

        return source.Position > end ? "a truncated gzip header" : null;
    }

    private static long Find(Stream source, long from, long end, ReadOnlySpan<byte> pattern)
    {
        byte[] window = new byte[(1 << 16) + pattern.Length];
        for (long at = from; at < end; at += 1 << 16)
        {
            source.Position = at;
            int n = source.ReadAtLeast(window, (int)Math.Min(window.Length, end - at), throwOnEndOfStream: false);
            int i = window.AsSpan(0, n).IndexOf(pattern);
            if (i >= 0)
            {
                return at + i;
            }
        }

        return -1;
    }
}
