using Backprop.Data.Formats;

namespace Backprop.Data.Datasets;

/// <summary>Loads and validates MNIST-style image sets: a quartet of IDX files (train images, train labels, test
/// images, test labels), or arrays from another source, checked against the data set's definition so a wrong file is
/// refused by name here, not deep inside a lab.</summary>
internal static class IdxSet
{
    /// <summary>28×28 grey images, labels 0–9: MNIST and Fashion-MNIST.</summary>
    public static DataSplit<byte, byte> Load(DataCache cache, IReadOnlyList<string> files)
    {
        var parts = new Tensor<byte>[4];
        for (int i = 0; i < 4; i++)
        {
            string path = cache.PathOf(files[i]);
            var array = IdxFile.Read(path);
            int expectedRank = i % 2 == 0 ? 3 : 1;
            if (array.DType != DType.UInt8 || array.Shape.Rank != expectedRank)
            {
                throw DataFormatException.AtOffset(path, 0, $"uint8 data of rank {expectedRank}", array.ToString());
            }

            parts[i] = (Tensor<byte>)array.Tensor;
        }

        Validate(parts[0], parts[1], cache.PathOf(files[0]), cache.PathOf(files[1]));
        Validate(parts[2], parts[3], cache.PathOf(files[2]), cache.PathOf(files[3]));
        return new DataSplit<byte, byte>(parts[0], parts[1], parts[2], parts[3]);
    }

    /// <summary>Checks images (n, 28, 28) with n ≥ 1, labels (n,) and every label from 0 to 9; the offsets in the
    /// errors are those of an IDX file (dimensions from byte 4, data after the header).</summary>
    public static void Validate(Tensor<byte> images, Tensor<byte> labels, string imagesFile, string labelsFile, int height = 28, int width = 28, int classes = 10)
    {
        if (images.Rank != 3 || images.Shape[1] != height || images.Shape[2] != width)
        {
            throw DataFormatException.AtOffset(imagesFile, 4, $"images of shape (n, {height}, {width})", $"shape {images.Shape}");
        }

        if (images.Shape[0] == 0)
        {
            throw DataFormatException.AtOffset(imagesFile, 4, "at least one image", "0 images");
        }

        if (labels.Rank != 1 || labels.Shape[0] != images.Shape[0])
        {
            throw DataFormatException.AtOffset(labelsFile, 4, $"{images.Shape[0]} labels (one per image in {imagesFile})", $"shape {labels.Shape}");
        }

        ReadOnlySpan<byte> span = labels.AsSpan();
        int bad = span.IndexOfAnyExceptInRange((byte)0, (byte)(classes - 1));
        if (bad >= 0)
        {
            throw DataFormatException.AtOffset(labelsFile, 8 + bad, $"a label from 0 to {classes - 1}", $"label {span[bad]} for image {bad}");
        }
    }
}
