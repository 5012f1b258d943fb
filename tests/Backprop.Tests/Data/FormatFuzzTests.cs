using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>10,000 seeded mutations (byte flips, truncations, insertions, duplicated spans) of small valid files
/// per format: every read either succeeds or throws <see cref="DataFormatException"/>; any other exception type
/// fails the test, as in OSS-Fuzz harnesses. The slowest read is measured and fails only if grossly slow.</summary>
public class FormatFuzzTests
{
    private const int Mutations = 10_000;
    private const long Cap = 1 << 20;

    public static TheoryData<string> Formats() => ["idx", "idx.gz", "npy", "npz", "npz-deflated", "csv", "cifar"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_files_only_ever_throw_DataFormatException(string format)
    {
        byte[][] seeds = Seeds(format);
        var random = new System.Random(Stable(format));
        double slowest = 0;
        int refused = 0;
        var watch = new Stopwatch();
        for (int i = 0; i < Mutations; i++)
        {
            byte[] mutated = Mutate(seeds[random.Next(seeds.Length)], random);
            watch.Restart();
            try
            {
                Read(format, mutated);
            }
            catch (DataFormatException e)
            {
                Assert.Contains("fuzz", e.Message, StringComparison.Ordinal);
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{format} mutation {i} threw {e.GetType().Name}: {e.Message}\nbytes: {Convert.ToHexString(mutated.AsSpan(0, Math.Min(mutated.Length, 200)))}");
            }

            slowest = Math.Max(slowest, watch.Elapsed.TotalSeconds);
        }

        Assert.True(refused > Mutations / 10, $"only {refused} of {Mutations} mutations were refused; the mutator is too gentle");
        Assert.True(slowest < 5, $"the slowest {format} read took {slowest:F2} s");
    }

    private static int Stable(string s) => s.Aggregate(17, (h, c) => (h * 31) + c);

    private static void Read(string format, byte[] bytes)
    {
        var stream = new MemoryStream(bytes, writable: false);
        switch (format)
        {
            case "idx":
            case "idx.gz":
                IdxFile.Read(stream, "fuzz", Cap);
                break;
            case "npy":
                NpyFile.Read(stream, "fuzz", Cap);
                break;
            case "npz":
            case "npz-deflated":
                NpzFile.Read(stream, "fuzz", Cap);
                break;
            case "csv":
                CsvFile.Read(stream, "fuzz", new CsvOptions { MaxBytes = Cap });
                break;
            case "cifar":
                Cifar10Batch.Read(stream, "fuzz", Cap);
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
                    var text = new StringBuilder("x,\"y, quoted\",z\n");
                    for (int r = 0; r < 6; r++)
                    {
                        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{random.NextDouble():R},\"{random.Next(100)}\",{-r}e3\n");
                    }

                    stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
                    break;
                case "cifar":
                    stream.Write(Cifar10BatchTests.Batch(k + 1, k));
                    break;
            }

            seeds.Add(stream.ToArray());
        }

        return [.. seeds];
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
