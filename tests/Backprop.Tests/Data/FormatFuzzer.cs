using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>10,000 seeded mutations (byte flips, truncations, insertions, duplicated spans) of small valid files
/// per format, read with a 1 MiB cap; every read either succeeds or throws <see cref="DataFormatException"/>, anything
/// else is a failure, as in OSS-Fuzz harnesses. Shared by the unit test and the memory bench
/// (<c>bench/data-memory.sh</c>), which runs it in a fresh process and records the peak.</summary>
internal static class FormatFuzzer
{
    public const int Mutations = 10_000;
    public const long Cap = 1 << 20;

    /// <summary>The caps of every fuzzed read: 1 MiB of result and of decompressed input.</summary>
    public static readonly DataLimits Limits = new() { MaxBytes = Cap, MaxInputBytes = Cap };

    public static readonly string[] Formats = ["idx", "idx.gz", "npy", "npz", "npz-deflated", "csv", "csv.gz", "cifar"];

    /// <summary>What one format's run saw: refusals, failures (other exception types), the largest managed allocation
    /// of one read, the largest mutated input and the slowest read.</summary>
    public sealed record Result(int Mutations, int Refused, List<string> Failures, long MaxAllocatedBytes, long LargestInput, double SlowestSeconds);

    public static Result Run(string format)
    {
        byte[][] seeds = Seeds(format);
        var random = new System.Random(Stable(format));
        var failures = new List<string>();
        double slowest = 0;
        int refused = 0;
        long maxAllocated = 0, largest = 0;
        var watch = new Stopwatch();
        for (int i = 0; i < Mutations; i++)
        {
            byte[] mutated = Mutate(seeds[random.Next(seeds.Length)], random);
            largest = Math.Max(largest, mutated.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            watch.Restart();
            try
            {
                Read(format, mutated);
            }
            catch (DataFormatException e) when (e.Message.Contains("fuzz", StringComparison.Ordinal))
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"{format} mutation {i} threw {e.GetType().Name}: {e.Message}\nbytes: {Convert.ToHexString(mutated.AsSpan(0, Math.Min(mutated.Length, 200)))}");
            }

            slowest = Math.Max(slowest, watch.Elapsed.TotalSeconds);
            maxAllocated = Math.Max(maxAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return new Result(Mutations, refused, failures, maxAllocated, largest, slowest);
    }

    private static int Stable(string s) => s.Aggregate(17, (h, c) => (h * 31) + c);

    private static void Read(string format, byte[] bytes)
    {
        var stream = new MemoryStream(bytes, writable: false);
        switch (format)
        {
            case "idx":
            case "idx.gz":
                IdxFile.Read(stream, "fuzz", Limits);
                break;
            case "npy":
                NpyFile.Read(stream, "fuzz", Limits);
                break;
            case "npz":
            case "npz-deflated":
                NpzFile.Read(stream, "fuzz", Limits);
                break;
            case "csv":
            case "csv.gz":
                CsvFile.Read(stream, "fuzz", new CsvOptions { Limits = Limits });
                break;
            case "cifar":
                Cifar10Batch.Read(stream, "fuzz", Limits);
                break;
        }
    }

    private static byte[][] Seeds(string format)
    {
        var random = new System.Random(3);
        var seeds = new List<byte[]>();
        for (int k = 0; k < 4; k++)
        {
            using var stream = new MemoryStream();
            switch (format)
            {
                case "idx":
                case "idx.gz":
                    IdxFile.Write(stream, RandomArrays.Make(random, RandomArrays.IdxTypes[k], 1, 3), gzip: format == "idx.gz");
                    break;
                case "npy":
                    NpyFile.Write(stream, RandomArrays.Make(random, RandomArrays.NpyTypes[k + 2], 0, 4));
                    break;
                case "npz":
                case "npz-deflated":
                    NpzFile.Write(stream, [new("a", RandomArrays.Make(random, DType.Float32, 1, 2)), new("b", RandomArrays.Make(random, DType.Int64, 0, 1))], compress: format == "npz-deflated");
                    break;
                case "csv":
                case "csv.gz":
                    var text = new StringBuilder("x,\"y, quoted\",z\n");
                    for (int r = 0; r < 6; r++)
                    {
                        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{random.NextDouble():R},\"{random.Next(100)}\",{-r}e3\n");
                    }

                    byte[] csv = Encoding.UTF8.GetBytes(text.ToString());
                    if (format == "csv.gz")
                    {
                        using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
                        gzip.Write(csv);
                    }
                    else
                    {
                        stream.Write(csv);
                    }

                    break;
                case "cifar":
                    stream.Write(CifarBatch(k + 1, k));
                    break;
            }

            seeds.Add(stream.ToArray());
        }

        return [.. seeds];
    }

    /// <summary>A CIFAR-10 batch of <paramref name="records"/> random records with labels 0–9.</summary>
    public static byte[] CifarBatch(int records, int seed)
    {
        var random = new System.Random(seed);
        byte[] bytes = new byte[records * Cifar10Batch.RecordBytes];
        random.NextBytes(bytes);
        for (int i = 0; i < records; i++)
        {
            bytes[i * Cifar10Batch.RecordBytes] = (byte)random.Next(10);
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] original, System.Random random)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.InsertRange(at, Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                    break;
                default:
                    // Headers are where the interesting fields are: hit the first 64 bytes harder.
                    int head = random.Next(Math.Min(64, bytes.Count));
                    bytes[head] = (byte)(random.Next(3) switch { 0 => 0xFF, 1 => 0x00, _ => random.Next(256) });
                    break;
            }
        }

        return [.. bytes];
    }
}
