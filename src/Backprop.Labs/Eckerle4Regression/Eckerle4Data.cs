using Backprop.Data;

namespace Backprop.Labs.Eckerle4Regression;

/// <summary>How the inputs and outputs are scaled to [0, 1].</summary>
internal enum Eckerle4Scaling
{
    /// <summary>Min–max on all 35 rows before splitting, as the course did (the test rows leak into the scaling).</summary>
    WholeDataSet,

    /// <summary>Min–max fitted on the 21 training rows only (the leak-free way; test rows may fall outside [0, 1]).</summary>
    TrainingRowsOnly,
}

/// <summary>NIST's Eckerle4 (35 rows, x = 400…500 nm, y the transmittance), split 60/40 with scikit-learn's
/// <c>train_test_split(test_size=0.4, random_state)</c> (21 training and 14 test rows) and min–max scaled to [0, 1]
/// with <see cref="MinMaxScaler"/>.</summary>
internal sealed class Eckerle4Data
{
    public const double TestSize = 0.4;

    private Eckerle4Data(double[] x, double[] y, int[] train, int[] test, Eckerle4Scaling scaling)
    {
        RawX = x;
        RawY = y;
        TrainRows = train;
        TestRows = test;
        Scaling = scaling;
        var fitRows = scaling == Eckerle4Scaling.WholeDataSet ? Enumerable.Range(0, x.Length).ToArray() : train;
        XScaler = new MinMaxScaler().Fit(Column(fitRows.Select(i => x[i])));
        YScaler = new MinMaxScaler().Fit(Column(fitRows.Select(i => y[i])));
        AllScaler = new MinMaxScaler().Fit(Column(y));
    }

    public double[] RawX { get; }

    public double[] RawY { get; }

    public int[] TrainRows { get; }

    public int[] TestRows { get; }

    public Eckerle4Scaling Scaling { get; }

    public MinMaxScaler XScaler { get; }

    public MinMaxScaler YScaler { get; }

    /// <summary>The course's y scaling (all 35 rows): every variant's errors are reported on this scale.</summary>
    public MinMaxScaler AllScaler { get; }

    public Tensor<float> XTrain => Scaled(XScaler, TrainRows.Select(i => RawX[i]));

    public Tensor<float> YTrain => Scaled(YScaler, TrainRows.Select(i => RawY[i]));

    public Tensor<float> XTest => Scaled(XScaler, TestRows.Select(i => RawX[i]));

    public Tensor<float> YTest => Scaled(YScaler, TestRows.Select(i => RawY[i]));

    /// <summary>All 35 inputs, scaled, in NIST's order.</summary>
    public Tensor<float> XAll => Scaled(XScaler, RawX);

    /// <summary>Inputs of a grid over the raw x range, scaled.</summary>
    public Tensor<float> ScaleX(IEnumerable<double> rawX) => Scaled(XScaler, rawX);

    /// <summary>Model outputs back in transmittance units.</summary>
    public double[] UnscaleY(Tensor<float> scaled) =>
        YScaler.InverseTransform(Column(scaled.ToArray().Select(v => (double)v))).ToArray();

    /// <summary>A squared error in transmittance units on the course's scale ([0, 1] over all 35 rows).</summary>
    public double OnCourseScale(double rawSquaredError) => rawSquaredError * Math.Pow(AllScaler.Scale![0], 2);

    public static Eckerle4Data Load(int randomState, Eckerle4Scaling scaling)
    {
        var (x, y) = Backprop.Data.Datasets.Eckerle4.Load();
        var (train, test) = TrainTestSplit.Indices(x.Shape[0], TestSize, randomState);
        return new Eckerle4Data(x.ToArray(), y.ToArray(), train, test, scaling);
    }

    private static Tensor<double> Column(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return Tensor.From(v, v.Length, 1);
    }

    private static Tensor<float> Scaled(MinMaxScaler scaler, IEnumerable<double> values) =>
        Tensor.Cast<double, float>(scaler.Transform(Column(values)));
}
