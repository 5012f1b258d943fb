namespace Backprop.Labs.SineCapacity;

/// <summary>The sine-capacity lab's data. Course 004 never states its data ("the data distribution is sinusoidal",
/// with "variations in amplitude and frequency", x roughly in [0, 10]); this lab defines it and keeps it fixed:
/// <para>y = A(x)·sin(φ(x)) + ε with A(x) = 0.5 + 0.15·x (amplitude growing from 0.5 to 2), φ(x) = 0.6·x + 0.03·x²
/// (frequency φ′(x) = 0.6 + 0.06·x rising from 0.6 to 1.2 radians per unit: about 1.4 periods over [0, 10]) and noise
/// ε ~ N(0, 0.25²);</para>
/// <para>30 training and 200 test inputs x ~ U(0, 10), drawn independently by Backprop's Philox generator from
/// <see cref="DataSeed"/> (training x, training noise, test x, test noise, in that order), so every run of the lab sees
/// the same points; the run's seed only changes the networks' initial weights and batch order.</para></summary>
public static class SineData
{
    /// <summary>The fixed seed of the data (not the run's seed).</summary>
    public const ulong DataSeed = 4004;

    /// <summary>Training points.</summary>
    public const int TrainCount = 30;
    /// <summary>Test points.</summary>
    public const int TestCount = 200;
    /// <summary>x is drawn from [0, XMax].</summary>
    public const double XMax = 10;
    /// <summary>Standard deviation of the Gaussian noise added to y.</summary>
    public const double NoiseStd = 0.25;

    /// <summary>The noise-free function A(x)·sin(φ(x)).</summary>
    public static double F(double x) => (0.5 + (0.15 * x)) * Math.Sin((0.6 * x) + (0.03 * x * x));

    /// <summary>Training and test points (x, y) as (n, 1) float32 tensors.</summary>
    public static (Tensor<float> XTrain, Tensor<float> YTrain, Tensor<float> XTest, Tensor<float> YTest) Load(ulong seed = DataSeed)
    {
        var random = new Random.RandomGenerator(seed);
        var (xTrain, yTrain) = Draw(random, TrainCount);
        var (xTest, yTest) = Draw(random, TestCount);
        return (xTrain, yTrain, xTest, yTest);
    }

    private static (Tensor<float> X, Tensor<float> Y) Draw(Random.RandomGenerator random, int count)
    {
        var x = new double[count];
        var noise = new double[count];
        random.FillUniform<double>(x, 0, XMax);
        random.FillNormal<double>(noise, 0, NoiseStd);
        return (Tensor.From(x.Select(v => (float)v).ToArray(), count, 1), Tensor.From(x.Select((v, i) => (float)(F(v) + noise[i])).ToArray(), count, 1));
    }
}
