using System.Buffers.Binary;

namespace Backprop.Plots;

/// <summary>Reads the size of a PNG from its IHDR header without decoding it.</summary>
public static class PngInfo
{
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when <paramref name="bytes"/> starts with the 8-byte PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(s_signature);

    /// <summary>Width and height from the IHDR chunk, which the PNG specification requires to come first.</summary>
    /// <exception cref="FormatException">Not a PNG, or the first chunk is not IHDR.</exception>
    public static (int Width, int Height) Size(ReadOnlySpan<byte> png)
    {
        if (!HasSignature(png) || png.Length < 24)
        {
            throw new FormatException("Not a PNG: the 8-byte signature or the IHDR header is missing.");
        }

        if (png[12] != (byte)'I' || png[13] != (byte)'H' || png[14] != (byte)'D' || png[15] != (byte)'R')
        {
            throw new FormatException("Malformed PNG: the first chunk (at byte offset 8) is not IHDR.");
        }

        return (BinaryPrimitives.ReadInt32BigEndian(png[16..20]), BinaryPrimitives.ReadInt32BigEndian(png[20..24]));
    }
}
