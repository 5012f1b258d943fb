namespace Backprop.Data.Formats;

/// <summary>Reads a CIFAR-10 binary batch (<c>data_batch_1.bin</c> … <c>test_batch.bin</c>): records of one label
/// byte (0–9) and 3,072 pixel bytes (1,024 red, then green, then blue, each 32×32 row-major).</summary>
public static class Cifar10Batch
{
    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordBytes = 1 + (3 * 32 * 32);

    /// <summary>Reads a batch file. Images come back channels-last, shape (n, 32, 32, 3), as Keras's
    /// <c>cifar10.load_data()</c> returns them; labels have shape (n, 1) like Keras's <c>y_train</c>. The size is
    /// checked against <see cref="DataLimits.MaxBytes"/> before allocating; records are read in blocks straight into
    /// the result, so memory is the result plus a constant.</summary>
    /// <exception cref="DataFormatException">The length is not a multiple of 3,073 bytes, exceeds the cap, or a label
    /// exceeds 9.</exception>
    public static (Tensor<byte> Images, Tensor<byte> Labels) Read(string path, DataLimits? limits = null)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, limits);
    }

    /// <summary>Reads a batch from a stream; <paramref name="name"/> names it in errors.</summary>
    public static (Tensor<byte> Images, Tensor<byte> Labels) Read(Stream stream, string name, DataLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        limits ??= DataLimits.Default;
        stream = SeekableSource.Ensure(stream, limits.MaxBytes + DataLimits.HeaderAllowanceBytes, name);
        long length = stream.Length - stream.Position;
        if (length > limits.MaxBytes)
        {
            throw DataFormatException.AtOffset(name, 0, $"at most {limits.MaxBytes} bytes (DataLimits.MaxBytes)", $"{length} bytes");
        }

        if (length % RecordBytes != 0)
        {
            throw DataFormatException.AtOffset(name, length - (length % RecordBytes), $"a length that is a multiple of {RecordBytes} (1 label + 3072 pixels)", $"{length} bytes ({length % RecordBytes} left over)");
        }

        int n = (int)(length / RecordBytes);
        var images = new Tensor<byte>(n, 32, 32, 3);
        var labels = new Tensor<byte>(n, 1);
        Span<byte> pixels = images.AsSpan();
        Span<byte> labelSpan = labels.AsSpan();
        const int BlockRecords = 256;
        byte[] block = new byte[Math.Min(n, BlockRecords) * RecordBytes];
        for (int first = 0; first < n; first += BlockRecords)
        {
            int count = Math.Min(BlockRecords, n - first);
            Span<byte> raw = block.AsSpan(0, count * RecordBytes);
            ElementBytes.ReadExactly(stream, raw, name, (long)first * RecordBytes, "CIFAR-10 records");
            for (int k = 0; k < count; k++)
            {
                int i = first + k;
                int record = k * RecordBytes;
                byte label = raw[record];
                if (label > 9)
                {
                    throw DataFormatException.AtOffset(name, (long)i * RecordBytes, "a label from 0 to 9", $"label {label} in record {i}");
                }

                labelSpan[i] = label;
                Span<byte> image = pixels.Slice(i * 3072, 3072);
                for (int channel = 0; channel < 3; channel++)
                {
                    ReadOnlySpan<byte> plane = raw.Slice(record + 1 + (channel * 1024), 1024);
                    for (int p = 0; p < 1024; p++)
                    {
                        image[(p * 3) + channel] = plane[p];
                    }
                }
            }
        }

        return (images, labels);
    }
}
