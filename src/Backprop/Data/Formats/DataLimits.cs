namespace Backprop.Data.Formats;

/// <summary>Caps that keep a data file, hostile or just too big, from making a reader allocate or read without
/// bound. Every reader (IDX, NPY, NPZ, CSV, CIFAR-10, plain or gzip) checks the sizes it learns against these caps
/// <em>before</em> allocating for them and throws a <see cref="DataFormatException"/> naming the file, the place and
/// the cap when a file exceeds one, so a file that is too big is a typed error, never an
/// <see cref="OutOfMemoryException"/>. Memory use is bounded too: a reader's managed allocations stay within twice
/// its result plus a constant (docs/data-loading.md has the measured peaks). Pass limits to a reader, or set
/// <see cref="Default"/> once at start-up.</summary>
/// <example><c>DataLimits.Default = DataLimits.Default with { MaxBytes = 8L &lt;&lt; 30 };</c> lets a machine with
/// room for it read 8 GB arrays (each array must still fit .NET's 2³¹-element limit).</example>
public sealed record DataLimits
{
    /// <summary>Ceiling of the default <see cref="MaxBytes"/>: 2 GiB − 1, as large as a .NET byte array.</summary>
    public const long DefaultMaxBytes = int.MaxValue;

    /// <summary>Default <see cref="MaxInputBytes"/>: 16 GiB of (decompressed) input.</summary>
    public const long DefaultMaxInputBytes = 16L << 30;

    /// <summary>Default <see cref="MaxRecordBytes"/>: 16 MiB for one CSV line.</summary>
    public const int DefaultMaxRecordBytes = 16 << 20;

    /// <summary>Largest decompressed-to-compressed ratio deflate can produce (about 1032:1), with slack; a gzip or
    /// zip member declaring more data than this bound is a zip bomb or a lie and is refused before allocating.</summary>
    public const long MaxDeflateRatio = 1100;

    /// <summary>Largest NPY header, as numpy (<c>_MAX_HEADER_SIZE</c>, numpy#22393).</summary>
    public const int MaxNpyHeaderBytes = 10_000;

    /// <summary>A stream that cannot seek is copied into memory before it is parsed, up to
    /// <see cref="MaxBytes"/> plus this much for headers and archive directories.</summary>
    public const long HeaderAllowanceBytes = 1 << 20;

    private static DataLimits s_default = new();

    /// <summary>The limits a reader uses when it is given none. Set it once at start-up; readers read it once per
    /// call.</summary>
    public static DataLimits Default
    {
        get => s_default;
        set => s_default = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Largest array a reader allocates, in bytes (elements × element size; for CSV, values × 8). Default:
    /// the smaller of <see cref="DefaultMaxBytes"/> and half the memory the garbage collector may use
    /// (<c>GCMemoryInfo.TotalAvailableMemoryBytes</c>: physical memory, a container's limit or
    /// <c>DOTNET_GCHeapHardLimit</c>), so a file too big for the process is refused with a
    /// <see cref="DataFormatException"/> before the runtime would run out of memory. For CSV this also caps the value
    /// count at <c>MaxBytes / 8</c>.</summary>
    public long MaxBytes
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxBytes), value, "The array cap must be positive.");
    } = Math.Min(DefaultMaxBytes, Math.Max(1L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2));

    /// <summary>Largest input a reader consumes, in bytes, after gzip decompression: the text of a CSV file, the
    /// decompressed stream of an IDX file. A decompression bomb or an endless stream stops here. Default
    /// <see cref="DefaultMaxInputBytes"/>.</summary>
    public long MaxInputBytes
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxInputBytes), value, "The input cap must be positive.");
    } = DefaultMaxInputBytes;

    /// <summary>Longest CSV record (one line, or several inside a quoted field), in bytes. The reader's buffer grows
    /// to hold a record, so this bounds the constant part of CSV memory (about twice this at worst). Default
    /// <see cref="DefaultMaxRecordBytes"/>.</summary>
    public int MaxRecordBytes
    {
        get;
        init => field = value >= 256 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRecordBytes), value, "The record cap must be at least 256 bytes.");
    } = DefaultMaxRecordBytes;

    /// <summary>Largest number of float64 values a CSV reader keeps: <see cref="MaxBytes"/> / 8.</summary>
    public long MaxCsvValues => MaxBytes / sizeof(double);

    /// <summary>Upper bound on what <paramref name="compressedBytes"/> of deflate data can expand to.</summary>
    public static long DeflateBound(long compressedBytes) => compressedBytes > long.MaxValue / MaxDeflateRatio
        ? long.MaxValue
        : (compressedBytes * MaxDeflateRatio) + 1024;
}
