using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The fused relu epilogue keeps TensorPrimitives.Max's values at the edges: NaN stays NaN, −0 becomes
/// +0, on the vector body and on the scalar tail of a row.</summary>
public sealed class GemmEpilogueValuesTests
{
    [Theory]
    [InlineData(40)]
    [InlineData(3)]
    public void Relu_of_nan_and_negative_zero(int n)
    {
        // A = 1 (m × 1), B = the row of values (1 × n), bias 0: C = relu(values).
        float[] values = Enumerable.Range(0, n).Select(j => (j % 4) switch { 0 => float.NaN, 1 => -0f, 2 => -2f, _ => 3f }).ToArray();
        var c = new float[2 * n];
        Gemm.Multiply<float>(false, false, 2, n, 1, 1f, [1f, 1f], 1, values, n, 0f, c, n, new float[n], GemmActivation.Relu);
        for (int j = 0; j < n; j++)
        {
            float expected = float.Max(values[j] + 0f, 0f);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(c[j]));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(c[n + j]));
        }
    }
}
