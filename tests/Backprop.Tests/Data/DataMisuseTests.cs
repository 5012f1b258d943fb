using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Backprop.Data;
using Backprop.Data.Datasets;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>Issue 14's findings on the data side, one test each: misuse gets a typed exception naming the argument
/// and value, a malformed file a <see cref="DataFormatException"/> naming the file and the place.</summary>
public class DataMisuseTests
{
    [Fact]
    public void A_negative_csv_column_index_is_an_ArgumentOutOfRangeException_naming_it()
    {
        var stream = new MemoryStream("a,b\n1,2\n"u8.ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CsvFile.Read(stream, "t.csv", new CsvOptions { ColumnIndices = [0, -1] }));
        Assert.Equal("options", e.ParamName);
        Assert.Equal(-1, e.ActualValue);
        Assert.Contains("ColumnIndices[1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_column_index_beyond_the_file_is_a_DataFormatException_naming_row_and_column()
    {
        var stream = new MemoryStream("1,2\n3,4\n"u8.ToArray());
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(stream, "t.csv", new CsvOptions { HasHeader = false, ColumnIndices = [5] }));
        Assert.Equal(1, e.Row);
        Assert.Equal(6, e.Column);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void CsvTable_Column_out_of_range_is_an_ArgumentOutOfRangeException(int index)
    {
        var table = CsvFile.Read(new MemoryStream("a,b\n1,2\n"u8.ToArray()), "t.csv");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => table.Column(index));
        Assert.Equal("index", e.ParamName);
        Assert.Equal(index, e.ActualValue);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    [InlineData(int.MaxValue)]
    public void GetDouble_out_of_range_is_an_ArgumentOutOfRangeException_naming_index_and_length(int index)
    {
        Tensor tensor = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tensor.GetDouble(index));
        Assert.Equal("flatIndex", e.ParamName);
        Assert.Equal(index, e.ActualValue);
        Assert.Contains("6 elements", e.Message, StringComparison.Ordinal);
        Assert.Equal(6.0, tensor.GetDouble(5));
    }

    [Theory]
    [InlineData(0u, 0x8000_0000u)]
    [InlineData(0x8000_0000u, 0u)]
    [InlineData(0u, 0xFFFF_FFFFu)]
    public void An_idx_file_with_a_zero_dimension_next_to_one_of_2_31_or_more_is_a_DataFormatException(uint first, uint second)
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), "huge.idx");
        File.WriteAllBytes(path, IdxFileTests.Header(0x08, first, second));
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Offset);
        Assert.Contains("tensor limit", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(0, 4294967296)")]
    [InlineData("(0, 2147483648)")]
    [InlineData("(2147483648, 0)")]
    public void An_npy_file_with_a_zero_dimension_next_to_a_huge_one_is_a_DataFormatException_not_a_wrong_shape(string shape)
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), "huge.npy");
        File.WriteAllBytes(path, NpyFileTests.Npy($"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}", []));
        var e = Assert.Throws<DataFormatException>(() => NpyFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Offset);
        Assert.Contains("tensor limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Splitting_zero_rows_is_an_ArgumentOutOfRangeException_naming_n()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Indices(0, 0.25, 1));
        Assert.Equal("n", e.ParamName);
        var x = new Tensor<double>(0, 3);
        var y = new Tensor<double>(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Split(x, y, 0.25, 1));
    }

    [Fact]
    public void Take_with_a_row_out_of_range_is_an_ArgumentOutOfRangeException()
    {
        var x = Tensor.From(new double[] { 1, 2, 3, 4 }, 2, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainTestSplit.Take(x, [1, 2]));
        Assert.Equal("rows", e.ParamName);
        Assert.Equal(2, e.ActualValue);
    }

    public static TheoryData<string, string> BadMnistSets() => new()
    {
        { "28x27 images", "train-images" },
        { "label 12", "train-labels" },
        { "label 255", "t10k-labels" },
        { "one label short", "train-labels" },
        { "no images", "t10k-images" },
    };

    [Theory]
    [MemberData(nameof(BadMnistSets))]
    public void Mnist_style_sets_with_wrong_shapes_or_labels_are_refused_naming_the_file(string problem, string file)
    {
        string folder = WriteMnistStyleSet("fashion-mnist", problem);
        var cache = new DataCache(folder, new HttpClient(new RefusingHandler()));
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(cache));
        Assert.Contains($"{file}-idx", e.FileName, StringComparison.Ordinal);
        Assert.NotNull(e.Offset);
    }

    [Fact]
    public void A_label_out_of_range_is_reported_at_its_byte_offset()
    {
        string folder = WriteMnistStyleSet("mnist", "label 12");
        var e = Assert.Throws<DataFormatException>(() => Mnist.Load(new DataCache(folder, new HttpClient(new RefusingHandler()))));
        Assert.Contains("train-labels-idx1-ubyte.gz", e.Message, StringComparison.Ordinal);
        Assert.Equal(8 + 3, e.Offset);
        Assert.Contains("label 12 for image 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_small_mnist_style_set_loads()
    {
        string folder = WriteMnistStyleSet("fashion-mnist", "valid");
        var (xTrain, yTrain, xTest, yTest) = FashionMnist.Load(new DataCache(folder, new HttpClient(new RefusingHandler())));
        Assert.Equal(new Shape(5, 28, 28), xTrain.Shape);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, yTrain.ToArray());
        Assert.Equal(new Shape(3, 28, 28), xTest.Shape);
        Assert.Equal(3, yTest.Length);
    }

    [Fact]
    public void A_cifar10_batch_without_10000_records_is_refused_naming_it()
    {
        string folder = DataTestFiles.ScratchFolder();
        Directory.CreateDirectory(Path.Combine(folder, "cifar-10-batches-bin"));
        foreach (string batch in new[] { "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch" })
        {
            File.WriteAllBytes(Path.Combine(folder, "cifar-10-batches-bin", batch + ".bin"), FormatFuzzer.CifarBatch(3, 1));
        }

        var e = Assert.Throws<DataFormatException>(() => Cifar10.Load(new DataCache(folder, new HttpClient(new RefusingHandler()))));
        Assert.Contains("data_batch_1.bin", e.Message, StringComparison.Ordinal);
        Assert.Contains("10000 records", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_crc_error_says_crc_not_unsupported_compression_method()
    {
        byte[] gz = IdxGzip(Tensor.From(Enumerable.Range(0, 600).Select(i => (float)i).ToArray(), 20, 30));
        gz[^8] ^= 0x01;
        string path = Path.Combine(DataTestFiles.ScratchFolder(), "crc.idx.gz");
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("CRC-32 mismatch", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unsupported compression method", e.Message, StringComparison.Ordinal);

        byte[] csv = LoaderMemoryTests.Gzip("a,b\n1,2\n3,4\n"u8.ToArray());
        csv[^7] ^= 0x10;
        var c = Assert.Throws<DataFormatException>(() => CsvFile.Read(new MemoryStream(csv), "crc.csv.gz"));
        Assert.Contains("crc.csv.gz", c.Message, StringComparison.Ordinal);
        Assert.Contains("CRC-32 mismatch", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_gzip_corruption_is_named_too()
    {
        byte[] gz = IdxGzip(Tensor.From(Enumerable.Range(0, 600).Select(i => (float)i).ToArray(), 20, 30));
        byte[] length = (byte[])gz.Clone();
        length[^2] ^= 0x01;
        Assert.Contains("length mismatch", Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream(length), "length.gz")).Message, StringComparison.Ordinal);
        byte[] method = (byte[])gz.Clone();
        method[2] = 7;
        Assert.Contains("compression method 7", Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream(method), "method.gz")).Message, StringComparison.Ordinal);
        var garbage = Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream([.. gz, 1, 2, 3]), "garbage.gz"));
        Assert.Contains("3 bytes after the last gzip member", garbage.Message, StringComparison.Ordinal);
        var cut = Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream(gz[..^8]), "cut.gz"));
        Assert.Contains("cut.gz", cut.Message, StringComparison.Ordinal);
        for (int at = 12; at < gz.Length - 8; at += 37)
        {
            byte[] body = (byte[])gz.Clone();
            body[at] ^= 0x5A;
            try
            {
                IdxFile.Read(new MemoryStream(body), "body.gz");
            }
            catch (DataFormatException e)
            {
                Assert.DoesNotContain("unsupported compression method", e.Message, StringComparison.Ordinal);
                Assert.Contains("body.gz", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_valid_multi_member_gzip_is_accepted_by_idx_and_csv()
    {
        var tensor = Tensor.From(Enumerable.Range(0, 600).Select(i => (short)i).ToArray(), 20, 30);
        byte[] raw = LoaderMemoryTests.Gunzip(IdxGzip(tensor));
        byte[] multi = [.. LoaderMemoryTests.Gzip(raw[..7]), .. LoaderMemoryTests.Gzip(raw[7..500]), .. LoaderMemoryTests.Gzip(raw[500..])];
        RandomArrays.AssertIdentical(tensor, IdxFile.Read(new MemoryStream(multi), "multi.idx.gz").Tensor);

        byte[] text = "x,y\n1,2\n3,4\n5,6\n"u8.ToArray();
        var table = CsvFile.Read(new MemoryStream([.. LoaderMemoryTests.Gzip(text[..9]), .. LoaderMemoryTests.Gzip(text[9..])]), "multi.csv.gz");
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, table.Values.ToArray());
    }

    [Fact]
    public void A_gzip_idx_file_that_holds_less_than_its_header_declares_is_refused()
    {
        byte[] raw = [.. IdxFileTests.Header(0x08, 100, 100), .. new byte[5000]];
        var e = Assert.Throws<DataFormatException>(() => IdxFile.Read(new MemoryStream(LoaderMemoryTests.Gzip(raw)), "short.idx.gz"));
        Assert.Contains("short.idx.gz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_seekable_streams_read_like_files()
    {
        var tensor = Tensor.From(Enumerable.Range(0, 600).Select(i => (double)i).ToArray(), 20, 30);
        using var npy = new MemoryStream();
        NpyFile.Write(npy, tensor);
        RandomArrays.AssertIdentical(tensor, NpyFile.Read(new LoaderMemoryTests.NonSeekableStream(npy.ToArray()), "pipe.npy").Tensor);
        RandomArrays.AssertIdentical(tensor, IdxFile.Read(new LoaderMemoryTests.NonSeekableStream(IdxGzip(tensor)), "pipe.idx.gz").Tensor);
        byte[] csv = [0xEF, 0xBB, 0xBF, .. "skip me\nx,y\n1,2\n"u8];
        var table = CsvFile.Read(new LoaderMemoryTests.NonSeekableStream(LoaderMemoryTests.Gzip(csv)), "pipe.csv.gz", new CsvOptions { SkipLines = 1 });
        Assert.Equal(["x", "y"], table.ColumnNames);
        Assert.Equal(new double[] { 1, 2 }, table.Values.ToArray());
    }

    private static byte[] IdxGzip(Tensor tensor)
    {
        using var stream = new MemoryStream();
        IdxFile.Write(stream, tensor, gzip: true);
        return stream.ToArray();
    }

    /// <summary>A small MNIST-style quartet (5 training and 3 test images) in <paramref name="folder"/>, with one
    /// problem planted.</summary>
    private static string WriteMnistStyleSet(string folder, string problem)
    {
        string root = DataTestFiles.ScratchFolder();
        Directory.CreateDirectory(Path.Combine(root, folder));
        var trainImages = new Tensor<byte>(problem == "28x27 images" ? new Shape(5, 28, 27) : new Shape(5, 28, 28));
        var trainLabels = Tensor.From(new byte[] { 0, 1, 2, (byte)(problem == "label 12" ? 12 : 3), 4 }, 5);
        if (problem == "one label short")
        {
            trainLabels = Tensor.From(new byte[] { 0, 1, 2, 3 }, 4);
        }

        var testImages = new Tensor<byte>(problem == "no images" ? new Shape(0, 28, 28) : new Shape(3, 28, 28));
        var testLabels = problem == "no images" ? new Tensor<byte>(0) : Tensor.From(new byte[] { 9, (byte)(problem == "label 255" ? 255 : 8), 7 }, 3);
        string prefix = Path.Combine(root, folder);
        IdxFile.Write(Path.Combine(prefix, "train-images-idx3-ubyte.gz"), trainImages, gzip: true);
        IdxFile.Write(Path.Combine(prefix, "train-labels-idx1-ubyte.gz"), trainLabels, gzip: true);
        IdxFile.Write(Path.Combine(prefix, "t10k-images-idx3-ubyte.gz"), testImages, gzip: true);
        IdxFile.Write(Path.Combine(prefix, "t10k-labels-idx1-ubyte.gz"), testLabels, gzip: true);
        return root;
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"The test tried the network: {request.RequestUri}");

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"The test tried the network: {request.RequestUri}");
    }
}
