using Backprop.Data;
using Backprop.Data.Datasets;

namespace Backprop.Labs;

/// <summary>MNIST as a lab finds it: the full set when the data folder holds it, else the subset shipped with the
/// library (never a download).</summary>
/// <param name="Split">60,000/10,000 digits, or the shipped subset's 8,000/2,000.</param>
/// <param name="IsFull">True for the full MNIST.</param>
/// <param name="Description">Where the digits came from, for the report.</param>
internal sealed record MnistSource(DataSplit<byte, byte> Split, bool IsFull, string Description);

/// <summary>Fashion-MNIST as a lab finds it.</summary>
/// <param name="Split">60,000/10,000 images, or the MNIST subset that stands in for it.</param>
/// <param name="IsFashion">True for the real Fashion-MNIST.</param>
/// <param name="Description">Where the images came from, for the report.</param>
internal sealed record FashionSource(DataSplit<byte, byte> Split, bool IsFashion, string Description);

/// <summary>Data sets the labs share.</summary>
internal static class LabData
{
    private static readonly string[] s_fullMnistFiles =
        ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"];

    /// <summary>Full MNIST from <paramref name="dataDirectory"/> (else BACKPROP_DATA, else the cache folder):
    /// Keras's mnist.npz or the four IDX files. Without them, the 10,000-digit subset shipped with the library.</summary>
    public static MnistSource Mnist(string? dataDirectory)
    {
        var cache = new DataCache(dataDirectory);
        if (cache.Contains(Backprop.Data.Datasets.Mnist.KerasFile.RelativePath) || s_fullMnistFiles.All(cache.Contains))
        {
            return new(Backprop.Data.Datasets.Mnist.Load(cache), true, $"full MNIST (60,000 training and 10,000 test digits) from {cache.Folder}");
        }

        return new(Backprop.Data.Datasets.Mnist.LoadSubset(), false,
            $"the 10,000-digit MNIST subset shipped with Backprop, because {cache.Folder} holds no full MNIST (the course used the full set)");
    }

    /// <summary>Full Fashion-MNIST (60,000/10,000) from <paramref name="dataDirectory"/> (else BACKPROP_DATA, else the
    /// cache folder) when its four IDX files are there; without them, the MNIST subset shipped with the library
    /// (digits stand in for clothes, and the report says so), never a download.</summary>
    public static FashionSource FashionMnist(string? dataDirectory)
    {
        var cache = new DataCache(dataDirectory);
        if (Backprop.Data.Datasets.FashionMnist.Files.All(f => cache.Contains(f.RelativePath)))
        {
            return new(Backprop.Data.Datasets.FashionMnist.Load(cache), true, $"Fashion-MNIST (60,000 training and 10,000 test images) from {cache.Folder}");
        }

        return new(Backprop.Data.Datasets.Mnist.LoadSubset(), false,
            $"the 10,000-digit MNIST subset shipped with Backprop (8,000/2,000), because {cache.Folder} holds no Fashion-MNIST: the numbers are MNIST's, not Fashion-MNIST's");
    }
}
