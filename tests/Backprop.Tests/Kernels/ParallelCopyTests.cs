using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="ParallelCopy.Copy{T}"/> against <c>CopyTo</c>, for lengths that are split over threads and
/// lengths that are not, lengths that end inside a page, and element sizes that do and do not divide a page.</summary>
[Collection(nameof(ThreadCountCollection))]
public class ParallelCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1023)]
    [InlineData(16_384)]
    [InlineData(16_385)]
    [InlineData(33_000)]
    [InlineData(262_144)]
    [InlineData(1_000_003)]
    public void Copies_every_value_and_nothing_past_the_source_at_any_thread_count(int length)
    {
        foreach (int threads in new[] { 1, 2, 3 })
        {
            WithThreads(threads, () =>
            {
                Check<float>(length, seed: 1);
                Check<double>(length, seed: 2);
                Check<byte>(length, seed: 3);
                Check<Rgb>(length, seed: 4);
            });
        }
    }

    /// <summary>The large cases above are split at two and three threads (so the split copy is what they test).</summary>
    [Fact]
    public void The_large_cases_are_split()
    {
        Assert.True(33_000L * sizeof(float) >= 2 * ParallelCopy.ParallelBytes);
        Assert.True(1_000_003L * sizeof(byte) >= 3 * ParallelCopy.ParallelBytes);
        Assert.True(16_384L * sizeof(float) < 2 * ParallelCopy.ParallelBytes);
    }

    [Fact]
    public void A_destination_shorter_than_the_source_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ParallelCopy.Copy<float>(new float[10], new float[9]));
        Assert.Contains("9", error.Message);
        Assert.Contains("10", error.Message);
    }

    [Fact]
    public void A_warm_split_copy_allocates_nothing()
    {
        WithThreads(2, () =>
        {
            var source = new float[100_000];
            var destination = new float[100_000];
            ParallelCopy.Copy<float>(source, destination);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                ParallelCopy.Copy<float>(source, destination);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    private static void Check<T>(int length, int seed)
        where T : unmanaged
    {
        var rng = new System.Random(seed + length);
        var sourceBytes = new byte[length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        rng.NextBytes(sourceBytes);
        var source = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(sourceBytes).ToArray();

        // Guard values after the source's length: the copy must leave them alone.
        var destinationBytes = new byte[(length + 5) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        rng.NextBytes(destinationBytes);
        var destination = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(destinationBytes).ToArray();
        var expected = (T[])destination.Clone();
        source.AsSpan().CopyTo(expected);

        ParallelCopy.Copy<T>(source, destination);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination.AsSpan())),
            $"{typeof(T).Name}, {length} values: the copy differs from CopyTo.");
    }

    /// <summary>A 3-byte element: 4,096 is not a whole number of them, so parts split inside pages.</summary>
    private readonly record struct Rgb(byte R, byte G, byte B);
}
