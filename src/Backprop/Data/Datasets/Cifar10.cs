using System.Formats.Tar;
using System.IO.Compression;
using Backprop.Data.Formats;

namespace Backprop.Data.Datasets;

/// <summary>CIFAR-10 (32×32 colour images of 10 classes), as Keras's <c>cifar10.load_data()</c>, read from the
/// binary version of the data set.</summary>
public static class Cifar10
{
    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The archive from the authors' site, with its SHA-256.</summary>
    public static RemoteFile Archive { get; } = new(
        "cifar-10-binary.tar.gz",
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd");

    private const string Folder = "cifar-10-batches-bin";
    private const int RecordsPerBatch = 10_000;
    private static readonly string[] s_batches =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];

    /// <summary>50,000 training and 10,000 test images (n, 32, 32, 3) channels-last with labels (n, 1), uint8, as
    /// Keras. Uses <c>cifar-10-batches-bin/*.bin</c> in the cache, else downloads and unpacks the archive. Each batch
    /// must hold exactly 10,000 records with labels 0–9, or a <see cref="DataFormatException"/> names it.</summary>
    public static DataSplit<byte, byte> Load(DataCache? cache = null)
    {
        cache ??= DataCache.Default;
        if (!s_batches.All(b => cache.Contains($"{Folder}/{b}")))
        {
            Extract(cache, cache.GetFile(Archive));
        }

        var train = s_batches[..5].Select(b => ReadBatch(cache, b)).ToList();
        var test = ReadBatch(cache, "test_batch.bin");
        return new DataSplit<byte, byte>(
            Concatenate(train.Select(t => t.Images).ToList()), Concatenate(train.Select(t => t.Labels).ToList()), test.Images, test.Labels);
    }

    /// <summary>A batch of the data set holds exactly 10,000 records (labels 0–9 are checked by the reader).</summary>
    private static (Tensor<byte> Images, Tensor<byte> Labels) ReadBatch(DataCache cache, string batch)
    {
        string path = cache.PathOf($"{Folder}/{batch}");
        var read = Cifar10Batch.Read(path);
        if (read.Images.Shape[0] != RecordsPerBatch)
        {
            throw DataFormatException.AtOffset(path, (long)read.Images.Shape[0] * Cifar10Batch.RecordBytes, $"{RecordsPerBatch} records ({RecordsPerBatch * (long)Cifar10Batch.RecordBytes} bytes)", $"{read.Images.Shape[0]} records");
        }

        return read;
    }

    private static void Extract(DataCache cache, string archivePath)
    {
        using var file = File.OpenRead(archivePath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        try
        {
            while (tar.GetNextEntry() is { } entry)
            {
                string name = Path.GetFileName(entry.Name);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !s_batches.Contains(name) || entry.DataStream is null)
                {
                    continue;
                }

                // Only the six known batch names are written, each to a fixed path: archive paths are never trusted.
                string target = cache.PathOf($"{Folder}/{name}");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                string temporary = target + ".partial";
                using (var output = File.Create(temporary))
                {
                    entry.DataStream.CopyTo(output);
                    output.Flush(flushToDisk: true);
                }

                File.Move(temporary, target, overwrite: true);
            }
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtOffset(archivePath, 0, "a tar.gz archive", e.Message, e);
        }
    }

    private static Tensor<byte> Concatenate(List<Tensor<byte>> parts)
    {
        int rows = parts.Sum(p => p.Shape[0]);
        var result = new Tensor<byte>(parts[0].Shape.WithDimension(0, rows));
        int offset = 0;
        foreach (var part in parts)
        {
            part.AsSpan().CopyTo(result.AsSpan()[offset..]);
            offset += part.Length;
        }

        return result;
    }
}
