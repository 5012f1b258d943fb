using System.Globalization;
using System.IO.Compression;
using System.Text;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>The memory rule of every loader: a read allocates at most twice its result plus a constant. Managed
/// allocation is counted on the reading thread (deterministic, unlike timing or resident memory), and the total
/// allocated bounds the managed peak from above. bench/data-memory.sh measures the peak resident memory of the same
/// loaders on 50–800 MB files in fresh processes (docs/data-loading.md).</summary>
public class LoaderMemoryTests
{
    /// <summary>The constant of the rule: reader buffers, a partial chunk, headers.</summary>
    internal const long Constant = 2 << 20;

    public static TheoryData<string> Loaders() =>
    [
        "csv", "csv.gz", "csv non-seekable", "csv.gz multi-member", "idx", "idx.gz", "idx.gz multi-member", "idx non-seekable",
        "npy", "npy fortran", "npy non-seekable", "npz", "npz deflated", "cifar", "cifar non-seekable",
    ];

    [Theory]
    [MemberData(nameof(Loaders))]
    public void A_read_allocates_at_most_twice_its_result_plus_a_constant(string loader)
    {
        (byte[] file, Func<Stream, long> read) = Make(loader);
        read(Open(loader, file));
        var stream = Open(loader, file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long result = read(stream);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(result > 4 << 20, $"the {loader} result is only {result} bytes");
        Assert.True(allocated <= (2 * result) + Constant, $"{loader}: {allocated:N0} bytes allocated for a result of {result:N0} bytes ({(double)allocated / result:F2}×)");
    }

    private static Stream Open(string loader, byte[] file) => loader.Contains("non-seekable", StringComparison.Ordinal)
        ? new NonSeekableStream(file)
        : new MemoryStream(file, writable: false);

    private static (byte[] File, Func<Stream, long> Read) Make(string loader)
    {
        var random = new System.Random(loader.Length);
        string format = loader.Split(' ')[0];
        switch (format)
        {
            case "csv" or "csv.gz":
            {
                // 100,000 rows of 10 numbers: 8 MB as float64.
                var text = new StringBuilder("a,b,c,d,e,f,g,h,i,j\n");
                for (int r = 0; r < 100_000; r++)
                {
                    for (int c = 0; c < 10; c++)
                    {
                        text.Append(c == 0 ? string.Empty : ",").Append(random.Next(1000).ToString(CultureInfo.InvariantCulture));
                    }

                    text.Append('\n');
                }

                byte[] bytes = Encoding.ASCII.GetBytes(text.ToString());
                if (format == "csv.gz")
                {
                    bytes = loader.Contains("multi", StringComparison.Ordinal)
                        ? [.. Gzip(bytes[..(bytes.Length / 2)]), .. Gzip(bytes[(bytes.Length / 2)..])]
                        : Gzip(bytes);
                }

                return (bytes, s => CsvFile.Read(s, loader).Values.Length * 8L);
            }

            case "idx" or "idx.gz":
            {
                var tensor = new Tensor<float>(2000, 28, 28);
                for (int i = 0; i < tensor.Length; i += 3)
                {
                    tensor.AsSpan()[i] = random.Next(256);
                }

                using var stream = new MemoryStream();
                IdxFile.Write(stream, tensor, gzip: format == "idx.gz");
                byte[] bytes = stream.ToArray();
                if (loader.Contains("multi", StringComparison.Ordinal))
                {
                    byte[] raw = Gunzip(bytes);
                    bytes = [.. Gzip(raw[..1000]), .. Gzip(raw[1000..])];
                }

                return (bytes, s => IdxFile.Read(s, loader).Tensor.Length * 4L);
            }

            case "npy":
            {
                var tensor = new Tensor<double>(200_000, 5);
                random.NextBytes(ElementBytes.Bytes(tensor));
                using var stream = new MemoryStream();
                NpyFile.Write(stream, tensor);
                byte[] bytes = stream.ToArray();
                if (loader.Contains("fortran", StringComparison.Ordinal))
                {
                    // The same bytes declared as Fortran order (same header length: True is one letter shorter than False).
                    byte[] header = Encoding.Latin1.GetBytes("'fortran_order': False");
                    int at = bytes.AsSpan().IndexOf(header);
                    Encoding.Latin1.GetBytes("'fortran_order': True ").CopyTo(bytes, at);
                }

                return (bytes, s => NpyFile.Read(s, loader).Tensor.Length * 8L);
            }

            case "npz":
            {
                var x = new Tensor<double>(100_000, 5);
                var y = new Tensor<int>(300_000);
                for (int i = 0; i < x.Length; i += 5)
                {
                    x.AsSpan()[i] = random.NextDouble();
                }

                using var stream = new MemoryStream();
                NpzFile.Write(stream, [new("x", x), new("y", y)], compress: loader.Contains("deflated", StringComparison.Ordinal));
                return (stream.ToArray(), s => NpzFile.Read(s, loader).Values.Sum(a => (long)a.Tensor.Length * a.DType.SizeOf()));
            }

            default:
                return (FormatFuzzer.CifarBatch(2000, 1), s => Cifar10Batch.Read(s, loader).Images.Length + 2000L);
        }
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return stream.ToArray();
    }

    internal static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var result = new MemoryStream();
        gzip.CopyTo(result);
        return result.ToArray();
    }

    /// <summary>A stream that cannot seek or tell its length, as a network or pipe stream.</summary>
    internal sealed class NonSeekableStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7919), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
