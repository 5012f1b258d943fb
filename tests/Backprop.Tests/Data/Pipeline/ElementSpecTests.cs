using Backprop.Data;

namespace Backprop.Tests.Data.Pipeline;

public class ElementSpecTests
{
    private static readonly Tensor<double> s_x = new(404, 13);
    private static readonly Tensor<double> s_y = new(404);

    [Fact]
    public void UnbatchedSupervisedSpecPrintsLikeTensorFlow()
    {
        var ds = Dataset.FromTensorSlices((s_x, s_y));
        Assert.Equal("(TensorSpec(shape=(13,), dtype=float64), TensorSpec(shape=(), dtype=float64))", ds.ElementSpec.ToString());
        Assert.False(ds.IsBatched);
    }

    [Fact]
    public void BatchedSpecHasAnUnknownBatchDimension()
    {
        var ds = Dataset.FromTensorSlices((s_x, s_y)).Shuffle(1000).Batch(32);
        Assert.Equal("(TensorSpec(shape=(None, 13), dtype=float64), TensorSpec(shape=(None,), dtype=float64))", ds.ElementSpec.ToString());
        Assert.Equal([null, 13], ds.ElementSpec.X.Shape);
        Assert.True(ds.IsBatched);
    }

    [Fact]
    public void DroppingTheRemainderFixesTheBatchDimension()
    {
        var ds = Dataset.FromTensorSlices((s_x, s_y)).Batch(32, dropRemainder: true);
        Assert.Equal("(TensorSpec(shape=(32, 13), dtype=float64), TensorSpec(shape=(32,), dtype=float64))", ds.ElementSpec.ToString());
    }

    [Fact]
    public void FeaturesOnlyAndOtherDtypes()
    {
        Assert.Equal("TensorSpec(shape=(13,), dtype=float64)", Dataset.FromTensorSlices(s_x).ElementSpec.ToString());
        Assert.Equal("TensorSpec(shape=(None, 28, 28), dtype=uint8)",
            Dataset.FromTensorSlices(new Tensor<byte>(10, 28, 28)).Batch(4).ElementSpec.ToString());
        Assert.Equal("TensorSpec(shape=(None,), dtype=float32)",
            Dataset.FromTensorSlices(new Tensor<float>(10)).Batch(4).ElementSpec.ToString());
        Assert.Null(Dataset.FromTensorSlices(s_x).ElementSpec.Y);
    }
}
