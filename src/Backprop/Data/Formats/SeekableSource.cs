namespace Backprop.Data.Formats;

/// <summary>Readers check declared sizes against the length of their input, so a stream that cannot seek is first
/// copied into memory, stopping at the cap. The copy is kept in 1 MiB chunks, never one growing array, so it costs its
/// own size plus at most a chunk (a growing array would peak near three times the input while it is copied).</summary>
internal static class SeekableSource
{
    public static Stream Ensure(Stream stream, long maxBytes, string name)
    {
        if (stream.CanSeek)
        {
            return stream;
        }

        var chunks = new List<byte[]>();
        long length = 0;
        while (true)
        {
            byte[] chunk = new byte[ChunkedStream.ChunkBytes];
            int filled = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (filled > 0)
            {
                if (length + filled > maxBytes)
                {
                    throw DataFormatException.AtOffset(name, maxBytes, $"at most {maxBytes} bytes (the read cap, DataLimits.MaxBytes plus headers)", "more");
                }

                chunks.Add(chunk);
                length += filled;
            }

            if (filled < chunk.Length)
            {
                return new ChunkedStream(chunks, length);
            }
        }
    }

    /// <summary>A read-only, seekable stream over equal chunks.</summary>
    private sealed class ChunkedStream(List<byte[]> chunks, long length) : Stream
    {
        public const int ChunkBytes = 1 << 20;

        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A stream position is never negative.");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length && _position < length)
            {
                int chunk = (int)(_position / ChunkBytes);
                int within = (int)(_position % ChunkBytes);
                int n = (int)Math.Min(Math.Min(buffer.Length - total, ChunkBytes - within), length - _position);
                chunks[chunk].AsSpan(within, n).CopyTo(buffer[total..]);
                total += n;
                _position += n;
            }

            return total;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
