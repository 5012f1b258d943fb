namespace Backprop.Data.Formats;

/// <summary>Caps that keep a hostile file from making a reader allocate without bound.</summary>
public static class DataLimits
{
    /// <summary>Default largest amount of array data a reader allocates: 2 GiB, the largest array .NET holds.</summary>
    public const long DefaultMaxBytes = int.MaxValue;

    /// <summary>Largest decompressed-to-compressed ratio deflate can produce (about 1032:1), with slack; a gzip or
    /// zip member declaring more data than this bound is a zip bomb or a lie and is refused before allocating.</summary>
    public const long MaxDeflateRatio = 1100;

    /// <summary>Largest NPY header, as numpy (<c>_MAX_HEADER_SIZE</c>, numpy#22393).</summary>
    public const int MaxNpyHeaderBytes = 10_000;

    /// <summary>Upper bound on what <paramref name="compressedBytes"/> of deflate data can expand to.</summary>
    public static long DeflateBound(long compressedBytes) => compressedBytes > long.MaxValue / MaxDeflateRatio
        ? long.MaxValue
        : (compressedBytes * MaxDeflateRatio) + 1024;
}
