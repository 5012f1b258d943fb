using Backprop.Data;
using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

public class Cifar10BatchTests
{
    internal static byte[] Batch(int records, int seed) => FormatFuzzer.CifarBatch(records, seed);

    [Fact]
    public void Records_become_channels_last_images_and_labels()
    {
        byte[] bytes = Batch(3, 5);
        var (images, labels) = Cifar10Batch.Read(new MemoryStream(bytes), "batch.bin");
        Assert.Equal(new Shape(3, 32, 32, 3), images.Shape);
        Assert.Equal(new Shape(3, 1), labels.Shape);
        for (int n = 0; n < 3; n++)
        {
            int record = n * Cifar10Batch.RecordBytes;
            Assert.Equal(bytes[record], labels[n, 0]);
            foreach (var (row, col) in new[] { (0, 0), (5, 31), (31, 17) })
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(bytes[record + 1 + (c * 1024) + (row * 32) + col], images[n, row, col, c]);
                }
            }
        }
    }

    [Fact]
    public void Length_not_a_multiple_of_3073_is_refused()
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), "short.bin");
        File.WriteAllBytes(path, Batch(2, 1)[..^5]);
        var e = Assert.Throws<DataFormatException>(() => Cifar10Batch.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("multiple of 3073", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_above_9_is_refused()
    {
        string path = Path.Combine(DataTestFiles.ScratchFolder(), "label.bin");
        byte[] bytes = Batch(2, 1);
        bytes[Cifar10Batch.RecordBytes] = 10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => Cifar10Batch.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("label 10 in record 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(3073, e.Offset);
    }
}
