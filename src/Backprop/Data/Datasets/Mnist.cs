using Backprop.Data.Formats;

namespace Backprop.Data.Datasets;

/// <summary>The MNIST handwritten digits (28×28 grey levels 0–255), as Keras's <c>mnist.load_data()</c>.</summary>
public static class Mnist
{
    /// <summary>Keras's copy: <c>mnist.npz</c> holding x_train, y_train, x_test, y_test.</summary>
    public static RemoteFile KerasFile { get; } = new(
        "mnist.npz",
        new Uri("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"),
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1");

    private static readonly string[] s_idxFiles =
        ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"];

    /// <summary>All 60,000 training and 10,000 test digits: images (n, 28, 28) and labels (n,), uint8, like
    /// Keras. Uses <c>mnist/*-ubyte.gz</c> IDX files in the cache folder if present, else <c>mnist.npz</c>
    /// (downloaded from Keras's mirror, SHA-256 checked, when missing). The files are validated: images (n, 28, 28)
    /// with n ≥ 1, one label per image, labels 0–9; anything else is a <see cref="DataFormatException"/> naming the
    /// file.</summary>
    public static DataSplit<byte, byte> Load(DataCache? cache = null)
    {
        cache ??= DataCache.Default;
        if (s_idxFiles.All(cache.Contains))
        {
            return IdxSet.Load(cache, s_idxFiles);
        }

        string path = cache.GetFile(KerasFile);
        var arrays = NpzFile.Read(path);
        var split = new DataSplit<byte, byte>(
            Member(arrays, "x_train", path), Member(arrays, "y_train", path), Member(arrays, "x_test", path), Member(arrays, "y_test", path));
        IdxSet.Validate(split.XTrain, split.YTrain, $"{path}[x_train.npy]", $"{path}[y_train.npy]");
        IdxSet.Validate(split.XTest, split.YTest, $"{path}[x_test.npy]", $"{path}[y_test.npy]");
        return split;
    }

    /// <summary>The four IDX files — <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>,
    /// <c>t10k-images-idx3-ubyte.gz</c>, <c>t10k-labels-idx1-ubyte.gz</c> — read from one folder (the data set's
    /// own folder rather than a cache holding <c>mnist/</c>), validated like <see cref="Load"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is not an MNIST IDX file (the message names it).</exception>
    public static DataSplit<byte, byte> LoadIdx(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return IdxSet.Load(new DataCache(folder), [.. s_idxFiles.Select(f => f["mnist/".Length..])]);
    }

    /// <summary>10,000 real MNIST digits shipped inside the assembly (no download), interleaved round-robin by class:
    /// record i has label i mod 10 for the first 8,635 records, after which the 863 fives are used up and the other
    /// classes keep cycling. Class counts 0–9: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978. Split
    /// 8,000 / 2,000: training is records 0–7,999 (exactly 800 per class), test 8,000–9,999 (the rest, 63 to 327
    /// per class). Images (n, 28, 28) and labels (n,), uint8.</summary>
    public static DataSplit<byte, byte> LoadSubset()
    {
        var (images, labels) = LoadSubsetAll();
        const int train = 8000;
        return new DataSplit<byte, byte>(
            images.SliceRows(0, train).Clone(), labels.SliceRows(0, train).Clone(),
            images.SliceRows(train, 2000).Clone(), labels.SliceRows(train, 2000).Clone());
    }

    /// <summary>All 10,000 digits of <see cref="LoadSubset"/> in their stored order.</summary>
    public static (Tensor<byte> Images, Tensor<byte> Labels) LoadSubsetAll()
    {
        var images = EmbeddedData.ReadIdx("mnist-10k-images-idx3-ubyte.gz").As<byte>();
        var labels = EmbeddedData.ReadIdx("mnist-10k-labels-idx1-ubyte.gz").As<byte>();
        IdxSet.Validate(images, labels, "embedded:mnist-10k-images-idx3-ubyte.gz", "embedded:mnist-10k-labels-idx1-ubyte.gz");
        return (images, labels);
    }

    private static Tensor<byte> Member(IReadOnlyDictionary<string, DataArray> arrays, string key, string path)
    {
        if (!arrays.TryGetValue(key, out var array) || array.DType != DType.UInt8)
        {
            throw DataFormatException.AtOffset(path, 0, $"a uint8 array '{key}'", array is null ? "none" : array.ToString());
        }

        return (Tensor<byte>)array.Tensor;
    }
}
