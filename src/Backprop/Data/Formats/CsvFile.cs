using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;

namespace Backprop.Data.Formats;

/// <summary>How <see cref="CsvFile"/> reads a table.</summary>
public sealed record CsvOptions
{
    /// <summary>Whether the first record (after <see cref="SkipLines"/>) names the columns. Default true.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The field separator. Default ','.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Lines to skip before the header or the data, e.g. 1 for scikit-learn's bundled files whose first
    /// line is "n_samples,n_features,class names…".</summary>
    public int SkipLines { get; init; }

    /// <summary>The columns to read, by header name (needs <see cref="HasHeader"/>); null reads all.</summary>
    public IReadOnlyList<string>? ColumnNames { get; init; }

    /// <summary>The columns to read, by 0-based index; null reads all. Ignored when <see cref="ColumnNames"/>
    /// is set.</summary>
    public IReadOnlyList<int>? ColumnIndices { get; init; }

    /// <summary>Largest input read, in bytes (after gzip decompression).</summary>
    public long MaxBytes { get; init; } = DataLimits.DefaultMaxBytes;
}

/// <summary>A numeric table read from CSV: the selected column names and a (rows, columns) float64 tensor.</summary>
public sealed class CsvTable
{
    internal CsvTable(IReadOnlyList<string> columnNames, Tensor<double> values)
    {
        ColumnNames = columnNames;
        Values = values;
    }

    /// <summary>Names of the selected columns: the header names, or "0", "1", … without a header.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The values, shape (rows, columns).</summary>
    public Tensor<double> Values { get; }

    /// <summary>Column <paramref name="index"/> of <see cref="Values"/> as a new rank-1 tensor.</summary>
    public Tensor<double> Column(int index)
    {
        int rows = Values.Shape[0];
        var column = new Tensor<double>(rows);
        for (int r = 0; r < rows; r++)
        {
            column[r] = Values[r, index];
        }

        return column;
    }
}

/// <summary>Reads numeric CSV tables with CsvHelper (RFC 4180 quoting, UTF-8 with or without a byte order mark,
/// optionally gzip-compressed). Every cell of the selected columns must parse as a number (invariant culture);
/// a bad cell, a ragged row, an unterminated quote or invalid UTF-8 throws a <see cref="DataFormatException"/>
/// naming the file, the line and the column. Like <c>np.loadtxt(..., delimiter=",")</c> or
/// <c>pandas.read_csv(...).to_numpy(float)</c>.</summary>
public static class CsvFile
{
    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="DataFormatException">The file is not a well-formed numeric table.</exception>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, options);
    }

    /// <summary>Reads CSV from a stream; <paramref name="name"/> names it in errors.</summary>
    public static CsvTable Read(Stream stream, string name, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new CsvOptions();
        byte[] bytes = ReadAllBytes(stream, name, options.MaxBytes);
        return Parse(bytes, name, options);
    }

    private static byte[] ReadAllBytes(Stream stream, string name, long maxBytes)
    {
        var seekable = SeekableSource.Ensure(stream, maxBytes, name);
        long length = seekable.Length - seekable.Position;
        Span<byte> magic = stackalloc byte[2];
        int got = seekable.Read(magic);
        seekable.Seek(-got, SeekOrigin.Current);
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            long bound = Math.Min(maxBytes, DataLimits.DeflateBound(length));
            try
            {
                using var gzip = new GZipStream(seekable, CompressionMode.Decompress, leaveOpen: true);
                var copy = new MemoryStream();
                byte[] chunk = new byte[81920];
                int n;
                while ((n = gzip.Read(chunk)) > 0)
                {
                    if (copy.Length + n > bound)
                    {
                        throw DataFormatException.AtOffset(name, copy.Length, $"at most {bound} decompressed bytes", "more");
                    }

                    copy.Write(chunk, 0, n);
                }

                return copy.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw DataFormatException.AtOffset(name, 0, "a valid gzip stream", e.Message, e);
            }
        }

        if (length > maxBytes)
        {
            throw DataFormatException.AtOffset(name, 0, $"at most {maxBytes} bytes (the read cap)", $"{length} bytes");
        }

        byte[] bytes = new byte[length];
        ElementBytes.ReadExactly(seekable, bytes, name, 0, "CSV text");
        return bytes;
    }

    private static CsvTable Parse(byte[] bytes, string name, CsvOptions options)
    {
        int start = 0;
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            start = 3;
        }

        CheckUtf8(bytes, start, name);
        int skippedLines = 0;
        while (skippedLines < options.SkipLines && start < bytes.Length)
        {
            int newline = Array.IndexOf(bytes, (byte)'\n', start);
            start = newline < 0 ? bytes.Length : newline + 1;
            skippedLines++;
        }

        var csvOptions = CsvReaderOptions.Default with
        {
            HasHeader = options.HasHeader,
            Separator = options.Separator,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            DetectSeparatorHint = false,
            FormatProvider = CultureInfo.InvariantCulture,
        };

        try
        {
            using var reader = CsvReader.Create(new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start), csvOptions);
            string[] headers = options.HasHeader ? [.. reader.Headers] : [];
            int headerLine = skippedLines + 1;
            int[]? selected = null;
            string[]? names = null;
            if (options.ColumnNames is { } wanted)
            {
                if (!options.HasHeader)
                {
                    throw new ArgumentException("Columns can be chosen by name only in a file with a header.", nameof(options));
                }

                selected = new int[wanted.Count];
                for (int i = 0; i < wanted.Count; i++)
                {
                    selected[i] = Array.IndexOf(headers, wanted[i]);
                    if (selected[i] < 0)
                    {
                        throw DataFormatException.AtCell(name, headerLine, null, $"a column named '{wanted[i]}'", $"columns {string.Join(", ", headers.Select(h => $"'{h}'"))}");
                    }
                }

                names = [.. wanted];
            }
            else if (options.ColumnIndices is { } indices)
            {
                selected = [.. indices];
            }

            var values = new List<double>();
            int columns = -1;
            long rows = 0;
            while (reader.Read())
            {
                long line = reader.LineNumber + skippedLines;
                if (selected is null)
                {
                    selected = Enumerable.Range(0, reader.FieldCount).ToArray();
                }

                if (columns < 0)
                {
                    columns = selected.Length;
                    names ??= selected.Select(i => options.HasHeader && i < headers.Length ? headers[i] : i.ToString(CultureInfo.InvariantCulture)).ToArray();
                }

                foreach (int column in selected)
                {
                    if (column < 0 || column >= reader.FieldCount)
                    {
                        throw DataFormatException.AtCell(name, line, column + 1, $"at least {column + 1} fields", $"{reader.FieldCount} fields");
                    }

                    ReadOnlySpan<byte> cell = reader.GetSpan(column);
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    {
                        throw DataFormatException.AtCell(name, line, column + 1, "a number", cell.IsEmpty ? "an empty cell" : $"'{Printable(cell)}'");
                    }

                    values.Add(value);
                }

                rows++;
            }

            if (columns < 0)
            {
                int width = selected?.Length ?? headers.Length;
                names ??= selected?.Select(i => i < headers.Length ? headers[i] : i.ToString(CultureInfo.InvariantCulture)).ToArray() ?? headers;
                return new CsvTable(names, new Tensor<double>(0, width));
            }

            return new CsvTable(names!, Tensor<double>.Wrap([.. values], new Shape(checked((int)rows), columns)));
        }
        catch (CsvFormatException e)
        {
            long line = e.LineNumber > 0 ? e.LineNumber + skippedLines : LineOf(bytes, start + e.ByteOffset);
            throw DataFormatException.AtCell(name, line, null, "well-formed CSV (closed quotes, the same number of fields on every row)", e.Message.Split('\n')[0], e);
        }
    }

    private static void CheckUtf8(byte[] bytes, int start, string name)
    {
        var span = bytes.AsSpan(start);
        if (System.Text.Unicode.Utf8.IsValid(span))
        {
            return;
        }

        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
        int bad;
        try
        {
            decoder.GetCharCount(span);
            bad = 0;
        }
        catch (DecoderFallbackException e)
        {
            bad = Math.Max(0, e.Index);
        }

        long line = LineOf(bytes, start + bad);
        throw DataFormatException.AtCell(name, line, null, "UTF-8 text", $"an invalid UTF-8 byte at byte offset {start + bad}");
    }

    private static long LineOf(byte[] bytes, long offset)
    {
        long line = 1;
        long end = Math.Min(offset, bytes.Length);
        for (long i = 0; i < end; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
            }
        }

        return line;
    }

    private static string Printable(ReadOnlySpan<byte> cell)
    {
        string text = Encoding.UTF8.GetString(cell.Length > 40 ? cell[..40] : cell);
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return cell.Length > 40 ? sb.Append('…').ToString() : sb.ToString();
    }
}
