using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

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

    /// <summary>Caps on the input (after decompression), the line length and the values kept; null uses
    /// <see cref="DataLimits.Default"/>.</summary>
    public DataLimits? Limits { get; init; }
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
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a column of the table.</exception>
    public Tensor<double> Column(int index)
    {
        if ((uint)index >= (uint)Values.Shape[1])
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The table has {Values.Shape[1]} columns (0 to {Values.Shape[1] - 1}).");
        }

        int rows = Values.Shape[0];
        var column = new Tensor<double>(rows);
        for (int r = 0; r < rows; r++)
        {
            column[r] = Values[r, index];
        }

        return column;
    }
}

/// <summary>Reads numeric CSV tables (RFC 4180 quoting, UTF-8 with or without a byte order mark,
/// optionally gzip-compressed, one gzip member or several). Every cell of the selected columns must parse as a number
/// (invariant culture); a bad cell, a ragged row, an unterminated quote or invalid UTF-8 throws a
/// <see cref="DataFormatException"/> naming the file, the line and the column. Like
/// <c>np.loadtxt(..., delimiter=",")</c> or <c>pandas.read_csv(...).to_numpy(float)</c>.
/// <para>The text is streamed, never held whole: values are parsed as records arrive and kept in fixed-size chunks,
/// then copied once into the result, so memory peaks at twice the result plus a constant (the reader's buffer, at
/// most about twice <see cref="DataLimits.MaxRecordBytes"/>). The decompressed input is checked against
/// <see cref="DataLimits.MaxInputBytes"/> as it is read (a plain file's length before reading), and the value count
/// against <see cref="DataLimits.MaxCsvValues"/> before each chunk is allocated.</para></summary>
public static class CsvFile
{
    /// <summary>Largest chunk of values while a table is read: 512 KiB of float64 (chunks grow from 1,024 values).</summary>
    private const int ChunkValues = 1 << 16;

    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="DataFormatException">The file is not a well-formed numeric table, or exceeds the limits.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (a negative column index or line count).</exception>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, options);
    }

    /// <summary>Reads CSV from a stream (it need not seek); <paramref name="name"/> names it in errors.</summary>
    public static CsvTable Read(Stream stream, string name, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new CsvOptions();
        Validate(options);
        var limits = options.Limits ?? DataLimits.Default;
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        (byte[] head, Stream source) = Peek(stream, 2);
        Stream text;
        if (GzipInput.HasMagic(head))
        {
            long bound = Math.Min(limits.MaxInputBytes, available is long compressed ? DataLimits.DeflateBound(compressed) : long.MaxValue);
            string reason = bound == limits.MaxInputBytes ? "DataLimits.MaxInputBytes" : "what deflate can produce from the compressed file";
            text = new GzipInput(source, name, bound, reason);
        }
        else
        {
            if (available > limits.MaxInputBytes)
            {
                throw DataFormatException.AtOffset(name, 0, $"at most {limits.MaxInputBytes} bytes of text (DataLimits.MaxInputBytes)", $"{available} bytes");
            }

            text = new CountingStream(source, name, limits.MaxInputBytes);
        }

        using (text)
        {
            return Parse(text, name, options, limits);
        }
    }

    private static void Validate(CsvOptions options)
    {
        if (options.ColumnIndices is { } indices)
        {
            for (int i = 0; i < indices.Count; i++)
            {
                if (indices[i] < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(options), indices[i], $"CsvOptions.ColumnIndices[{i}] is {indices[i]}; column indices are 0-based and never negative.");
                }
            }
        }

        if (options.SkipLines < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SkipLines, "CsvOptions.SkipLines must not be negative.");
        }

        if (options.Separator is '"' or '\r' or '\n' or > (char)127)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Separator, $"CsvOptions.Separator must be an ASCII character other than a quote or a line break; got U+{(int)options.Separator:X4}.");
        }
    }

    private static CsvTable Parse(Stream text, string name, CsvOptions options, DataLimits limits)
    {
        // A UTF-8 byte order mark, then the lines to skip, are consumed here; the reader gets the rest.
        byte[] head = new byte[3];
        int got = text.ReadAtLeast(head, 3, throwOnEndOfStream: false);
        Stream rest = head.AsSpan(0, got).SequenceEqual("\uFEFF"u8) ? text : new PrefixStream(head[..got], text);

        (int skippedLines, rest) = SkipLines(rest, options.SkipLines);
        long maxValues = Math.Min(limits.MaxCsvValues, Array.MaxLength);
        var reader = new RecordReader(rest, name, options.Separator, limits.MaxRecordBytes, skippedLines);
        string[] headers = [];
        int headerLine = skippedLines + 1;
        if (options.HasHeader && reader.Read())
        {
            headerLine = (int)reader.LineNumber;
            headers = new string[reader.FieldCount];
            for (int i = 0; i < headers.Length; i++)
            {
                if (!Utf8.IsValid(reader.Field(i)))
                {
                    throw DataFormatException.AtCell(name, headerLine, null, "UTF-8 text", "an invalid UTF-8 byte in the header");
                }

                headers[i] = Encoding.UTF8.GetString(reader.Field(i));
            }
        }

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

        var values = new ChunkedValues(maxValues, name);
        int columns = -1;
        int fieldCount = options.HasHeader ? headers.Length : -1;
        long rows = 0;
        while (reader.Read())
        {
            long line = reader.LineNumber;
            if (fieldCount < 0)
            {
                fieldCount = reader.FieldCount;
            }
            else if (reader.FieldCount != fieldCount)
            {
                throw DataFormatException.AtCell(name, line, null, WellFormed,
                    $"{reader.FieldCount} fields where the {(options.HasHeader ? "header" : "first row")} has {fieldCount}");
            }

            for (int i = 0; i < reader.FieldCount; i++)
            {
                if (!Utf8.IsValid(reader.Field(i)))
                {
                    throw DataFormatException.AtCell(name, line, null, "UTF-8 text", "an invalid UTF-8 byte");
                }
            }

            selected ??= Enumerable.Range(0, reader.FieldCount).ToArray();
            if (columns < 0)
            {
                columns = selected.Length;
                names ??= selected.Select(i => options.HasHeader && i < headers.Length ? headers[i] : i.ToString(CultureInfo.InvariantCulture)).ToArray();
            }

            foreach (int column in selected)
            {
                if (column >= reader.FieldCount)
                {
                    throw DataFormatException.AtCell(name, line, column + 1, $"at least {column + 1} fields", $"{reader.FieldCount} fields");
                }

                ReadOnlySpan<byte> cell = reader.Field(column);
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                {
                    throw DataFormatException.AtCell(name, line, column + 1, "a number", cell.IsEmpty ? "an empty cell" : $"'{Printable(cell)}'");
                }

                values.Add(value, line, column + 1);
            }

            rows++;
        }

        if (columns < 0)
        {
            int width = selected?.Length ?? headers.Length;
            names ??= selected?.Select(i => i < headers.Length ? headers[i] : i.ToString(CultureInfo.InvariantCulture)).ToArray() ?? headers;
            return new CsvTable(names, new Tensor<double>(0, width));
        }

        return new CsvTable(names!, Tensor<double>.Wrap(values.ToArray(), new Shape(checked((int)rows), columns)));
    }

    private const string WellFormed = "well-formed CSV (closed quotes, the same number of fields on every row, lines within DataLimits.MaxRecordBytes)";

    /// <summary>Reads up to <paramref name="count"/> bytes and returns them with a stream that yields the whole input
    /// again (rewound when it can seek, else the bytes put in front).</summary>
    private static (byte[] Head, Stream Stream) Peek(Stream stream, int count)
    {
        byte[] head = new byte[count];
        int got = stream.ReadAtLeast(head, count, throwOnEndOfStream: false);
        head = head[..got];
        if (stream.CanSeek)
        {
            stream.Seek(-got, SeekOrigin.Current);
            return (head, stream);
        }

        return (head, new PrefixStream(head, stream));
    }

    /// <summary>Consumes <paramref name="lines"/> lines; returns how many there were and the rest of the input.</summary>
    private static (int Skipped, Stream Remainder) SkipLines(Stream stream, int lines)
    {
        if (lines == 0)
        {
            return (0, stream);
        }

        byte[] buffer = new byte[1 << 16];
        int skipped = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            int at = 0;
            while (skipped < lines)
            {
                int newline = buffer.AsSpan(at, n - at).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                at += newline + 1;
                skipped++;
            }

            if (skipped == lines)
            {
                return (skipped, new PrefixStream(buffer[at..n], stream));
            }
        }

        // Fewer lines than asked: the last one, if it had no line break, was skipped too.
        return (skipped, Stream.Null);
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

    /// <summary>The parsed values, in chunks of at most <see cref="ChunkValues"/> so nothing is ever reallocated; the
    /// count is checked against the cap before each chunk is allocated.</summary>
    private sealed class ChunkedValues(long maxValues, string name)
    {
        private readonly List<double[]> _chunks = [];
        private double[] _current = [];
        private int _used;
        private long _count;

        public void Add(double value, long line, int column)
        {
            if (_used == _current.Length)
            {
                if (_count >= maxValues)
                {
                    throw DataFormatException.AtCell(name, line, column, $"at most {maxValues} values (DataLimits.MaxBytes / 8; raise DataLimits.MaxBytes to read more)", "more");
                }

                // Chunks double from 1,024 values up to ChunkValues, so a small table allocates little.
                long size = Math.Clamp(_count, 1024, ChunkValues);
                _current = new double[(int)Math.Min(size, maxValues - _count)];
                _chunks.Add(_current);
                _used = 0;
            }

            _current[_used++] = value;
            _count++;
        }

        public double[] ToArray()
        {
            double[] result = GC.AllocateUninitializedArray<double>(checked((int)_count));
            long at = 0;
            foreach (double[] chunk in _chunks)
            {
                int n = (int)Math.Min(chunk.Length, _count - at);
                chunk.AsSpan(0, n).CopyTo(result.AsSpan((int)at));
                at += n;
            }

            _chunks.Clear();
            return result;
        }
    }

    /// <summary>An RFC 4180 record reader over UTF-8 bytes: fields separated by the separator, records by CRLF, LF or
    /// CR, a field in double quotes may hold separators, line breaks and doubled quotes (""), empty lines are skipped.
    /// A quote that is never closed, text after a closing quote, a quote inside an unquoted field and a record longer
    /// than the limit are errors naming the row. Reads the stream in 64 KiB blocks; a record's unquoted bytes are kept
    /// in one buffer that grows to at most the record limit.</summary>
    private sealed class RecordReader(Stream source, string name, char separator, int maxRecordBytes, long skippedLines)
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private readonly byte _separator = (byte)separator;
        private readonly SearchValues<byte> _stops = SearchValues.Create([(byte)separator, (byte)'\n', (byte)'\r', (byte)'"']);
        private readonly List<(int Start, int Length)> _fields = [];
        private byte[] _record = new byte[1024];
        private int _recordLength;
        private long _recordBytes;
        private int _position;
        private int _end;
        private bool _finished;
        private long _line = 1;

        /// <summary>The line of the file (1-based, skipped lines included) on which the current record starts.</summary>
        public long LineNumber { get; private set; }

        public int FieldCount => _fields.Count;

        public ReadOnlySpan<byte> Field(int index) => _record.AsSpan(_fields[index].Start, _fields[index].Length);

        public bool Read()
        {
            // Empty lines between records are skipped.
            while (true)
            {
                int b = Peek();
                if (b < 0)
                {
                    return false;
                }

                if (b is not ('\n' or '\r'))
                {
                    break;
                }

                EndLine();
            }

            LineNumber = _line + skippedLines;
            _fields.Clear();
            _recordLength = 0;
            _recordBytes = 0;
            while (true)
            {
                int start = _recordLength;
                if (Peek() == '"')
                {
                    ReadQuoted();
                    _fields.Add((start, _recordLength - start));
                    int after = Peek();
                    if (after == _separator)
                    {
                        Take(1);
                        continue;
                    }

                    if (after is < 0 or '\n' or '\r')
                    {
                        EndLine();
                        return true;
                    }

                    throw Malformed(LineNumber, $"'{(char)after}' after the closing quote of field {_fields.Count}");
                }

                // An unquoted field: everything up to the separator, a line break or the end.
                while (true)
                {
                    if (_position == _end && !Fill())
                    {
                        _fields.Add((start, _recordLength - start));
                        return true;
                    }

                    var span = _buffer.AsSpan(_position, _end - _position);
                    int stop = span.IndexOfAny(_stops);
                    int take = stop < 0 ? span.Length : stop;
                    Append(span[..take]);
                    Take(take);
                    if (stop < 0)
                    {
                        continue;
                    }

                    byte c = span[stop];
                    if (c == '"')
                    {
                        throw Malformed(LineNumber, $"a quote inside the unquoted field {_fields.Count + 1}");
                    }

                    _fields.Add((start, _recordLength - start));
                    if (c == _separator)
                    {
                        Take(1);
                        break;
                    }

                    EndLine();
                    return true;
                }
            }
        }

        /// <summary>A field in quotes, from its opening quote to its closing one; "" is a quote.</summary>
        private void ReadQuoted()
        {
            long opened = _line + skippedLines;
            Take(1);
            while (true)
            {
                int b = Peek();
                if (b < 0)
                {
                    throw Malformed(opened, $"a quote opened on row {opened} that is never closed");
                }

                Take(1);
                if (b == '"')
                {
                    if (Peek() != '"')
                    {
                        return;
                    }

                    Take(1);
                }
                else if (b == '\n')
                {
                    _line++;
                }

                _record = Grow(_record, _recordLength + 1);
                _record[_recordLength++] = (byte)b;
            }
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            _record = Grow(_record, _recordLength + bytes.Length);
            bytes.CopyTo(_record.AsSpan(_recordLength));
            _recordLength += bytes.Length;
        }

        private static byte[] Grow(byte[] record, int needed)
        {
            if (needed <= record.Length)
            {
                return record;
            }

            Array.Resize(ref record, Math.Max(needed, record.Length * 2));
            return record;
        }

        /// <summary>Consumes bytes of the current record, holding it to the record limit.</summary>
        private void Take(int count)
        {
            _position += count;
            _recordBytes += count;
            if (_recordBytes > maxRecordBytes)
            {
                throw Malformed(LineNumber, $"a record longer than {maxRecordBytes} bytes (DataLimits.MaxRecordBytes)");
            }
        }

        /// <summary>Consumes one line break (CRLF, LF or CR), if there is one.</summary>
        private void EndLine()
        {
            int b = Peek();
            if (b == '\r')
            {
                _position++;
                if (Peek() == '\n')
                {
                    _position++;
                }

                _line++;
            }
            else if (b == '\n')
            {
                _position++;
                _line++;
            }
        }

        private int Peek() => _position < _end || Fill() ? _buffer[_position] : -1;

        private bool Fill()
        {
            if (_finished)
            {
                return false;
            }

            _position = 0;
            _end = source.Read(_buffer);
            _finished = _end == 0;
            return !_finished;
        }

        private DataFormatException Malformed(long line, string found) => DataFormatException.AtCell(name, line, null, WellFormed, found);
    }

    /// <summary>Bytes put back in front of a stream.</summary>
    private sealed class PrefixStream(byte[] prefix, Stream inner) : ForwardStream
    {
        private int _at;

        public override int Read(Span<byte> buffer)
        {
            if (_at < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }

            return inner.Read(buffer);
        }
    }

    /// <summary>Counts a plain stream's bytes and stops at the input cap (a stream whose length is unknown).</summary>
    private sealed class CountingStream(Stream inner, string name, long bound) : ForwardStream
    {
        private long _read;

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _read += n;
            if (_read > bound)
            {
                throw DataFormatException.AtOffset(name, bound, $"at most {bound} bytes of text (DataLimits.MaxInputBytes)", "more");
            }

            return n;
        }
    }

    /// <summary>A read-only, forward-only stream: subclasses give <see cref="Read(Span{byte})"/>.</summary>
    private abstract class ForwardStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public abstract override int Read(Span<byte> buffer);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
