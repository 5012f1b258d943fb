using System.Text;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>Every reader checks the sizes it learns against <see cref="DataLimits"/> before allocating, and a file
/// beyond a limit is a <see cref="DataFormatException"/> naming the file, the place and the limit.</summary>
public class DataLimitsTests
{
    internal static byte[] Csv(int rows, int columns)
    {
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            text.Append(string.Join(',', Enumerable.Range(r, columns))).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    [Fact]
    public void Defaults_are_documented_and_bounded_by_the_memory_the_process_may_use()
    {
        var limits = new DataLimits();
        Assert.Equal(DataLimits.DefaultMaxInputBytes, limits.MaxInputBytes);
        Assert.Equal(DataLimits.DefaultMaxRecordBytes, limits.MaxRecordBytes);
        Assert.True(limits.MaxBytes <= DataLimits.DefaultMaxBytes);
        Assert.True(limits.MaxBytes <= Math.Max(1L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2));
        Assert.Equal(limits.MaxBytes / 8, limits.MaxCsvValues);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLimits { MaxBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLimits { MaxInputBytes = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLimits { MaxRecordBytes = 10 });
        Assert.Throws<ArgumentNullException>(() => DataLimits.Default = null!);
    }

    [Fact]
    public void Csv_value_count_beyond_MaxBytes_is_refused_at_the_row_that_crosses_it()
    {
        var limits = new DataLimits { MaxBytes = 8 * 1000 };
        Assert.Equal(new Shape(100, 10), CsvFile.Read(new MemoryStream(Csv(100, 10)), "fits.csv", new CsvOptions { HasHeader = false, Limits = limits }).Values.Shape);
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(new MemoryStream(Csv(101, 10)), "big.csv", new CsvOptions { HasHeader = false, Limits = limits }));
        Assert.Contains("big.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1000 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("DataLimits.MaxBytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(101, e.Row);
        Assert.Equal(1, e.Column);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    [InlineData("non-seekable")]
    public void Csv_input_beyond_MaxInputBytes_is_refused(string kind)
    {
        byte[] text = Csv(200, 10);
        byte[] bytes = kind == "gzip" ? LoaderMemoryTests.Gzip(text) : text;
        Stream stream = kind == "non-seekable" ? new LoaderMemoryTests.NonSeekableStream(bytes) : new MemoryStream(bytes);
        var options = new CsvOptions { HasHeader = false, Limits = new DataLimits { MaxInputBytes = text.Length - 1 } };
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(stream, "long.csv", options));
        Assert.Contains("long.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains(kind == "gzip" ? "DataLimits" : "DataLimits.MaxInputBytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(200, CsvFile.Read(new MemoryStream(bytes), "long.csv", new CsvOptions { HasHeader = false, Limits = new DataLimits { MaxInputBytes = text.Length } }).Values.Shape[0]);
    }

    [Fact]
    public void A_csv_line_beyond_MaxRecordBytes_is_refused()
    {
        byte[] text = [.. "a,b\n1,\""u8, .. Enumerable.Repeat((byte)'7', 100_000), .. "\n"u8];
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(new LoaderMemoryTests.NonSeekableStream(text), "quote.csv", new CsvOptions { Limits = new DataLimits { MaxRecordBytes = 4096 } }));
        Assert.Contains("quote.csv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_readers_refuse_arrays_beyond_MaxBytes_before_allocating()
    {
        var limits = new DataLimits { MaxBytes = 1000 };
        using var idx = new MemoryStream();
        IdxFile.Write(idx, new Tensor<double>(10, 13));
        idx.Position = 0;
        Assert.Contains("DataLimits.MaxBytes", Assert.Throws<DataFormatException>(() => IdxFile.Read(idx, "a.idx", limits)).Message, StringComparison.Ordinal);
        using var npy = new MemoryStream();
        NpyFile.Write(npy, new Tensor<float>(300));
        npy.Position = 0;
        Assert.Contains("DataLimits.MaxBytes", Assert.Throws<DataFormatException>(() => NpyFile.Read(npy, "a.npy", limits)).Message, StringComparison.Ordinal);
        using var npz = new MemoryStream();
        NpzFile.Write(npz, [new("a", new Tensor<float>(200)), new("b", new Tensor<float>(200))]);
        npz.Position = 0;
        Assert.Contains("DataLimits.MaxBytes", Assert.Throws<DataFormatException>(() => NpzFile.Read(npz, "a.npz", limits)).Message, StringComparison.Ordinal);
        Assert.Contains("DataLimits.MaxBytes", Assert.Throws<DataFormatException>(() => Cifar10Batch.Read(new MemoryStream(FormatFuzzer.CifarBatch(1, 1)), "a.bin", limits)).Message, StringComparison.Ordinal);
        Assert.Contains("a.bin", Assert.Throws<DataFormatException>(() => Cifar10Batch.Read(new LoaderMemoryTests.NonSeekableStream(FormatFuzzer.CifarBatch(1000, 1)), "a.bin", limits)).Message, StringComparison.Ordinal);
    }
}

/// <summary>Tests that set the process-wide <see cref="DataLimits.Default"/> must not run beside other readers.</summary>
[CollectionDefinition(nameof(DataLimitsDefaultCollection), DisableParallelization = true)]
public sealed class DataLimitsDefaultCollection;

[Collection(nameof(DataLimitsDefaultCollection))]
public sealed class DataLimitsDefaultTests
{
    [Fact]
    public void The_default_limits_can_be_set_for_the_process()
    {
        var saved = DataLimits.Default;
        try
        {
            DataLimits.Default = saved with { MaxBytes = 800 };
            var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(new MemoryStream(DataLimitsTests.Csv(11, 10)), "default.csv", new CsvOptions { HasHeader = false }));
            Assert.Contains("at most 100 values", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            DataLimits.Default = saved;
        }
    }
}
