namespace Backprop.Data.Formats;

/// <summary>The CRC-32 of gzip and zip (ISO 3309, reflected polynomial 0xEDB88320), byte at a time: used only to
/// explain a corrupt gzip file, never on the fast path (the runtime's inflater checks it there).</summary>
internal static class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/> continued from <paramref name="crc"/> (0 to start).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data)
        {
            c = s_table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
