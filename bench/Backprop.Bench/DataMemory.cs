using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Backprop.Data.Formats;

namespace Backprop.Bench;

/// <summary>Peak memory of the data loaders, one read per process (run by <c>bench/data-memory.sh</c>):
/// <c>data-memory make DIR</c> writes the measured files, <c>data-memory read FORMAT FILE</c> reads one and prints a
/// JSON line with the peak resident set (VmHWM) above the process's baseline, the managed bytes allocated by the read
/// (an upper bound on the managed peak) and the size of the result; <c>data-memory fuzz FORMAT</c> runs the unit
/// tests' 10,000 seeded mutations of that format and prints the same figures for the whole run and the largest
/// allocation of any one read.</summary>
internal static class DataMemory
{
    public static int Run(string[] args)
    {
        switch (args)
        {
            case ["make", var folder]:
                Make(folder);
                return 0;
            case ["read", var format, var file]:
                Read(format, file);
                return 0;
            case ["fuzz", var format]:
                return Fuzz(format);
            default:
                Console.Error.WriteLine("Usage: data-memory make DIR | read FORMAT FILE | fuzz FORMAT");
                return 2;
        }
    }

    /// <summary>The issue's reproductions (CSV) and one file per binary format, each 50–800 MB of result.</summary>
    private static void Make(string folder)
    {
        Directory.CreateDirectory(folder);

        // 200 MB of text, 100 M zeros (800 MB as float64), gzip: the issue's first reproduction.
        WriteZerosCsv(Path.Combine(folder, "zeros-200mb.csv.gz"), rows: 100_000, columns: 1000);

        // 100 MB of text, 50 M zeros (400 MB as float64), gzip: the second.
        WriteZerosCsv(Path.Combine(folder, "zeros-100mb.csv.gz"), rows: 50_000, columns: 1000);

        // A plain 50 MB CSV of random numbers with a header: the third.
        var random = new System.Random(14);
        using (var writer = new StreamWriter(Path.Combine(folder, "random-50mb.csv"), false, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write(string.Join(',', Enumerable.Range(0, 10).Select(i => $"c{i}")) + "\n");
            var line = new StringBuilder();
            long written = 0;
            while (written < 50_000_000)
            {
                line.Clear();
                for (int c = 0; c < 10; c++)
                {
                    line.Append(c == 0 ? string.Empty : ",").Append((random.NextDouble() * 100).ToString("G10", CultureInfo.InvariantCulture));
                }

                line.Append('\n');
                writer.Write(line);
                written += line.Length;
            }
        }

        // Binary formats: random bytes (so gzip cannot shrink them much), shapes of the kind the labs read.
        var images = new Tensor<float>(50_000, 28, 28);
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.AsSpan()));
        IdxFile.Write(Path.Combine(folder, "float32-157mb.idx"), images);
        var bytes = new Tensor<byte>(100_000, 28, 28);
        for (int i = 0; i < bytes.Length; i++)
        {
            // MNIST-like: mostly zeros, so the gzip file is small and the decompression ratio high.
            bytes.AsSpan()[i] = random.Next(5) == 0 ? (byte)random.Next(256) : (byte)0;
        }

        IdxFile.Write(Path.Combine(folder, "uint8-78mb.idx.gz"), bytes, gzip: true);
        var matrix = new Tensor<double>(4_000_000, 4);
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(matrix.AsSpan()));
        NpyFile.Write(Path.Combine(folder, "float64-128mb.npy"), matrix);
        NpzFile.Write(Path.Combine(folder, "stored-128mb.npz"), [new("x", matrix)]);
        var sparse = new Tensor<double>(4_000_000, 4);
        for (int i = 0; i < sparse.Length; i += 7)
        {
            sparse.AsSpan()[i] = random.NextDouble();
        }

        NpzFile.Write(Path.Combine(folder, "deflated-128mb.npz"), [new("x", sparse)], compress: true);
        byte[] batch = new byte[30_000 * Cifar10Batch.RecordBytes];
        random.NextBytes(batch);
        for (int i = 0; i < 30_000; i++)
        {
            batch[i * Cifar10Batch.RecordBytes] = (byte)random.Next(10);
        }

        File.WriteAllBytes(Path.Combine(folder, "cifar-92mb.bin"), batch);
    }

    private static void WriteZerosCsv(string path, int rows, int columns)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        byte[] row = Encoding.ASCII.GetBytes(string.Join(',', Enumerable.Repeat("0", columns)) + "\n");
        for (int r = 0; r < rows; r++)
        {
            gzip.Write(row);
        }
    }

    private static void Read(string format, string file)
    {
        // Warm up on a tiny file of the same format, so JIT and static data are in the baseline, not the peak.
        string tiny = Path.Combine(Path.GetTempPath(), $"backprop-data-memory-{Environment.ProcessId}");
        WriteTiny(format, tiny);
        Load(format, tiny);
        File.Delete(tiny);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long baseline = Status("VmRSS");
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        string outcome;
        long resultBytes = 0;
        try
        {
            resultBytes = Load(format, file);
            outcome = "ok";
        }
        catch (Exception e)
        {
            outcome = $"{e.GetType().Name}: {e.Message.Split('\n')[0].Replace("\"", "'", StringComparison.Ordinal)}";
        }

        double seconds = watch.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long peak = Status("VmHWM");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"format\":\"{format}\",\"file\":\"{Path.GetFileName(file)}\",\"file_mb\":{new FileInfo(file).Length / 1e6:F1},\"result_mb\":{resultBytes / 1e6:F1},\"baseline_rss_mb\":{baseline / 1e6:F1},\"peak_rss_mb\":{peak / 1e6:F1},\"peak_above_baseline_mb\":{(peak - baseline) / 1e6:F1},\"allocated_mb\":{allocated / 1e6:F1},\"seconds\":{seconds:F2},\"gc_heap_limit_mb\":{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e6:F0},\"outcome\":\"{outcome}\"}}"));
    }

    private static long Load(string format, string file) => format switch
    {
        "csv" or "csv.gz" => CsvFile.Read(file, new CsvOptions { HasHeader = !file.Contains("zeros", StringComparison.Ordinal) }).Values.Length * 8L,
        "idx" or "idx.gz" => IdxFile.Read(file).Tensor is var t ? (long)t.Length * t.DType.SizeOf() : 0,
        "npy" => NpyFile.Read(file).Tensor is var n ? (long)n.Length * n.DType.SizeOf() : 0,
        "npz" => NpzFile.Read(file).Values.Sum(a => (long)a.Tensor.Length * a.DType.SizeOf()),
        "cifar" => Cifar10Batch.Read(file) is var (images, labels) ? images.Length + (long)labels.Length : 0,
        _ => throw new ArgumentException($"Unknown format '{format}'."),
    };

    private static void WriteTiny(string format, string path)
    {
        switch (format)
        {
            case "csv":
                File.WriteAllText(path, "a,b\n1,2\n");
                break;
            case "csv.gz":
                using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
                {
                    gzip.Write("1,2\n3,4\n"u8);
                }

                break;
            case "idx" or "idx.gz":
                IdxFile.Write(path, Tensor.From(new float[] { 1, 2 }, 2), gzip: format == "idx.gz");
                break;
            case "npy":
                NpyFile.Write(path, Tensor.From(new double[] { 1, 2 }, 2));
                break;
            case "npz":
                NpzFile.Write(path, [new("x", Tensor.From(new double[] { 1, 2 }, 2))], compress: true);
                break;
            case "cifar":
                File.WriteAllBytes(path, new byte[Cifar10Batch.RecordBytes]);
                break;
        }
    }

    private static int Fuzz(string format)
    {
        GC.Collect();
        long baseline = Status("VmRSS");
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var run = Backprop.Tests.Data.FormatFuzzer.Run(format);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long peak = Status("VmHWM");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"fuzz\":\"{format}\",\"mutations\":{run.Mutations},\"refused\":{run.Refused},\"other_exceptions\":{run.Failures.Count},\"largest_input_bytes\":{run.LargestInput},\"max_allocated_one_read_kb\":{run.MaxAllocatedBytes / 1e3:F1},\"baseline_rss_mb\":{baseline / 1e6:F1},\"peak_rss_mb\":{peak / 1e6:F1},\"peak_above_baseline_mb\":{(peak - baseline) / 1e6:F1},\"allocated_total_mb\":{allocated / 1e6:F1}}}"));
        foreach (string failure in run.Failures.Take(5))
        {
            Console.Error.WriteLine(failure);
        }

        return run.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>A field of /proc/self/status in bytes (VmRSS: resident now; VmHWM: the peak so far).</summary>
    private static long Status(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
