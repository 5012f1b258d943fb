using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Tensors;

public class OpsTests
{
    public static TheoryData<int[], int[]> BroadcastPairs => new()
    {
        { [7, 33], [7, 33] },
        { [33, 7], [7] },
        { [1000], [1] },
        { [1], [1000] },
        { [4, 1], [1, 5] },
        { [2, 3, 1, 7], [3, 5, 1] },
        { [7], [2, 3, 7] },
        { [1, 1], [33, 1] },
        { [], [3, 2] },
    };

    [Theory]
    [MemberData(nameof(BroadcastPairs))]
    public void BinaryOpsFollowNumpyBroadcasting(int[] xs, int[] ys)
    {
        var x = TestData.Tensor(3, xs);
        var y = TestData.Tensor(4, ys);
        Check(Ops.Add(x, y), x, y, (a, b) => a + b);
        Check(Ops.Subtract(x, y), x, y, (a, b) => a - b);
        Check(Ops.Multiply(x, y), x, y, (a, b) => a * b);
        Check(Ops.Divide(x, y), x, y, (a, b) => a / b);
        Check(Ops.Maximum(x, y), x, y, Math.Max);
        Check(Ops.Minimum(x, y), x, y, Math.Min);
    }

    [Fact]
    public void IncompatibleShapesNameBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Ops.Add(new Tensor<float>(3, 4), new Tensor<float>(5)));
        Assert.Contains("(3, 4)", e.Message);
        Assert.Contains("(5,)", e.Message);
        Assert.Contains("Add", e.Message);
        var m = Assert.Throws<ShapeMismatchException>(() => Ops.MatMul(new Tensor<float>(2, 3), new Tensor<float>(4, 5)));
        Assert.Contains("(2, 3)", m.Message);
        Assert.Contains("(4, 5)", m.Message);
    }

    [Fact]
    public void InPlaceDestinationWorks()
    {
        var x = TestData.Tensor(5, 33, 7);
        var b = TestData.Tensor(6, 7);
        var expected = Ops.Add(x, b);
        Ops.Add(x, b, x);
        Assert.Equal(expected.ToArray(), x.ToArray());
    }

    [Theory]
    [InlineData(new[] { 7 }, 0)]
    [InlineData(new[] { 33, 7 }, 0)]
    [InlineData(new[] { 33, 7 }, 1)]
    [InlineData(new[] { 33, 7 }, -1)]
    [InlineData(new[] { 2, 1, 33 }, 1)]
    [InlineData(new[] { 3, 5, 4, 7 }, 2)]
    [InlineData(new[] { 1000, 3 }, 0)]
    public void ReductionsOverAnAxisMatchNaiveLoops(int[] shape, int axis)
    {
        var x = TestData.Tensor(7, shape);
        var s = new Shape(shape);
        int a = s.NormalizeAxis(axis);
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        for (int i = a + 1; i < shape.Length; i++) inner *= shape[i];
        var data = x.ToArray();
        var sum = Ops.Sum(x, axis).ToArray();
        var mean = Ops.Mean(x, axis, keepDims: true);
        var max = Ops.Max(x, axis).ToArray();
        var min = Ops.Min(x, axis).ToArray();
        var argmax = Ops.ArgMax(x, axis).ToArray();
        Assert.Equal(s.WithDimension(a, 1), mean.Shape);
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double total = 0, best = double.NegativeInfinity, worst = double.PositiveInfinity;
                int bestIndex = 0;
                for (int j = 0; j < shape[a]; j++)
                {
                    double v = data[(o * shape[a] + j) * inner + i];
                    total += v;
                    if (v > best) { best = v; bestIndex = j; }
                    worst = Math.Min(worst, v);
                }

                int k = o * inner + i;
                Assert.Equal(total, sum[k], 1e-12);
                Assert.Equal(total / shape[a], mean.ToArray()[k], 1e-12);
                Assert.Equal(best, max[k]);
                Assert.Equal(worst, min[k]);
                Assert.Equal(bestIndex, argmax[k]);
            }
        }
    }

    [Fact]
    public void WholeTensorReductions()
    {
        var x = TestData.Tensor(8, 33, 7);
        var data = x.ToArray();
        Assert.Equal(data.Sum(), Ops.Sum(x), 1e-10);
        Assert.Equal(data.Average(), Ops.Mean(x), 1e-12);
        Assert.Equal(data.Max(), Ops.Max(x));
        Assert.Equal(data.Min(), Ops.Min(x));
        Assert.Throws<ArgumentException>(() => Ops.Max(new Tensor<double>(0)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 10)]
    [InlineData(33, 1000)]
    public void SoftmaxMatchesTheDefinitionAndRowsSumToOne(int rows, int cols)
    {
        var x = TestData.Tensor(9, rows, cols);
        var p = Ops.Softmax(x);
        var logp = Ops.LogSoftmax(x);
        for (int r = 0; r < rows; r++)
        {
            double z = 0;
            for (int c = 0; c < cols; c++) z += Math.Exp(x[r, c]);
            double total = 0;
            for (int c = 0; c < cols; c++)
            {
                Assert.Equal(Math.Exp(x[r, c]) / z, p[r, c], 1e-14);
                Assert.Equal(x[r, c] - Math.Log(z), logp[r, c], 1e-12);
                total += p[r, c];
            }

            Assert.Equal(1, total, 1e-12);
        }
    }

    [Fact]
    public void SoftmaxIsStableAtHugeLogits()
    {
        var x = Tensor.From(new double[] { 1e4, -1e4, 0, 1e4 - 1 }, 1, 4);
        var p = Ops.Softmax(x).ToArray();
        var logp = Ops.LogSoftmax(x).ToArray();
        Assert.All(p, v => Assert.True(double.IsFinite(v)));
        Assert.All(logp, v => Assert.True(double.IsFinite(v)));
        double e = Math.Exp(-1);
        Assert.Equal(1 / (1 + e), p[0], 1e-15);
        Assert.Equal(e / (1 + e), p[3], 1e-15);
        Assert.Equal(0, p[1]);
        Assert.Equal(-2e4 - Math.Log(1 + e), logp[1], 1e-9);
        var f = Ops.Softmax(Tensor.From(new float[] { -1e4f, 1e4f }, 1, 2)).ToArray();
        Assert.Equal(new float[] { 0, 1 }, f);
        var inPlace = Tensor.From(new double[] { 1e4, -1e4, 3 }, 1, 3);
        Ops.LogSoftmax(inPlace, inPlace);
        Assert.Equal(0, inPlace[0, 0], 1e-12);
        Assert.Equal(-2e4, inPlace[0, 1], 1e-9);
    }

    [Fact]
    public void UnaryMathMatchesSystemMath()
    {
        var x = TestData.Tensor(10, 33, 7);
        var pos = Ops.Add(Ops.Abs(x), 0.1);
        var xs = x.ToArray();
        var ps = pos.ToArray();
        AssertClose(xs.Select(Math.Exp), Ops.Exp(x).ToArray());
        AssertClose(ps.Select(v => Math.Log(v)), Ops.Log(pos).ToArray());
        AssertClose(xs.Select(Math.Tanh), Ops.Tanh(x).ToArray());
        AssertClose(xs.Select(v => 1 / (1 + Math.Exp(-v))), Ops.Sigmoid(x).ToArray());
        AssertClose(ps.Select(Math.Sqrt), Ops.Sqrt(pos).ToArray());
        AssertClose(ps.Select(v => Math.Pow(v, 1.7)), Ops.Pow(pos, 1.7).ToArray());
        AssertClose(xs.Select(v => v * v), Ops.Square(x).ToArray());
        AssertClose(xs.Select(v => -v), (-x).ToArray());
        AssertClose(xs.Select(v => 2 * v + 1), (x * 2.0 + 1.0).ToArray());
    }

    [Fact]
    public void MatMulMatchesNaiveLoopForAllTransposes()
    {
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            int m = 7, k = 33, n = 5;
            var a = ta ? TestData.Tensor(11, k, m) : TestData.Tensor(11, m, k);
            var b = tb ? TestData.Tensor(12, n, k) : TestData.Tensor(12, k, n);
            var c = Ops.MatMul(a, b, ta, tb);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                    {
                        s += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]);
                    }

                    Assert.Equal(s, c[i, j], 1e-12);
                }
            }
        }
    }

    [Fact]
    public void DestinationFormsAllocateNothingAfterWarmUp()
    {
        var x = Tensor.From(TestData.Floats(32 * 100, 13), 32, 100);
        var bias = Tensor.From(TestData.Floats(100, 14), 100);
        var y = new Tensor<float>(32, 100);
        var rowSums = new Tensor<float>(32);
        var argmax = new Tensor<int>(32);
        void Step()
        {
            Ops.Add(x, bias, y);
            Ops.Tanh(y, y);
            Ops.Multiply(y, 0.5f, y);
            Ops.Softmax(y, y);
            Ops.LogSoftmax(x, y);
            Ops.Sum(y, 1, destination: rowSums);
            Ops.ArgMax(y, 1, argmax);
            Ops.Exp(y, y);
        }

        Step();
        Assert.Equal(0, Allocations.By(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                Step();
            }
        }));
    }

    private static void Check(Tensor<double> result, Tensor<double> x, Tensor<double> y, Func<double, double, double> op)
    {
        // Independent reference: numpy's rule evaluated index by index.
        var shape = result.Shape;
        int rank = shape.Rank;
        var index = new int[rank];
        var r = result.ToArray();
        for (int flat = 0; flat < shape.Length; flat++)
        {
            int rest = flat;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }

            double expected = op(At(x, index), At(y, index));
            Assert.Equal(expected, r[flat], 1e-15);
        }
    }

    private static double At(Tensor<double> t, int[] outIndex)
    {
        int offset = outIndex.Length - t.Rank;
        int flat = 0;
        for (int d = 0; d < t.Rank; d++)
        {
            int i = t.Shape[d] == 1 ? 0 : outIndex[d + offset];
            flat = flat * t.Shape[d] + i;
        }

        return t.GetDouble(flat);
    }

    private static void AssertClose(IEnumerable<double> expected, double[] actual)
    {
        var e = expected.ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(e[i])), $"element {i}: expected {e[i]}, got {actual[i]}");
        }
    }
}

public class ScalarOpsTests
{
    [Fact]
    public void ScalarFormsMatchElementByElement()
    {
        var x = Backprop.Tests.TestSupport.TestData.Tensor(21, 7, 33);
        var xs = x.ToArray();
        double y = 0.75;
        var cases = new (Func<Tensor<double>, Tensor<double>?, Tensor<double>> Op, Func<double, double> Expected)[]
        {
            ((t, d) => Ops.Add(t, y, d), v => v + y),
            ((t, d) => Ops.Subtract(t, y, d), v => v - y),
            ((t, d) => Ops.Multiply(t, y, d), v => v * y),
            ((t, d) => Ops.Divide(t, y, d), v => v / y),
            ((t, d) => Ops.Maximum(t, y, d), v => Math.Max(v, y)),
            ((t, d) => Ops.Minimum(t, y, d), v => Math.Min(v, y)),
        };
        foreach (var (op, expected) in cases)
        {
            Assert.Equal(xs.Select(expected).ToArray(), op(x, null).ToArray());
            var destination = new Tensor<double>(7, 33);
            Assert.Same(destination, op(x, destination));
            Assert.Equal(xs.Select(expected).ToArray(), destination.ToArray());
            Assert.Throws<ShapeMismatchException>(() => op(x, new Tensor<double>(33, 7)));
        }
    }
}
