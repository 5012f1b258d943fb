using System.Text;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

public class CsvFileTests
{
    private static CsvTable Read(string text, CsvOptions? options = null, string name = "table.csv")
        => CsvFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, options);

    [Fact]
    public void Reads_header_quoted_fields_and_selected_columns()
    {
        var table = Read("a,\"b, quoted\",c\r\n1,2.5,-3e2\n\"4\",5,6\n", new CsvOptions { ColumnNames = ["c", "a"] });
        Assert.Equal(["c", "a"], table.ColumnNames);
        Assert.Equal(new Shape(2, 2), table.Values.Shape);
        Assert.Equal(new[] { -300.0, 1, 6, 4 }, table.Values.ToArray());

        var byIndex = Read("1,2,3\n4,5,6\n", new CsvOptions { HasHeader = false, ColumnIndices = [2, 0] });
        Assert.Equal(new[] { 3.0, 1, 6, 4 }, byIndex.Values.ToArray());
        Assert.Equal(["2", "0"], byIndex.ColumnNames);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "x,y\n1,2\n"u8];
        var table = CsvFile.Read(new MemoryStream(bytes), "bom.csv");
        Assert.Equal(["x", "y"], table.ColumnNames);
        Assert.Equal(new[] { 1.0, 2 }, table.Values.ToArray());
    }

    [Fact]
    public void Skip_lines_handles_the_scikit_learn_first_line()
    {
        var table = Read("3,2,cat,dog\n1.5,2,0\n3,4,1\n5,6,1\n", new CsvOptions { HasHeader = false, SkipLines = 1 });
        Assert.Equal(new Shape(3, 3), table.Values.Shape);
        Assert.Equal(6.0, table.Values[2, 1]);
    }

    public static TheoryData<string, byte[], string> HostileFiles() => new()
    {
        { "bad cell", "a,b\n1,2\n3,x\n"u8.ToArray(), "row 3, column 2: expected a number, found 'x'" },
        { "empty cell", "a,b\n1,\n"u8.ToArray(), "row 2, column 2: expected a number, found an empty cell" },
        { "ragged row", "a,b\n1,2\n3,4,5\n"u8.ToArray(), "row 3" },
        { "short row", "a,b\n1,2\n3\n"u8.ToArray(), "row 3" },
        { "unterminated quote", "a,b\n1,2\n3,\"4\n5,6\n"u8.ToArray(), "never closed" },
        { "text after quote", "a,b\n1,\"2\"x\n"u8.ToArray(), "row 2" },
        { "invalid utf8", [.. "a,b\n1,2\n3,"u8, 0xC3, 0x28, .. "\n"u8], "row 3: expected UTF-8 text" },
        { "missing column", "a,b\n1,2\n"u8.ToArray(), "a column named 'z'" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_csv_throws_DataFormatException_with_file_row_and_column(string what, byte[] bytes, string reason)
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), what.Replace(' ', '-') + ".csv");
        File.WriteAllBytes(path, bytes);
        var options = what == "missing column" ? new CsvOptions { ColumnNames = ["z"] } : null;
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(path, options));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Row);
    }

    [Fact]
    public void Line_breaks_quotes_and_empty_lines_follow_RFC_4180()
    {
        // CRLF, LF and a bare CR end records; empty lines are skipped; quoted fields hold separators, line breaks and "".
        var table = Read("a,\"b\"\"x\",c\r\n\r\n1,\"2\",3\r4,5,6\n\n\"7\n\",8,9\n", new CsvOptions { ColumnIndices = [0, 2] });
        Assert.Equal(["a", "c"], table.ColumnNames);
        var header = Read("\"x,\"\"y\"\"\",z\n1,2\n");
        Assert.Equal(["x,\"y\"", "z"], header.ColumnNames);
        var e = Assert.Throws<DataFormatException>(() => Read("a,b\n1,2\n3,\"4\n\n\"\n6,x\n"));
        Assert.Contains("row 6, column 2: expected a number, found 'x'", e.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { 1.0, 3, 4, 6, 7, 9 }, table.Values.ToArray());
        Assert.Equal(Enumerable.Range(1, 9).Select(v => (double)v), Read("1,2,3\n4,5,6\r\n7,8,9", new CsvOptions { HasHeader = false }).Values.ToArray());
    }

    [Theory]
    [InlineData("a,b\n1,2,\n", "3 fields where the header has 2")]
    [InlineData("a,b\n1,2\n3\n", "1 fields where the header has 2")]
    [InlineData("a,b\n1,x\"y\n", "a quote inside the unquoted field 2")]
    [InlineData("a,b\n1,\"2\" \n", "' ' after the closing quote of field 2")]
    [InlineData("a,b\n1,2\n\n\n3,\"4\n", "a quote opened on row 5 that is never closed")]
    public void Malformed_records_name_the_row_and_the_problem(string text, string problem)
    {
        var e = Assert.Throws<DataFormatException>(() => Read(text));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains("table.csv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_randomly_quoted_table_reads_back_exactly_across_buffer_boundaries()
    {
        // 3,000 rows × 7 columns (~150 KB, so records straddle the reader's 64 KiB blocks), each cell quoted or not and
        // each row ended by CRLF or LF at random, against the values written.
        var random = new System.Random(20);
        const int rows = 3000, columns = 7;
        var expected = new double[rows * columns];
        var text = new StringBuilder("c0,\"c1\",c2,c3,c4,c5,c6\n");
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double v = Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 6)), random.Next(0, 8));
                expected[r * columns + c] = v;
                string cell = v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                text.Append(random.Next(3) == 0 ? $"\"{cell}\"" : cell).Append(c < columns - 1 ? "," : random.Next(2) == 0 ? "\r\n" : "\n");
            }
        }

        var table = Read(text.ToString());
        Assert.Equal(new Shape(rows, columns), table.Values.Shape);
        Assert.Equal(expected, table.Values.ToArray());
        Assert.Equal("c1", table.ColumnNames[1]);
    }
}
