using Backprop.Activations;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Activations;

public class ActivationGradientTests
{
    public static TheoryData<string> AllNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in ActivationRegistry.Names)
        {
            data.Add(name);
        }

        return data;
    }

    private static readonly double[] s_kinks = [-3, -0.5, 0, 0.5, 2, 3, 6];

    private static IEnumerable<(string Label, Activation Activation)> Variants(string name)
    {
        yield return (name, Activation.Get(name));
        if (name == "relu")
        {
            yield return ("relu(slope 0.1, max 2, threshold 0.5)", new Relu(negativeSlope: 0.1, maxValue: 2, threshold: 0.5));
            yield return ("relu(max 6)", new Relu(maxValue: 6));
            yield return ("relu(threshold 0.5)", new Relu(threshold: 0.5));
            yield return ("relu(threshold -0.5, max 2)", new Relu(threshold: -0.5, maxValue: 2));
        }
        else if (name == "gelu")
        {
            yield return ("gelu(approximate)", new Gelu(approximate: true));
        }
        else if (name == "leaky_relu")
        {
            yield return ("leaky_relu(0.01)", new LeakyRelu(0.01));
        }
        else if (name == "elu")
        {
            yield return ("elu(0.5)", new Elu(0.5));
        }
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Backward_matches_central_differences_in_float64(string name)
    {
        var random = new System.Random(1234);
        foreach (var (label, activation) in Variants(name))
        {
            foreach (int batch in new[] { 1, 7, 33 })
            {
                foreach (int features in new[] { 1, 3, 10 })
                {
                    var shape = new Shape(batch, features);
                    double[] x = NumericalGradient.RandomAwayFrom(random, shape.Length, -4, 4, s_kinks);
                    double[] dy = NumericalGradient.RandomAwayFrom(random, shape.Length, -1, 1, []);
                    var xs = Tensor<double>.Wrap((double[])x.Clone(), shape);
                    var ys = new Tensor<double>(shape);
                    activation.Forward(xs, ys);
                    var dx = new Tensor<double>(shape);
                    activation.Backward(xs, ys, Tensor<double>.Wrap((double[])dy.Clone(), shape), dx);

                    double Objective(double[] input)
                    {
                        var output = new Tensor<double>(shape);
                        activation.Forward(Tensor<double>.Wrap(input, shape), output);
                        double sum = 0;
                        var o = output.AsSpan();
                        for (int i = 0; i < o.Length; i++)
                        {
                            sum += dy[i] * o[i];
                        }

                        return sum;
                    }

                    double[] numeric = NumericalGradient.Of(Objective, x);
                    NumericalGradient.AssertClose(dx.ToArray(), numeric, $"{label} {shape}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Backward_allows_dx_to_alias_dy(string name)
    {
        var activation = Activation.Get(name);
        var random = new System.Random(7);
        var shape = new Shape(5, 4);
        var x = Tensor<double>.Wrap(NumericalGradient.RandomAwayFrom(random, 20, -4, 4, s_kinks), shape);
        var y = new Tensor<double>(shape);
        activation.Forward(x, y);
        var dy = Tensor<double>.Wrap(NumericalGradient.RandomAwayFrom(random, 20, -1, 1, []), shape);
        var expected = new Tensor<double>(shape);
        activation.Backward(x, y, dy, expected);
        activation.Backward(x, y, dy, dy);
        Assert.Equal(expected.ToArray(), dy.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Float32_forward_and_backward_agree_with_float64(string name)
    {
        var activation = Activation.Get(name);
        var random = new System.Random(99);
        var shape = new Shape(7, 10);
        double[] x = NumericalGradient.RandomAwayFrom(random, shape.Length, -4, 4, s_kinks);
        double[] dy = NumericalGradient.RandomAwayFrom(random, shape.Length, -1, 1, []);
        var x64 = Tensor<double>.Wrap(x, shape);
        var y64 = new Tensor<double>(shape);
        var dx64 = new Tensor<double>(shape);
        activation.Forward(x64, y64);
        activation.Backward(x64, y64, Tensor<double>.Wrap(dy, shape), dx64);
        var x32 = Tensor<float>.Wrap(x.Select(v => (float)v).ToArray(), shape);
        var y32 = new Tensor<float>(shape);
        var dx32 = new Tensor<float>(shape);
        activation.Forward(x32, y32);
        activation.Backward(x32, y32, Tensor<float>.Wrap(dy.Select(v => (float)v).ToArray(), shape), dx32);
        for (int i = 0; i < shape.Length; i++)
        {
            Assert.True(Math.Abs(y32.AsSpan()[i] - y64.AsSpan()[i]) <= 1e-5 * (1 + Math.Abs(y64.AsSpan()[i])), $"{name} y[{i}]");
            Assert.True(Math.Abs(dx32.AsSpan()[i] - dx64.AsSpan()[i]) <= 1e-4 * (1 + Math.Abs(dx64.AsSpan()[i])), $"{name} dx[{i}]");
        }
    }
}
