using Backprop.Data;

namespace Backprop.Labs.EggholderCapacity;

/// <summary>The data of course 003, Problem 4: the Eggholder function on n points x₁, x₂ ~ U(−512, 512), plus
/// Gaussian noise of variance 0.3 (numpy's <c>np.random.normal(0, np.sqrt(0.3), n)</c>), as float32, split 80/20
/// with scikit-learn's <c>train_test_split(test_size=0.2)</c>. No scaling of inputs or targets, as in the course.
/// The course drew unseeded; here Backprop's Philox generator draws from the run's seed (inputs, then noise) and the
/// split's <c>random_state</c> is the seed too.</summary>
internal sealed record EggholderData(Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest)
{
    public const int Points = 100_000;
    public const double Low = -512;
    public const double High = 512;
    public const double NoiseVariance = 0.3;
    public const double TestSize = 0.2;

    /// <summary>f(x₁, x₂) = −(x₂ + 47)·sin(√|x₂ + x₁/2 + 47|) − x₁·sin(√|x₁ − (x₂ + 47)|); global minimum
    /// f(512, 404.2319) ≈ −959.6407.</summary>
    public static double F(double x1, double x2) =>
        (-(x2 + 47) * Math.Sin(Math.Sqrt(Math.Abs(x2 + (x1 / 2) + 47)))) - (x1 * Math.Sin(Math.Sqrt(Math.Abs(x1 - (x2 + 47)))));

    public static EggholderData Generate(int seed, int points = Points)
    {
        var random = new Random.RandomGenerator(unchecked((ulong)seed));
        var inputs = new double[points * 2];
        random.FillUniform<double>(inputs, Low, High);
        var noise = new double[points];
        random.FillNormal<double>(noise, 0, Math.Sqrt(NoiseVariance));
        var x = new float[points * 2];
        var y = new float[points];
        for (int i = 0; i < points; i++)
        {
            x[2 * i] = (float)inputs[2 * i];
            x[(2 * i) + 1] = (float)inputs[(2 * i) + 1];
            y[i] = (float)(F(inputs[2 * i], inputs[(2 * i) + 1]) + noise[i]);
        }

        var (train, test) = TrainTestSplit.Indices(points, TestSize, seed);
        var xAll = Tensor.From(x, points, 2);
        var yAll = Tensor.From(y, points, 1);
        return new EggholderData(TrainTestSplit.Take(xAll, train), TrainTestSplit.Take(yAll, train), TrainTestSplit.Take(xAll, test), TrainTestSplit.Take(yAll, test));
    }
}
