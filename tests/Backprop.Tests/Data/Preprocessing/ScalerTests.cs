using Backprop.Data;

namespace Backprop.Tests.Data.Preprocessing;

public class ScalerTests
{
    public static TheoryData<string> Fixtures => new() { "Float64Small", "Float64Medium", "Float32Medium", "Float64OneRow" };

    private static ScalerFixture Fixture(string name) => name switch
    {
        "Float64Small" => PreprocessingFixtures.Float64Small,
        "Float64Medium" => PreprocessingFixtures.Float64Medium,
        "Float32Medium" => PreprocessingFixtures.Float32Medium,
        _ => PreprocessingFixtures.Float64OneRow,
    };

    private static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void StandardScalerMatchesScikitLearn(string name)
    {
        ScalerFixture f = Fixture(name);
        var shape = new Shape(f.Rows, f.Columns);
        var testShape = new Shape(f.TestRows, f.Columns);
        var scaler = new StandardScaler();
        double[] train, test, inverse;
        if (f.IsFloat32)
        {
            var x = Tensor<float>.Wrap(f.Train.Select(v => (float)v).ToArray(), shape);
            train = scaler.FitTransform(x).ToDoubleArray();
            Tensor<float> z = scaler.Transform(Tensor<float>.Wrap(f.Test.Select(v => (float)v).ToArray(), testShape));
            test = z.ToDoubleArray();
            inverse = scaler.InverseTransform(z).ToDoubleArray();
        }
        else
        {
            train = scaler.FitTransform(Tensor<double>.Wrap(f.Train, shape)).ToArray();
            Tensor<double> z = scaler.Transform(Tensor<double>.Wrap(f.Test, testShape));
            test = z.ToArray();
            inverse = scaler.InverseTransform(z).ToArray();
        }

        // Statistics accumulate in float64 in both libraries; results differ only by summation order.
        AssertClose(f.Mean, scaler.Mean!.ToArray(), 1e-13, "mean");
        AssertClose(f.Var, scaler.Var!.ToArray(), 1e-11, "var");
        AssertClose(f.Scale, scaler.Scale!.ToArray(), 1e-12, "scale");
        Assert.Equal(f.Rows, scaler.SamplesSeen);
        double resultTolerance = f.IsFloat32 ? 2.5e-7 : 1e-11;
        AssertClose(f.StandardTrain, train, resultTolerance, "train");
        AssertClose(f.StandardTest, test, resultTolerance, "test");
        AssertClose(f.StandardInverse, inverse, resultTolerance * 100, "inverse");
        AssertClose(f.Test, inverse, f.IsFloat32 ? 1e-5 : 1e-11, "round trip");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MinMaxScalerMatchesScikitLearnExactly(string name)
    {
        ScalerFixture f = Fixture(name);
        var shape = new Shape(f.Rows, f.Columns);
        var testShape = new Shape(f.TestRows, f.Columns);
        var scaler = new MinMaxScaler(f.RangeLow, f.RangeHigh);
        double[] train, test, inverse;
        if (f.IsFloat32)
        {
            var x = Tensor<float>.Wrap(f.Train.Select(v => (float)v).ToArray(), shape);
            train = scaler.FitTransform(x).ToDoubleArray();
            Tensor<float> z = scaler.Transform(Tensor<float>.Wrap(f.Test.Select(v => (float)v).ToArray(), testShape));
            test = z.ToDoubleArray();
            inverse = scaler.InverseTransform(z).ToDoubleArray();
        }
        else
        {
            train = scaler.FitTransform(Tensor<double>.Wrap(f.Train, shape)).ToArray();
            Tensor<double> z = scaler.Transform(Tensor<double>.Wrap(f.Test, testShape));
            test = z.ToArray();
            inverse = scaler.InverseTransform(z).ToArray();
        }

        // Same operations in the same order and precision as scikit-learn: bit-for-bit equal.
        Assert.Equal(f.DataMin, scaler.DataMin!.ToArray());
        Assert.Equal(f.DataMax, scaler.DataMax!.ToArray());
        Assert.Equal(f.DataRange, scaler.DataRange!.ToArray());
        Assert.Equal(f.MinMaxScale, scaler.Scale!.ToArray());
        Assert.Equal(f.MinMaxMin, scaler.Min!.ToArray());
        Assert.Equal(f.MinMaxTrain, train);
        Assert.Equal(f.MinMaxTest, test);
        Assert.Equal(f.MinMaxInverse, inverse);
    }

    [Fact]
    public void StandardScalerHandComputedWithAConstantColumn()
    {
        var x = Tensor.From(new double[,] { { 1, 10 }, { 2, 10 }, { 3, 10 }, { 6, 10 } });
        var scaler = new StandardScaler();
        Tensor<double> z = scaler.FitTransform(x);
        Assert.Equal([3.0, 10.0], scaler.Mean!.ToArray());
        Assert.Equal([3.5, 0.0], scaler.Var!.ToArray());
        Assert.Equal([Math.Sqrt(3.5), 1.0], scaler.Scale!.ToArray());
        double s = Math.Sqrt(3.5);
        Assert.Equal([-2 / s, 0, -1 / s, 0, 0, 0, 3 / s, 0], z.ToArray());
        Assert.Equal(x.ToArray(), scaler.InverseTransform(z).ToArray());
    }

    [Fact]
    public void StandardScalerOptionsSkipCentringOrScaling()
    {
        var x = Tensor.From(new double[,] { { 1, 4 }, { 3, 8 } });
        // Without centring the data is still divided by the population std about the mean (1 and 2).
        var noMean = new StandardScaler(withMean: false);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], noMean.FitTransform(x).ToArray());
        var noStd = new StandardScaler(withStd: false);
        Assert.Equal([-1.0, -2.0, 1.0, 2.0], noStd.FitTransform(x).ToArray());
        Assert.Null(noStd.Var);
        Assert.Null(noStd.Scale);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1200)]
    public void StandardScalerAgreesWithANaiveTwoPassOnLargeOffsets(int rows)
    {
        // Features around 1e6 with spread 1e-2 stress the variance computation; training statistics must not
        // depend on test data (fit on the training rows only).
        const int columns = 6;
        var random = new global::System.Random(rows);
        var train = new double[rows * columns];
        for (int i = 0; i < train.Length; i++)
        {
            train[i] = 1e6 * (i % columns) + 0.01 * random.NextDouble();
        }

        var scaler = new StandardScaler().Fit(Tensor<double>.Wrap(train, new Shape(rows, columns)));
        for (int j = 0; j < columns; j++)
        {
            // The textbook two-pass formula, column by column.
            double sum = 0;
            for (int i = 0; i < rows; i++)
            {
                sum += train[i * columns + j];
            }

            double mean = sum / rows;
            double squares = 0;
            for (int i = 0; i < rows; i++)
            {
                double d = train[i * columns + j] - mean;
                squares += d * d;
            }

            double variance = squares / rows;
            Assert.Equal(mean, scaler.Mean![j], 1e-12 * Math.Max(1, mean));
            Assert.Equal(variance, scaler.Var![j], 1e-6 * variance + 1e-20);
            Assert.Equal(rows == 1 ? 1.0 : Math.Sqrt(variance), scaler.Scale![j], 1e-6 * Math.Sqrt(variance) + 1e-12);
        }
    }

    [Fact]
    public void MinMaxScalerHandComputedWithAConstantColumnAndClip()
    {
        var x = Tensor.From(new double[,] { { 1, 10 }, { 2, 10 }, { 3, 10 }, { 6, 10 } });
        var scaler = new MinMaxScaler(-1, 1);
        Tensor<double> scaled = scaler.FitTransform(x);
        // The constant column counts as range 1: scale = 2 / 1, min = −1 − 10·2, so 10 maps to −1.
        Assert.Equal([0.4, 2.0], scaler.Scale!.ToArray());
        Assert.Equal([-1 - 0.4, -1 - 20.0], scaler.Min!.ToArray());
        double[] expected = [1 * 0.4 - 1.4, -1, 2 * 0.4 - 1.4, -1, 3 * 0.4 - 1.4, -1, 6 * 0.4 - 1.4, -1];
        Assert.Equal(expected, scaled.ToArray());

        var outside = Tensor.From(new double[,] { { 11, 10 }, { -4, 12 } });
        Assert.Equal([3, -1, -3, 3], new MinMaxScaler(-1, 1).Fit(x).Transform(outside).ToArray(), new ToleranceComparer(1e-12));
        Assert.Equal([1, -1, -1, 1], new MinMaxScaler(-1, 1, clip: true).Fit(x).Transform(outside).ToArray(), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void ScalersRejectBadInput()
    {
        var scaler = new StandardScaler();
        var notFitted = Assert.Throws<InvalidOperationException>(() => scaler.Transform(new Tensor<double>(2, 3)));
        Assert.Contains("not fitted", notFitted.Message, StringComparison.Ordinal);
        var vector = Assert.Throws<ArgumentException>(() => scaler.Fit(new Tensor<double>(5)));
        Assert.Contains("expected a 2-D array", vector.Message, StringComparison.Ordinal);
        scaler.Fit(Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        var wrong = Assert.Throws<ShapeMismatchException>(() => scaler.Transform(new Tensor<double>(2, 4)));
        Assert.Contains("fitted on features of shape (3,)", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(new Tensor<double>(0, 3)));
        Assert.Throws<ArgumentException>(() => new MinMaxScaler(1, 1));
        Assert.Throws<InvalidOperationException>(() => new MinMaxScaler().InverseTransform(new Tensor<float>(1, 1)));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
