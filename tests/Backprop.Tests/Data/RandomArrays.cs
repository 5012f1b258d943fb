using Backprop.Data.Formats;

namespace Backprop.Tests.Data;

/// <summary>Checks on random arrays (the generator is in RandomArrays.Generate.cs, shared with the memory bench).</summary>
internal static partial class RandomArrays
{
    public static void AssertIdentical(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(ElementBytes.Bytes(expected).SequenceEqual(ElementBytes.Bytes(actual)), "element bytes differ");
    }
}
