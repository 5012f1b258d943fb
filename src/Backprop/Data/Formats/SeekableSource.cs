namespace Backprop.Data.Formats;

/// <summary>Readers check declared sizes against the length of their input, so a stream that cannot seek is
/// first copied into memory, stopping at the cap.</summary>
internal static class SeekableSource
{
    public static Stream Ensure(Stream stream, long maxBytes, string name)
    {
        if (stream.CanSeek)
        {
            return stream;
        }

        var copy = new MemoryStream();
        byte[] chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (copy.Length + n > maxBytes)
            {
                throw DataFormatException.AtOffset(name, copy.Length, $"at most {maxBytes} bytes (the read cap)", "more");
            }

            copy.Write(chunk, 0, n);
        }

        copy.Position = 0;
        return copy;
    }
}
