using Backprop.Kernels;
using Backprop.Tests.TestSupport;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>A wide layer's backward step (dz = dy ⊙ f′ and db = Σ_rows dz) is split over threads by column ranges;
/// every dz and every bias sum must equal the one-thread formula with rows added in order, at any thread count, in
/// float and double, with the split's edges at odd columns.</summary>
[Collection(nameof(ThreadCountCollection))]
public class DenseKernelsThreadingTests
{
    [Theory]
    [InlineData(128, 1000)]
    [InlineData(67, 1001)]
    [InlineData(1000, 130)]
    [InlineData(512, 127)]
    [InlineData(513, 128)]
    public void Backward_split_over_columns_has_the_row_order_bits(int rows, int columns)
    {
        Check<float>(rows, columns);
        Check<double>(rows, columns);
    }

    private static void Check<T>(int rows, int columns)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = rows * columns;
        T[] y = Convert<T>(TestData.Floats(n, n, -2, 2)), aux = Convert<T>(TestData.Floats(n, n + 1, 0, 1)), dy = Convert<T>(TestData.Floats(n, n + 2));
        T[] bias0 = Convert<T>(TestData.Floats(columns, n + 3));
        foreach (string kind in new[] { "relu", "tanh", "sigmoid", "swish" })
        {
            foreach (bool overwrite in new[] { true, false })
            {
                // Sigmoid's derivative is taken from its output, which lies in (0, 1) like aux.
                T[] output = kind == "sigmoid" ? aux : y;
                var (expectedDz, expectedBias) = DenseBackwardReference.Expected(kind, rows, columns, output, aux, dy, bias0, overwrite);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var dz = new T[n];
                    T[] bias = (T[])bias0.Clone();
                    WithThreads(threads, () => DenseBackwardReference.Run(kind, rows, columns, output, aux, dy, dz, bias, overwrite));
                    Assert.True(expectedDz.AsSpan().SequenceEqual(dz), $"{kind} dz, {threads} thread(s)");
                    Assert.True(expectedBias.AsSpan().SequenceEqual(bias), $"{kind} bias gradient, {threads} thread(s)");

                    // Without a bias, and with dz written over dy (the kernels allow dz to be dy).
                    if (kind is "swish" or "relu")
                    {
                        T[] inPlace = (T[])dy.Clone();
                        WithThreads(threads, () => DenseBackwardReference.Run(kind, rows, columns, y, aux, inPlace, inPlace, [], overwrite));
                        Assert.True(expectedDz.AsSpan().SequenceEqual(inPlace), $"{kind} in place, {threads} thread(s)");
                    }
                }
            }
        }
    }

    private static T[] Convert<T>(float[] values)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => Array.ConvertAll(values, v => T.CreateChecked(v));
}
