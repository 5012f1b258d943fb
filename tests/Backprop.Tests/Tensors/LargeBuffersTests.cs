namespace Backprop.Tests.Tensors;

public class LargeBuffersTests
{
    /// <summary>Buffers above the huge-page threshold start uninitialised and are cleared after the advice: they must
    /// still read as zeros, also when the GC hands back memory a dropped tensor had filled.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(1_048_575)]
    [InlineData(1_048_576)]
    [InlineData(3_000_007)]
    public void TensorsOfAnySizeStartAsZeros(int length)
    {
        for (int round = 0; round < 3; round++)
        {
            var filled = new Tensor<float>(length);
            filled.AsSpan().Fill(float.NaN);
            filled = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var fresh = new Tensor<float>(length);
            Assert.Equal(length, fresh.Shape.Length);
            Assert.Equal(-1, fresh.AsSpan().IndexOfAnyExcept(0f));
            var doubles = new Tensor<double>(length);
            Assert.Equal(-1, doubles.AsSpan().IndexOfAnyExcept(0.0));
        }
    }

    /// <summary>Predict's result: its length as asked, whatever the size (touched over threads from 128 KB on).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32_767)]
    [InlineData(1_000_003)]
    public void UninitialisedBuffersHaveTheLengthAskedFor(int length)
    {
        Assert.Equal(length, LargeBuffers.AllocateUninitialized<float>(length).Length);
        Assert.Equal(length, LargeBuffers.AllocateUninitialized<double>(length).Length);
    }

    [Fact]
    public void OnLinux_TheCLibrarysMadviseIsFound()
    {
        Assert.Equal(OperatingSystem.IsLinux(), LargeBuffers.Advises);
    }
}
