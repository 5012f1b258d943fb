using Backprop.Data;

namespace Backprop.Tests.Data.Pipeline;

/// <summary>Datasets whose rows identify themselves: x[i, j] = 10·i + j and y[i] = i.</summary>
internal static class PipelineTestData
{
    public const int Features = 3;

    public static (Tensor<double> X, Tensor<double> Y) Rows(int n)
    {
        var x = new double[n * Features];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < Features; j++)
            {
                x[i * Features + j] = 10 * i + j;
            }

            y[i] = i;
        }

        return (Tensor<double>.Wrap(x, new Shape(n, Features)), Tensor<double>.Wrap(y, new Shape(n)));
    }

    /// <summary>The row ids one epoch yields, checking that each x row matches its y (x scaled by
    /// <paramref name="xScale"/> when a map scaled it).</summary>
    public static List<int> Epoch(Dataset<double> dataset, double xScale = 1)
    {
        var ids = new List<int>();
        foreach (Batch<double> batch in dataset)
        {
            int rows = dataset.IsBatched ? batch.Count : 1;
            double[] x = batch.X.ToArray();
            double[] y = batch.Y!.ToArray();
            Assert.Equal(rows * Features, x.Length);
            Assert.Equal(rows, y.Length);
            for (int r = 0; r < rows; r++)
            {
                int id = (int)y[r];
                for (int j = 0; j < Features; j++)
                {
                    Assert.Equal(xScale * (10 * id + j), x[r * Features + j]);
                }

                ids.Add(id);
            }
        }

        return ids;
    }

    public static void AssertPermutation(IReadOnlyList<int> ids, int n)
    {
        Assert.Equal(n, ids.Count);
        Assert.Equal(Enumerable.Range(0, n), ids.Order());
    }
}
