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
}
