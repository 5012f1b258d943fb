using Backprop.Data;

namespace Backprop.Tests.Data.Preprocessing;

public class OneHotTests
{
    [Fact]
    public void ToCategoricalMatchesKeras()
    {
        // keras.utils.to_categorical([0, 2, 1, 2]) -> [[1,0,0],[0,0,1],[0,1,0],[0,0,1]]
        Tensor<float> oneHot = OneHot.ToCategorical([0, 2, 1, 2]);
        Assert.Equal(new Shape(4, 3), oneHot.Shape);
        Assert.Equal([1f, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1], oneHot.ToArray());
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(7, 3)]
    [InlineData(1000, 10)]
    public void EachRowHasASingleOneInItsLabelColumn(int n, int classes)
    {
        var random = new global::System.Random(n);
        byte[] labels = Enumerable.Range(0, n).Select(_ => (byte)random.Next(classes)).ToArray();
        Tensor<double> oneHot = OneHot.ToCategorical<byte, double>(Tensor<byte>.Wrap(labels, new Shape(n, 1)), classes);
        Assert.Equal(new Shape(n, classes), oneHot.Shape);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                Assert.Equal(c == labels[i] ? 1.0 : 0.0, oneHot[i, c]);
            }
        }
    }

    [Fact]
    public void NumClassesDefaultsToTheLargestLabelPlusOneAndOtherShapesGainAnAxis()
    {
        var labels = Tensor.From(new double[] { 1, 0, 3, 0, 2, 1 }, 2, 3);
        Tensor<float> oneHot = OneHot.ToCategorical(labels);
        Assert.Equal(new Shape(2, 3, 4), oneHot.Shape);
        Assert.Equal(1f, oneHot[0, 2, 3]);
        Assert.Equal(1f, oneHot[1, 1, 2]);
        Assert.Equal(6f, oneHot.ToArray().Sum());
        Assert.Equal(new Shape(3), OneHot.ToCategorical(Tensor.Scalar(2), 3).Shape);
    }

    [Fact]
    public void BadLabelsAreNamed()
    {
        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => OneHot.ToCategorical([0, 1, 10, 2], numClasses: 10));
        Assert.Contains("label 10 at index 2", tooLarge.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => OneHot.ToCategorical([0, -1]));
        Assert.Contains("label -1 at index 1", negative.Message, StringComparison.Ordinal);
        var fraction = Assert.Throws<ArgumentOutOfRangeException>(() => OneHot.ToCategorical(Tensor.From(new float[] { 0.5f }, 1)));
        Assert.Contains("label 0.5 at index 0", fraction.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScalePixelsDividesBy255AsNumpyDoes()
    {
        var random = new global::System.Random(5);
        var pixels = new byte[7 * 4 * 3];
        random.NextBytes(pixels);
        pixels[0] = 0;
        pixels[1] = 255;
        var images = Tensor<byte>.Wrap(pixels, new Shape(7, 4, 3));

        Tensor<float> scaled = Images.ScalePixels(images);
        Assert.Equal(new Shape(7, 4, 3), scaled.Shape);
        Assert.Equal(pixels.Select(p => p / 255f).ToArray(), scaled.ToArray());
        Assert.Equal(0f, scaled[0, 0, 0]);
        Assert.Equal(1f, scaled[0, 0, 1]);

        Tensor<double> flat = Images.ScalePixels<double>(images, flatten: true);
        Assert.Equal(new Shape(7, 12), flat.Shape);
        Assert.Equal(pixels.Select(p => p / 255.0).ToArray(), flat.ToArray());
        Assert.Equal(new Shape(0, 784), Images.ScalePixels(new Tensor<byte>(0, 28, 28), flatten: true).Shape);
    }
}
