using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="RowGather.Copy{T}"/> against the plain loop it replaces, for every copy path (value by value,
/// 16- and 32-byte vectors, memmove, memmove with rows prefetched ahead) and batches large enough to be split over
/// threads, at 1–3 threads; indices repeat and run in any order, as the data pipeline's may.</summary>
[Collection(nameof(ThreadCountCollection))]
public class RowGatherTests
{
    [Theory]
    [InlineData(1, 33)]
    [InlineData(3, 7)]
    [InlineData(4, 128)]
    [InlineData(7, 301)]
    [InlineData(16, 33)]
    [InlineData(17, 1)]
    [InlineData(64, 5)]
    [InlineData(65, 301)]
    [InlineData(784, 128)]
    [InlineData(784, 33)]
    [InlineData(3072, 33)]
    [InlineData(700, 301)]
    public void Copies_the_chosen_rows_at_any_thread_count(int width, int count)
    {
        foreach (int threads in new[] { 1, 2, 3 })
        {
            WithThreads(threads, () =>
            {
                Check<float>(width, count, seed: 3);
                Check<double>(width, count, seed: 4);
                Check<byte>(width, count, seed: 5);
            });
        }
    }

    /// <summary>The widest cases above split over two threads (so the split copy is what they test): a batch of 128
    /// rows of 784 floats, 33 of 3,072 and 301 of 700 each hold at least two parts' worth.</summary>
    [Fact]
    public void The_widest_cases_are_split()
    {
        Assert.True(128L * 784 * sizeof(float) >= 2 * RowGather.ParallelBytes);
        Assert.True(33L * 3072 * sizeof(float) >= 2 * RowGather.ParallelBytes);
        Assert.True(301L * 700 * sizeof(float) >= 2 * RowGather.ParallelBytes);
    }

    private static void Check<T>(int width, int count, int seed)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        const int sourceRows = 1_000;
        var rng = new System.Random(seed + width * 31 + count);
        var source = new T[sourceRows * width];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = T.CreateTruncating(rng.Next(1, 250));
        }

        var rows = new int[count];
        for (int r = 0; r < count; r++)
        {
            rows[r] = rng.Next(sourceRows);
        }

        // A guard element past the batch must stay untouched.
        var destination = new T[count * width + 1];
        destination[^1] = T.CreateTruncating(251);
        RowGather.Copy<T>(source, width, destination.AsSpan(0, count * width), rows);

        var expected = new T[count * width];
        for (int r = 0; r < count; r++)
        {
            source.AsSpan(rows[r] * width, width).CopyTo(expected.AsSpan(r * width, width));
        }

        Assert.Equal(expected, destination[..^1]);
        Assert.Equal(T.CreateTruncating(251), destination[^1]);
    }
}
