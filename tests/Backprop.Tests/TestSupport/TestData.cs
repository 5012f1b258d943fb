namespace Backprop.Tests.TestSupport;

/// <summary>Seeded random test inputs (System.Random is fine here: tests pin their own expectations).</summary>
internal static class TestData
{
    public static double[] Doubles(int n, int seed, double low = -3, double high = 3)
    {
        var rng = new System.Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = low + (high - low) * rng.NextDouble();
        }

        return values;
    }

    public static float[] Floats(int n, int seed, double low = -3, double high = 3) =>
        Doubles(n, seed, low, high).Select(v => (float)v).ToArray();

    public static Tensor<double> Tensor(int seed, params int[] shape) =>
        Backprop.Tensor.From(Doubles(new Shape(shape).Length, seed), shape);
}
