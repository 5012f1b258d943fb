using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void FromCopiesDataAndKeepsRowMajorOrder()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        var t = Tensor.From(data, 2, 3);
        data[0] = 100;
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(1f, t[0, 0]);
        Assert.Equal(6f, t[1, 2]);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray());
    }

    [Fact]
    public void FromRejectsDataThatDoesNotFillTheShape()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.From(new double[5], 2, 3));
        Assert.Contains("5 elements", e.Message);
        Assert.Contains("(2, 3)", e.Message);
    }

    [Fact]
    public void ReshapeAndSliceRowsAreZeroCopyViews()
    {
        var t = TestData.Tensor(1, 4, 6);
        var r = t.Reshape(2, -1, 3);
        Assert.Equal(new Shape(2, 4, 3), r.Shape);
        var rows = t.SliceRows(1, 2);
        Assert.Equal(new Shape(2, 6), rows.Shape);
        rows[0, 0] = 42;
        Assert.Equal(42, t[1, 0]);
        Assert.Equal(42, r[0, 2, 0]);
    }

    [Fact]
    public void RebindRowsRepointsAViewWithoutAllocating()
    {
        var t = TestData.Tensor(2, 10, 3);
        var view = t.SliceRows(0, 4);
        view.RebindRows(t, 8, 2);
        Assert.Equal(new Shape(2, 3), view.Shape);
        Assert.Equal(t[9, 2], view[1, 2]);
        Assert.Equal(0, Allocations.By(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                view.RebindRows(t, i % 7, 3);
            }
        }));
        Assert.Throws<ArgumentOutOfRangeException>(() => view.RebindRows(t, 9, 2));
    }

    [Fact]
    public void BadReshapesAndIndicesNameTheShape()
    {
        var t = new Tensor<double>(2, 3);
        var e = Assert.Throws<ShapeMismatchException>(() => t.Reshape(4, 2));
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(4, 2)", e.Message);
        Assert.Throws<ShapeMismatchException>(() => t.Reshape(-1, -1));
        Assert.Throws<ShapeMismatchException>(() => t.Reshape(4, -1));
        var i = Assert.Throws<ArgumentOutOfRangeException>(() => t[2, 0]);
        Assert.Contains("(2, 3)", i.Message);
        Assert.Throws<ArgumentException>(() => t[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.SliceRows(1, 2));
    }

    [Fact]
    public void RentedTensorsReturnTheirBufferAndViewsDoNot()
    {
        var rented = Tensor<float>.Rent(new Shape(33, 7));
        Assert.Equal(new Shape(33, 7), rented.Shape);
        rented.Fill(1);
        var view = rented.SliceRows(0, 1);
        view.Dispose();
        Assert.Equal(1f, rented[32, 6]);
        rented.Dispose();
        Assert.Equal(0, rented.Length);
    }

    [Fact]
    public void ToStringLooksLikeNumpy()
    {
        Assert.Equal("array([[1., 2.],\n       [3., 4.]], dtype=float32)", Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2).ToString());
        // Expected strings are numpy 1.24's repr of the same arrays.
        Assert.Equal("array([ 0.5 ,  1.25, -3.  ])", Tensor.From(new double[] { 0.5, 1.25, -3 }).ToString());
        Assert.Equal("array([1.e-05, 1.e+00])", Tensor.From(new double[] { 1e-5, 1 }).ToString());
        Assert.Equal("array([1.23456789e+05, 1.50000000e+00])", Tensor.From(new double[] { 123456.789, 1.5 }).ToString());
        Assert.Equal("array([[1.5, 1.5],\n       [1.5, 1.5],\n       [1.5, 1.5]])", Tensor.Full(1.5, 3, 2).ToString());
        Assert.Equal("array([3, 4], dtype=uint8)", Tensor.From(new byte[] { 3, 4 }).ToString());
        Assert.Equal("array(7.)", Tensor.Scalar(7.0).ToString());
        string big = new Tensor<double>(2000).ToString();
        Assert.Contains("...", big);
        Assert.True(big.Length < 200, big);
    }

    [Fact]
    public void BaseToArrayWidensToDoubleAndTypedToArrayKeepsTheType()
    {
        Tensor t = Tensor.From(new float[] { 1.5f, -2f });
        Assert.Equal(new double[] { 1.5, -2 }, t.ToArray());
        Assert.Equal(new float[] { 1.5f, -2f }, ((Tensor<float>)t).ToArray());
        Assert.Equal(0.5, Tensor.Full(0.5, 3, 1).ToScalarAt(2));
    }
}

internal static class TensorTestExtensions
{
    public static double ToScalarAt(this Tensor<double> t, int i) => t.GetDouble(i);
}
