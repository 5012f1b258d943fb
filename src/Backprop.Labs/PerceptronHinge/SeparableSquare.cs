using Backprop.Data;

namespace Backprop.Labs.PerceptronHinge;

/// <summary>The data of course 003, Problem 1: points uniform in [0, 1)², labelled +1 when x₁ &gt; x₂ and −1
/// otherwise, so a line through the origin (x₁ = x₂) separates them. Drawn exactly as the course's numpy code does
/// after <c>np.random.seed(seed)</c>: <c>a, b = np.random.rand(n), np.random.rand(n)</c> for the training points,
/// then the same for the test points (numpy's Mersenne Twister, bit for bit).</summary>
internal sealed record SeparableSquare(double[,] XTrain, double[] YTrain, double[,] XTest, double[] YTest)
{
    public const int TrainCount = 20;
    public const int TestCount = 1000;

    public static SeparableSquare Draw(long seed, int trainCount = TrainCount, int testCount = TestCount)
    {
        var numpy = new NumPyRandomState(seed);
        var (xTrain, yTrain) = Points(numpy, trainCount);
        var (xTest, yTest) = Points(numpy, testCount);
        return new SeparableSquare(xTrain, yTrain, xTest, yTest);
    }

    /// <summary>The label rule: 1.0 if x₁ &gt; x₂ else −1.0.</summary>
    public static double Label(double x1, double x2) => x1 > x2 ? 1.0 : -1.0;

    private static (double[,] X, double[] Y) Points(NumPyRandomState numpy, int count)
    {
        double[] a = numpy.Rand(count);
        double[] b = numpy.Rand(count);
        var x = new double[count, 2];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i, 0] = a[i];
            x[i, 1] = b[i];
            y[i] = Label(a[i], b[i]);
        }

        return (x, y);
    }
}
