namespace Backprop.Data.Formats;

/// <summary>Reads a CIFAR-10 binary batch (<c>data_batch_1.bin</c> … <c>test_batch.bin</c>): records of one label
/// byte (0–9) and 3,072 pixel bytes (1,024 red, then green, then blue, each 32×32 row-major).</summary>
public static class Cifar10Batch
{
    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordBytes = 1 + (3 * 32 * 32);

    /// <summary>Reads a batch file. Images come back channels-last, shape (n, 32, 32, 3), as Keras's
    /// <c>cifar10.load_data()</c> returns them; labels have shape (n, 1) like Keras's <c>y_train</c>.</summary>
    /// <exception cref="DataFormatException">The length is not a multiple of 3,073 bytes or a label exceeds 9.</exception>
    public static (Tensor<byte> Images, Tensor<byte> Labels) Read(string path, long maxBytes = DataLimits.DefaultMaxBytes)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, maxBytes);
    }

    /// <summary>Reads a batch from a stream; <paramref name="name"/> names it in errors.</summary>
    public static (Tensor<byte> Images, Tensor<byte> Labels) Read(Stream stream, string name, long maxBytes = DataLimits.DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        stream = SeekableSource.Ensure(stream, maxBytes, name);
        long length = stream.Length - stream.Position;
        if (length > maxBytes)
        {
            throw DataFormatException.AtOffset(name, 0, $"at most {maxBytes} bytes (the read cap)", $"{length} bytes");
        }

        if (length % RecordBytes != 0)
        {
            throw DataFormatException.AtOffset(name, length - (length % RecordBytes), $"a length that is a multiple of {RecordBytes} (1 label + 3072 pixels)", $"{length} bytes ({length % RecordBytes} left over)");
        }

        int n = (int)(length / RecordBytes);
        byte[] raw = new byte[length];
        ElementBytes.ReadExactly(stream, raw, name, 0, "CIFAR-10 records");
        var images = new Tensor<byte>(n, 32, 32, 3);
        var labels = new Tensor<byte>(n, 1);
        Span<byte> pixels = images.AsSpan();
        Span<byte> labelSpan = labels.AsSpan();
        for (int i = 0; i < n; i++)
        {
            int record = i * RecordBytes;
            byte label = raw[record];
            if (label > 9)
            {
                throw DataFormatException.AtOffset(name, record, "a label from 0 to 9", $"label {label} in record {i}");
            }

            labelSpan[i] = label;
            Span<byte> image = pixels.Slice(i * 3072, 3072);
            for (int channel = 0; channel < 3; channel++)
            {
                ReadOnlySpan<byte> plane = raw.AsSpan(record + 1 + (channel * 1024), 1024);
                for (int p = 0; p < 1024; p++)
                {
                    image[(p * 3) + channel] = plane[p];
                }
            }
        }

        return (images, labels);
    }
}
