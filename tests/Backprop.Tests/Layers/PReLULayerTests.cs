using Backprop.Layers;

namespace Backprop.Tests.Layers;

/// <summary>The PReLU layer against its element formulas in float on awkward shapes, with and without shared axes:
/// y = x if x &gt; 0 else α·x and dx = dy if x &gt; 0 else α·dy bit for bit, and dα = Σ dy·x over x ≤ 0 (batch and
/// shared positions) against a float64 sum, accumulated onto the gradient already there.</summary>
public class PReLULayerTests
{
    public static TheoryData<int[], int[]> Shapes => new()
    {
        { [1], [] },
        { [33], [] },
        { [7, 5, 3], [] },
        { [7, 5, 3], [1, 2] },
        { [9, 4, 6], [1] },
        { [1000], [1] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_and_backward_match_the_element_formulas(int[] sampleShape, int[] sharedAxes)
    {
        int batch = 5;
        var layer = new PReLU(sharedAxes: sharedAxes);
        layer.Build(new Shape(sampleShape));
        var random = new System.Random(sampleShape.Sum() + sharedAxes.Length);
        var alpha = layer.Alpha.ValueAs<float>().AsSpan();
        for (int i = 0; i < alpha.Length; i++)
        {
            alpha[i] = (float)(random.NextDouble() * 0.6);
        }

        var gradient = layer.Alpha.GradientAs<float>().AsSpan();
        float[] initial = new float[gradient.Length];
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = initial[i] = (float)(random.NextDouble() - 0.5);
        }

        int sample = sampleShape.Aggregate(1, (a, b) => a * b);
        float[] x = new float[batch * sample], dy = new float[batch * sample];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i % 17 == 0 ? 0f : (float)((random.NextDouble() * 4) - 2);
            dy[i] = (float)(random.NextDouble() - 0.5);
        }

        var input = Tensor<float>.Wrap(x, new Shape([batch, .. sampleShape]));
        float[] y = layer.Forward(input, training: true).ToArray();
        float[] dx = layer.Backward(Tensor<float>.Wrap(dy, input.Shape)).ToArray();

        float[] a = alpha.ToArray();
        double[] wantGradient = Array.ConvertAll(initial, v => (double)v);
        for (int i = 0; i < x.Length; i++)
        {
            int j = AlphaIndex(i % sample, sampleShape, sharedAxes);
            Assert.Equal(x[i] > 0 ? x[i] : a[j] * x[i], y[i]);
            Assert.Equal(x[i] > 0 ? dy[i] : a[j] * dy[i], dx[i]);
            if (x[i] <= 0)
            {
                wantGradient[j] += (double)dy[i] * x[i];
            }
        }

        float[] gotGradient = layer.Alpha.GradientAs<float>().ToArray();
        for (int j = 0; j < gotGradient.Length; j++)
        {
            Assert.True(Math.Abs(gotGradient[j] - wantGradient[j]) <= 1e-5 * (1 + Math.Abs(wantGradient[j])), $"dα[{j}] = {gotGradient[j]}, want {wantGradient[j]}");
        }
    }

    // Keras's broadcast of α: a shared axis (1 = the first after the batch) has one α for all its positions.
    private static int AlphaIndex(int position, int[] shape, int[] sharedAxes)
    {
        int index = 0;
        int stride = shape.Aggregate(1, (a, b) => a * b);
        for (int axis = 0; axis < shape.Length; axis++)
        {
            stride /= shape[axis];
            int coordinate = position / stride % shape[axis];
            bool shared = sharedAxes.Contains(axis + 1);
            index = (index * (shared ? 1 : shape[axis])) + (shared ? 0 : coordinate);
        }

        return index;
    }
}
