using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>Random tensors of every storable dtype and awkward shapes, filled with random bytes (so floats include
/// NaN payloads, infinities and subnormals: a round trip must keep every bit).</summary>
internal static partial class RandomArrays
{
    public static readonly DType[] IdxTypes = [DType.UInt8, DType.Int8, DType.Int16, DType.Int32, DType.Float32, DType.Float64];
    public static readonly DType[] NpyTypes = [DType.UInt8, DType.Int8, DType.Int16, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    public static Tensor Make(System.Random random, DType dtype, int minRank, int maxRank)
    {
        int rank = random.Next(minRank, maxRank + 1);
        int[] dimensions = new int[rank];
        int budget = 4000;
        for (int i = 0; i < rank; i++)
        {
            int pick = random.Next(10) switch
            {
                0 => 1,
                1 => 7,
                2 => 33,
                3 => 0,
                _ => random.Next(1, 12),
            };
            dimensions[i] = Math.Min(pick, Math.Max(1, budget));
            budget /= Math.Max(1, dimensions[i]);
        }

        var tensor = ElementBytes.Allocate(dtype, new Shape(dimensions));
        random.NextBytes(ElementBytes.Bytes(tensor));
        return tensor;
    }
}
