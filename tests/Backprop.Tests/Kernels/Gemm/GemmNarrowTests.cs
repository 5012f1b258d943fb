using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The narrow route (<see cref="GemmSmall.RunNarrow{T}"/>: at most four column tiles, many rows, A read in
/// place) must give every element exactly the bits of the packed GEMM — training results, and Predict's grouping of
/// batches, rely on the route never showing — and stay within the reference's rounding.</summary>
[Collection(nameof(ThreadCountCollection))]
public class GemmNarrowTests
{
    /// <summary>Widths from 2 to the widest narrow product (edge tiles of every kind), depths of one slice, just
    /// over one (289) and several uneven ones, row counts that leave partial row tiles and row blocks; products of
    /// many rows (≥ <see cref="GemmPacked.LongSide"/>) that split over threads from a smaller size.</summary>
    [Theory]
    [InlineData(9, 2, 5)]
    [InlineData(33, 10, 1000)]
    [InlineData(128, 100, 784)]
    [InlineData(257, 17, 289)]
    [InlineData(1000, 10, 100)]
    [InlineData(97, 128, 300)]
    [InlineData(50, 64, 1)]
    [InlineData(1001, 33, 577)]
    [InlineData(523, 9, 150)]
    [InlineData(600, 64, 20)]
    public void Narrow_route_has_the_packed_bits_at_any_thread_count(int m, int n, int k)
    {
        (double, GemmActivation)[] cases = [(0.0, GemmActivation.None), (1.5, GemmActivation.Relu), (0.0, GemmActivation.Tanh)];
        int compared = 0;
        if (n <= GemmSmall.NarrowColumns<float>())
        {
            compared += GemmRouteBits.Check<float>(m, n, k, 21, cases, _ => true, GemmSmall.RunNarrow);
        }

        if (n <= GemmSmall.NarrowColumns<double>())
        {
            compared += GemmRouteBits.Check<double>(m, n, k, 21, cases, _ => true, GemmSmall.RunNarrow);
        }

        // Narrow means at most 128 floats or 64 doubles with AVX-512, 64 or 32 with AVX2: some shapes here are narrow
        // only with AVX-512.
        bool narrow = n <= GemmSmall.NarrowColumns<float>();
        Assert.True(compared > 0 || !narrow || !System.Runtime.Intrinsics.X86.Fma.IsSupported, "the narrow route ran on no case");
    }
}
