namespace Backprop.Data;

/// <summary>A data file (IDX, CSV, NPY, NPZ, CIFAR-10 batch, a downloaded archive) is malformed. The one exception
/// type every loader throws for bad content, like numpy's <c>ValueError</c> from <c>np.load</c> but always naming
/// the file, where in it the problem is (byte offset, or row and column for CSV) and what was expected versus
/// found. Missing files and I/O failures keep their own exception types.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception from a complete message.</summary>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception from a complete message and the exception that revealed the problem.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception (serialisers and analysers expect this constructor).</summary>
    public DataFormatException()
    {
    }

    private DataFormatException(string file, long? offset, long? row, int? column, string expected, string found, Exception? inner)
        : base(Compose(file, offset, row, column, expected, found), inner)
    {
        FileName = file;
        Offset = offset;
        Row = row;
        Column = column;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file (or stream name) that was being read.</summary>
    public string? FileName { get; }

    /// <summary>Byte offset of the problem, for binary formats.</summary>
    public long? Offset { get; }

    /// <summary>1-based row (line of records) of the problem, for CSV.</summary>
    public long? Row { get; }

    /// <summary>1-based column of the problem, for CSV.</summary>
    public int? Column { get; }

    /// <summary>What the reader expected at that place.</summary>
    public string? Expected { get; }

    /// <summary>What it found instead.</summary>
    public string? Found { get; }

    /// <summary>A problem at byte <paramref name="offset"/> of a binary file.</summary>
    public static DataFormatException AtOffset(string file, long offset, string expected, string found, Exception? inner = null)
        => new(file, offset, null, null, expected, found, inner);

    /// <summary>A problem at a cell of a text table (1-based row and column; column may be unknown).</summary>
    public static DataFormatException AtCell(string file, long row, int? column, string expected, string found, Exception? inner = null)
        => new(file, null, row, column, expected, found, inner);

    private static string Compose(string file, long? offset, long? row, int? column, string expected, string found)
    {
        string where = offset is long o
            ? $"byte offset {o}"
            : column is int c ? $"row {row}, column {c}" : $"row {row}";
        return $"{file}: malformed data at {where}: expected {expected}, found {found}.";
    }
}
