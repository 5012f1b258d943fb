namespace Backprop.Data.Datasets;

/// <summary>Zalando's Fashion-MNIST (28×28 grey images of 10 clothing classes), as Keras's
/// <c>fashion_mnist.load_data()</c>.</summary>
public static class FashionMnist
{
    private const string Base = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The four gzip IDX files, in the cache's <c>fashion-mnist/</c> folder, with their SHA-256.</summary>
    public static IReadOnlyList<RemoteFile> Files { get; } =
    [
        new("fashion-mnist/train-images-idx3-ubyte.gz", new Uri(Base + "train-images-idx3-ubyte.gz"), "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
        new("fashion-mnist/train-labels-idx1-ubyte.gz", new Uri(Base + "train-labels-idx1-ubyte.gz"), "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
        new("fashion-mnist/t10k-images-idx3-ubyte.gz", new Uri(Base + "t10k-images-idx3-ubyte.gz"), "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
        new("fashion-mnist/t10k-labels-idx1-ubyte.gz", new Uri(Base + "t10k-labels-idx1-ubyte.gz"), "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
    ];

    /// <summary>60,000 training and 10,000 test images (n, 28, 28) with labels (n,), uint8, downloading the files
    /// into the cache when missing. Validated like <see cref="Mnist.Load"/>: images (n, 28, 28), one label per image,
    /// labels 0–9, or a <see cref="DataFormatException"/> naming the file.</summary>
    public static DataSplit<byte, byte> Load(DataCache? cache = null)
    {
        cache ??= DataCache.Default;
        foreach (var file in Files)
        {
            cache.GetFile(file);
        }

        return IdxSet.Load(cache, [.. Files.Select(f => f.RelativePath)]);
    }
}
