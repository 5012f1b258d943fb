using System.Numerics;
using Backprop.Kernels;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="Conv2DKernels"/> against the naive float64 loops of <see cref="ConvolutionReference"/> on
/// awkward shapes: odd sizes, 1 and 7 channels, strides 2–3, dilation, both paddings, 1×1 windows, batches above
/// the unit count, and images large enough to be cut into several slices.</summary>
public sealed class Conv2DKernelsTests
{
    public static TheoryData<WindowCase> Cases => new()
    {
        new WindowCase(3, 7, 9, 1, 3, 3, 1, 1, 1, 1, Same: false, Filters: 4),
        new WindowCase(2, 11, 8, 7, 3, 2, 2, 2, 1, 1, Same: true, Filters: 5),
        new WindowCase(1, 10, 13, 3, 5, 5, 3, 3, 1, 1, Same: true, Filters: 7),
        new WindowCase(2, 9, 10, 7, 4, 4, 2, 3, 1, 1, Same: true, Filters: 3),
        new WindowCase(5, 9, 9, 2, 3, 3, 1, 1, 2, 2, Same: true, Filters: 3),
        new WindowCase(4, 12, 10, 7, 2, 3, 1, 1, 2, 3, Same: false, Filters: 1),
        new WindowCase(33, 6, 5, 1, 5, 5, 1, 1, 1, 1, Same: true, Filters: 6),
        new WindowCase(2, 8, 8, 16, 1, 1, 1, 1, 1, 1, Same: false, Filters: 33),
        new WindowCase(3, 9, 8, 4, 1, 1, 2, 2, 1, 1, Same: true, Filters: 6),
        new WindowCase(17, 28, 28, 1, 5, 5, 1, 1, 1, 1, Same: false, Filters: 6),
        new WindowCase(20, 12, 12, 6, 5, 5, 1, 1, 1, 1, Same: false, Filters: 16),
        new WindowCase(2, 5, 5, 3, 5, 5, 1, 1, 1, 1, Same: false, Filters: 2),
        new WindowCase(2, 41, 37, 8, 5, 5, 1, 1, 1, 1, Same: true, Filters: 9),
        new WindowCase(2, 9, 8, 16, 3, 3, 1, 1, 1, 1, Same: true, Filters: 20),
        new WindowCase(3, 10, 9, 17, 2, 3, 1, 1, 2, 2, Same: false, Filters: 5),
        new WindowCase(2, 7, 11, 33, 3, 2, 1, 1, 1, 1, Same: true, Filters: 40),
        new WindowCase(2, 8, 9, 12, 3, 3, 2, 2, 1, 1, Same: true, Filters: 7),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_reference_loops(WindowCase k)
    {
        foreach (var path in new[] { Conv2DKernels.ConvolutionPath.Auto, Conv2DKernels.ConvolutionPath.Im2Col })
        {
            CheckForward<double>(k, GemmActivation.None, 1e-12, path);
            CheckForward<float>(k, GemmActivation.None, 2e-5, path);
            CheckForward<double>(k, GemmActivation.Sigmoid, 1e-12, path);
            CheckForward<float>(k, GemmActivation.Sigmoid, 2e-5, path);
            CheckForward<float>(k, GemmActivation.Relu, 2e-5, path);
            CheckForward<double>(k, GemmActivation.Tanh, 1e-12, path);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_the_reference_loops_and_adds_into_the_parameter_gradients(WindowCase k)
    {
        foreach (var path in new[] { Conv2DKernels.ConvolutionPath.Auto, Conv2DKernels.ConvolutionPath.Im2Col })
        {
            CheckBackward<double>(k, GemmActivation.None, 1e-11, path);
            CheckBackward<float>(k, GemmActivation.None, 5e-5, path);
            CheckBackward<double>(k, GemmActivation.Tanh, 1e-11, path);
            CheckBackward<float>(k, GemmActivation.Sigmoid, 5e-5, path);
            CheckBackward<float>(k, GemmActivation.Relu, 5e-5, path);
        }
    }

    [Fact]
    public void Empty_gradient_spans_skip_their_products()
    {
        var k = new WindowCase(3, 7, 6, 2, 3, 3, 1, 1, 1, 1, Same: true, Filters: 4);
        var x = RandomArray<double>(k.InputLength, 1);
        var w = RandomArray<double>(k.KernelLength, 2);
        var dy = RandomArray<double>(k.OutputLength, 3);
        var y = new double[k.OutputLength];
        Conv2DKernels.Forward<double>(k.Geometry, k.Batch, k.Filters, x, w, default, GemmActivation.None, y);
        var expected = ConvolutionReference.Backward(k, x, w, dy);
        var dx = new double[k.InputLength];
        Conv2DKernels.Backward<double>(k.Geometry, k.Batch, k.Filters, x, w, y, dy, GemmActivation.None, default, default, dx);
        AssertClose(expected.InputGradient, dx, 1e-12, "dx alone");
        var dw = new double[k.KernelLength];
        Conv2DKernels.Backward<double>(k.Geometry, k.Batch, k.Filters, x, w, y, dy, GemmActivation.None, dw, default, default);
        AssertClose(expected.KernelGradient, dw, 1e-12, "dW alone");
    }

    [Fact]
    public void Mismatched_buffers_throw_instead_of_reading_out_of_bounds()
    {
        var k = new WindowCase(2, 6, 6, 3, 3, 3, 1, 1, 1, 1, Same: false, Filters: 2);
        var x = new float[k.InputLength];
        var w = new float[k.KernelLength];
        var y = new float[k.OutputLength];
        Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward<float>(k.Geometry, k.Batch, k.Filters, x.AsSpan(1), w, default, GemmActivation.None, y));
        Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward<float>(k.Geometry, k.Batch, k.Filters, x, w.AsSpan(1), default, GemmActivation.None, y));
        Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward<float>(k.Geometry, k.Batch, k.Filters, x, w, new float[3], GemmActivation.None, y));
        Assert.Throws<ArgumentException>(() => Conv2DKernels.Backward<float>(k.Geometry, k.Batch, k.Filters, x, w, y, y.AsSpan(1), GemmActivation.None, default, default, default));
        Assert.Throws<ArgumentException>(() => Conv2DKernels.Backward<float>(k.Geometry, k.Batch, k.Filters, x, w, y, y, GemmActivation.None, new float[5], default, default));
    }

    private static void CheckForward<T>(WindowCase k, GemmActivation activation, double tolerance, Conv2DKernels.ConvolutionPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = RandomArray<T>(k.InputLength, 11);
        var w = RandomArray<T>(k.KernelLength, 12);
        var bias = RandomArray<T>(k.Filters, 13);
        var y = new T[k.OutputLength];
        Conv2DKernels.Forward<T>(k.Geometry, k.Batch, k.Filters, x, w, bias, activation, y, path);
        var expected = ConvolutionReference.Forward(k, ToDouble(x), ToDouble(w), ToDouble(bias)).Select(z => Activate(z, activation)).ToArray();
        AssertClose(expected, y, tolerance, $"{typeof(T).Name} forward ({activation}, {path}) {k}");
    }

    private static void CheckBackward<T>(WindowCase k, GemmActivation activation, double tolerance, Conv2DKernels.ConvolutionPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = RandomArray<T>(k.InputLength, 21);
        var w = RandomArray<T>(k.KernelLength, 22);
        var bias = RandomArray<T>(k.Filters, 23);
        var dy = RandomArray<T>(k.OutputLength, 24);
        var y = new T[k.OutputLength];
        Conv2DKernels.Forward<T>(k.Geometry, k.Batch, k.Filters, x, w, bias, activation, y, path);

        // dz = dy ⊙ f′, from the stored output as the kernel does.
        var dz = ToDouble(dy).Zip(ToDouble(y), (g, o) => g * Derivative(o, activation)).ToArray();
        var expected = ConvolutionReference.Backward(k, ToDouble(x), w: ToDouble(w), dz);

        // The parameter gradients start non-zero: the kernel must add to them.
        var dw = RandomArray<T>(k.KernelLength, 25);
        var db = RandomArray<T>(k.Filters, 26);
        var dwBefore = ToDouble(dw);
        var dbBefore = ToDouble(db);
        var dx = RandomArray<T>(k.InputLength, 27);
        Conv2DKernels.Backward<T>(k.Geometry, k.Batch, k.Filters, x, w, y, dy, activation, dw, db, dx, path);
        string what = $"{typeof(T).Name} backward ({activation}, {path}) {k}";
        AssertClose(expected.KernelGradient.Zip(dwBefore, (g, before) => g + before).ToArray(), dw, tolerance, what + " dW");
        AssertClose(expected.BiasGradient.Zip(dbBefore, (g, before) => g + before).ToArray(), db, tolerance, what + " db");
        AssertClose(expected.InputGradient, dx, tolerance, what + " dx");
    }

    internal static double Activate(double z, GemmActivation activation) => activation switch
    {
        GemmActivation.Relu => Math.Max(z, 0),
        GemmActivation.Tanh => Math.Tanh(z),
        GemmActivation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        _ => z,
    };

    internal static double Derivative(double y, GemmActivation activation) => activation switch
    {
        GemmActivation.Relu => y > 0 ? 1 : 0,
        GemmActivation.Tanh => 1 - (y * y),
        GemmActivation.Sigmoid => y * (1 - y),
        _ => 1,
    };

    /// <summary>max |actual − expected| ≤ tolerance·max(1, max |expected|).</summary>
    internal static void AssertClose<T>(double[] expected, T[] actual, double tolerance, string what)
        where T : IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < expected.Length; i++)
        {
            double got = double.CreateTruncating(actual[i]);
            if (!(Math.Abs(got - expected[i]) <= tolerance * scale))
            {
                Assert.Fail($"{what}: element {i} is {got:R}, reference {expected[i]:R} (tolerance {tolerance * scale:G3}).");
            }
        }
    }
}
