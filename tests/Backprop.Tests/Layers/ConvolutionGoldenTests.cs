using System.Text.Json;
using Backprop.Layers;

namespace Backprop.Tests.Layers;

/// <summary>Conv2D and pooling layers against values derived independently: PyTorch in float64 with TensorFlow's
/// "same" padding applied by hand (Fixtures/Convolution/make_convolution_fixtures.py), and a 3×3 example worked
/// out on paper.</summary>
public sealed class ConvolutionGoldenTests
{
    public static TheoryData<string> CaseNames => new(Cases().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Layer_matches_pytorch_forward_and_backward(string name)
    {
        var c = Cases().Single(e => e.GetProperty("name").GetString() == name);
        int[] inputShape = Ints(c, "input_shape");
        int[] sample = inputShape[1..];
        string padding = c.GetProperty("padding").GetString()!;
        Layer layer = c.GetProperty("layer").GetString() switch
        {
            "Conv2D" => new Conv2D(c.GetProperty("filters").GetInt32(), Ints(c, "kernel_size"), Ints(c, "strides"), padding,
                useBias: c.GetProperty("bias").ValueKind != JsonValueKind.Null, dilationRate: Ints(c, "dilation_rate")),
            "MaxPooling2D" => new MaxPooling2D(Ints(c, "pool_size"), Ints(c, "strides"), padding),
            _ => new AveragePooling2D(Ints(c, "pool_size"), Ints(c, "strides"), padding),
        };
        layer.Build(new Shape(sample), DType.Float64);
        Assert.Equal(new Shape(Ints(c, "output_shape")[1..]), layer.OutputShape);
        if (layer is Conv2D conv)
        {
            var weights = new List<Tensor> { Tensor.From(Doubles(c, "kernel"), conv.Kernel.Shape.ToArray()) };
            if (conv.UseBias)
            {
                weights.Add(Tensor.From(Doubles(c, "bias"), conv.Filters));
            }

            layer.SetWeights([.. weights]);
        }

        var x = Tensor.From(Doubles(c, "x"), inputShape);
        var y = layer.Forward(x, training: true);
        AssertClose(Doubles(c, "y"), y.ToArray(), "y");
        foreach (var p in layer.Parameters)
        {
            p.ZeroGradient();
        }

        var dx = layer.Backward(Tensor.From(Doubles(c, "dy"), Ints(c, "output_shape")));
        AssertClose(Doubles(c, "input_gradient"), dx.ToArray(), "input gradient");
        if (layer is Conv2D convolution)
        {
            AssertClose(Doubles(c, "kernel_gradient"), convolution.Kernel.GradientAs<double>().ToArray(), "kernel gradient");
            if (convolution.Bias is { } bias)
            {
                AssertClose(Doubles(c, "bias_gradient"), bias.GradientAs<double>().ToArray(), "bias gradient");
            }
        }
    }

    [Fact]
    public void Same_padding_with_stride_2_puts_the_extra_row_and_column_at_the_bottom_right()
    {
        // x = [[1 2 3], [4 5 6], [7 8 9]], a 2×2 kernel of ones, "same", stride 2: the output is ⌈3/2⌉ = 2 per axis
        // and the window needs (2 − 1)·2 + 2 − 3 = 1 padding row and column — TensorFlow puts it after the image,
        // so the windows start at rows/columns 0 and 2:
        //   y[0,0] = 1+2+4+5 = 12,  y[0,1] = 3+6 (+ padding) = 9,  y[1,0] = 7+8 = 15,  y[1,1] = 9.
        // PyTorch's symmetric padding=1 would start them at −1 and give [[1, 5], [11, 28]].
        var conv = new Conv2D(1, [2, 2], strides: [2, 2], padding: "same", useBias: false, kernelInitializer: "ones");
        var x = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 3, 3, 1);
        var y = conv.Forward(x);
        Assert.Equal(new Shape(1, 2, 2, 1), y.Shape);
        Assert.Equal([12.0, 9, 15, 9], y.ToArray());

        // dy of ones: each input cell receives 1 from the one window covering it (stride = kernel: no overlap).
        conv.Kernel.ZeroGradient();
        var dx = conv.Backward(Tensor.From(new double[] { 1, 1, 1, 1 }, 1, 2, 2, 1));
        Assert.Equal(Enumerable.Repeat(1.0, 9), dx.ToArray());
        // ∂W[u, v] = Σ over the four windows of the cell at offset (u, v): 1+3+7+9, 2+8, 4+6, 5 (padding adds 0).
        Assert.Equal([20.0, 10, 10, 5], conv.Kernel.GradientAs<double>().ToArray());

        // Average pooling 2×2, stride 2, "same" on the same image divides by the real cells only.
        var pool = new AveragePooling2D([2, 2], padding: "same");
        Assert.Equal([3.0, 4.5, 7.5, 9], pool.Forward(x).ToArray());
        var max = new MaxPooling2D([2, 2], padding: "same");
        Assert.Equal([5.0, 6, 8, 9], max.Forward(x).ToArray());
    }

    private static IEnumerable<JsonElement> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Convolution", "convolution_golden.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static int[] Ints(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static double[] Doubles(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R}.");
        }
    }
}
