using System.Numerics;
using Backprop.Layers;
using Backprop.Regularizers;

namespace Backprop.Tests.Optimizers;

internal static class OptimizerTestHelpers
{
    public static Parameter Create<T>(string name, double[] values, bool trainable = true, Constraint? constraint = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensor = Tensor<T>.Wrap(values.Select(T.CreateChecked).ToArray(), new Shape(values.Length));
        return new Parameter(name, tensor, trainable, constraint: constraint);
    }

    public static void SetGradient(Parameter parameter, double[] gradient)
    {
        switch (parameter.Gradient)
        {
            case Tensor<float> f:
                for (int i = 0; i < gradient.Length; i++)
                {
                    f[i] = (float)gradient[i];
                }

                break;
            case Tensor<double> d:
                gradient.CopyTo(d.AsSpan());
                break;
        }
    }

    public static double[] Values(Parameter parameter) => parameter.Value.ToDoubleArray();

    /// <summary>A built-in first-order optimiser by a test name (plain, with momentum, Nesterov, AMSGrad, centred…) with
    /// the given rate; the optimiser tests that run over every kind share it.</summary>
    public static Backprop.Optimizers.FirstOrderOptimizer OptimizerNamed(string name, double learningRate) => name switch
    {
        "sgd" => new Backprop.Optimizers.SGD(learningRate: learningRate),
        "sgd-momentum" => new Backprop.Optimizers.SGD(learningRate: learningRate, momentum: 0.9),
        "sgd-nesterov" => new Backprop.Optimizers.SGD(learningRate: learningRate, momentum: 0.9, nesterov: true),
        "adam" => new Backprop.Optimizers.Adam(learningRate: learningRate),
        "adam-amsgrad" => new Backprop.Optimizers.Adam(learningRate: learningRate, amsgrad: true),
        "adamw" => new Backprop.Optimizers.AdamW(learningRate: learningRate),
        "nadam" => new Backprop.Optimizers.Nadam(learningRate: learningRate),
        "adamax" => new Backprop.Optimizers.Adamax(learningRate: learningRate),
        "rmsprop" => new Backprop.Optimizers.RMSprop(learningRate: learningRate),
        "rmsprop-momentum" => new Backprop.Optimizers.RMSprop(learningRate: learningRate, momentum: 0.9),
        "rmsprop-centered" => new Backprop.Optimizers.RMSprop(learningRate: learningRate, momentum: 0.5, centered: true),
        "rmsprop-momentum-centered" => new Backprop.Optimizers.RMSprop(learningRate: learningRate, momentum: 0.9, centered: true),
        "adadelta" => new Backprop.Optimizers.Adadelta(learningRate: learningRate),
        "adagrad" => new Backprop.Optimizers.Adagrad(learningRate: learningRate),
        _ => throw new ArgumentException(name),
    };

    /// <summary>|actual − expected| ≤ absolute + relative·|expected| element by element, with a message naming the
    /// first offending element.</summary>
    public static void AssertClose(double[] expected, double[] actual, double relative, double absolute = 0, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = absolute + relative * Math.Abs(expected[i]);
            Assert.True(
                Math.Abs(actual[i] - expected[i]) <= tolerance,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (difference {Math.Abs(actual[i] - expected[i]):E3} > {tolerance:E3}).");
        }
    }
}

/// <summary>Clamps every weight to [−1, 1]; lets tests see whether a constraint ran before or after the step.</summary>
internal sealed class UnitBoxConstraint : Constraint
{
    public override string Name => "unit_box";

    public override void Apply<T>(Tensor<T> weights)
    {
        var w = weights.AsSpan();
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = T.Clamp(w[i], -T.One, T.One);
        }
    }
}
