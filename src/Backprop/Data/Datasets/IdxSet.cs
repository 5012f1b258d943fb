using Backprop.Data.Formats;

namespace Backprop.Data.Datasets;

/// <summary>Loads an MNIST-style quartet of IDX files (train images, train labels, test images, test labels).</summary>
internal static class IdxSet
{
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

        for (int i = 0; i < 4; i += 2)
        {
            if (parts[i].Shape[0] != parts[i + 1].Shape[0])
            {
                throw DataFormatException.AtOffset(cache.PathOf(files[i + 1]), 4, $"{parts[i].Shape[0]} labels (one per image)", $"{parts[i + 1].Shape[0]}");
            }
        }

        return new DataSplit<byte, byte>(parts[0], parts[1], parts[2], parts[3]);
    }
}
