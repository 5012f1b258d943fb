using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

internal static class TrainingTestKit
{
    /// <summary>A small regression model 4 → 8 relu → 1 with seeded weights.</summary>
    public static Sequential SmallModel(int seed = 1, DType dtype = DType.Float64)
    {
        var model = new Sequential(dtype,
            new Dense(8, activation: "relu", kernelInitializer: "zeros", inputShape: [4]),
            new Dense(1, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, seed, -0.5, 0.5);
        model.Output = TextWriter.Null;
        return model;
    }

    public static (Tensor<double> X, Tensor<double> Y) Regression(int rows, int seed)
    {
        var x = TestData.Tensor(seed, rows, 4);
        var y = new Tensor<double>(rows, 1);
        for (int i = 0; i < rows; i++)
        {
            y[i, 0] = x[i, 0] - 2 * x[i, 1] + 0.5 * x[i, 2] * x[i, 3];
        }

        return (x, y);
    }

    public static bool SameWeights(Tensor[] a, Tensor[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => p.First.ToArray().SequenceEqual(p.Second.ToArray()));
}
