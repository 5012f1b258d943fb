using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The panel route (<see cref="GemmSmall.RunPanels{T}"/>: few rows, wider than the narrow route, B read in
/// place panel by panel, bias and ReLU epilogues only) must give every element exactly the bits of the packed GEMM —
/// a Dense layer's forward product takes it or not depending on the batch size and thread count — and stay within the
/// reference's rounding (<see cref="GemmRouteBits"/>).</summary>
[Collection(nameof(ThreadCountCollection))]
public class GemmPanelTests
{
    /// <summary>Widths just over one panel, several uneven panels and a partial last tile; depths of one slice, just
    /// over one (289) and several uneven ones; row counts of one, partial row tiles and row blocks, and 256.</summary>
    [Theory]
    [InlineData(9, 129, 5)]
    [InlineData(1, 200, 50)]
    [InlineData(33, 1000, 784)]
    [InlineData(128, 1000, 784)]
    [InlineData(7, 300, 289)]
    [InlineData(256, 257, 577)]
    [InlineData(100, 1001, 33)]
    [InlineData(64, 513, 1)]
    public void Panel_route_has_the_packed_bits_at_any_thread_count(int m, int n, int k)
    {
        // Tanh and sigmoid epilogues never take the route (TensorPrimitives rounds a panel's short last span
        // differently); the entry point must still give the packed bits with them.
        (double, GemmActivation)[] cases = [(0.0, GemmActivation.None), (1.5, GemmActivation.Relu), (0.0, GemmActivation.Relu), (0.0, GemmActivation.Sigmoid)];
        static bool Takes(GemmActivation activation) => activation is GemmActivation.None or GemmActivation.Relu;
        int compared = GemmRouteBits.Check<float>(m, n, k, 31, cases, Takes, GemmSmall.RunPanels)
            + GemmRouteBits.Check<double>(m, n, k, 31, cases, Takes, GemmSmall.RunPanels);
        Assert.True(compared > 0 || !System.Runtime.Intrinsics.X86.Fma.IsSupported, "the panel route ran on no case");
    }
}
