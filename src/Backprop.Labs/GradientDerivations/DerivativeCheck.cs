using Backprop.Layers;
using Backprop.Random;

namespace Backprop.Labs.GradientDerivations;

/// <summary>One derivative computed three ways: from its closed-form formula with plain tensor operations, by the
/// engine's backward pass, and by float64 central differences of a naive loop forward pass.</summary>
/// <param name="Case">Which instance: "tanh, S = 7, M = 5, F = 4, N = 3".</param>
/// <param name="Derivative">"∂L/∂X".</param>
/// <param name="Formula">The closed form: "(A∘B)W".</param>
/// <param name="Shape">The derivative's shape.</param>
/// <param name="EngineError"><see cref="Errors.Scaled(ReadOnlySpan{double}, ReadOnlySpan{double})"/> of the formula against the engine; null where the engine
/// does not compute this derivative.</param>
/// <param name="CentralDifferenceError"><see cref="Errors.Scaled(ReadOnlySpan{double}, ReadOnlySpan{double})"/> of the formula against central differences.</param>
public sealed record DerivativeCheck(string Case, string Derivative, string Formula, string Shape, double? EngineError, double CentralDifferenceError);

/// <summary>How far one derivative is from another.</summary>
public static class Errors
{
    /// <summary>max |value − reference| / max(1, max |reference|): the absolute error for gradients of size up to 1,
    /// the relative error for larger ones.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Scaled(ReadOnlySpan<double> value, ReadOnlySpan<double> reference)
    {
        if (value.Length != reference.Length)
        {
            throw new ArgumentException($"Cannot compare {value.Length} values with {reference.Length}.", nameof(value));
        }

        double worst = 0, scale = 1;
        for (int i = 0; i < value.Length; i++)
        {
            double error = Math.Abs(value[i] - reference[i]);
            worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
            scale = Math.Max(scale, Math.Abs(reference[i]));
        }

        return worst / scale;
    }

    /// <summary><see cref="Scaled(ReadOnlySpan{double}, ReadOnlySpan{double})"/> of two tensors of the same shape.</summary>
    /// <exception cref="ShapeMismatchException">The shapes differ.</exception>
    public static double Scaled(Tensor<double> value, Tensor<double> reference)
    {
        if (value.Shape != reference.Shape)
        {
            throw ShapeMismatchException.For("Errors.Scaled", value.Shape, reference.Shape);
        }

        return Scaled(value.AsSpan(), reference.AsSpan());
    }
}

/// <summary>Float64 central differences, (f(v + ε) − f(v − ε)) / 2ε, entry by entry.</summary>
public static class CentralDifferences
{
    /// <summary>ε = 1e-5: the truncation error ε²·f‴/6 and the rounding error ≈ 1e-16·|f|/ε are both near 1e-11 for
    /// the smooth, order-one functions of this lab.</summary>
    public const double Step = 1e-5;

    /// <summary>∂f/∂vᵢ for every entry of <paramref name="values"/>, which <paramref name="f"/> reads; each entry
    /// is perturbed in place and restored.</summary>
    public static double[] Of(double[] values, Func<double> f)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(f);
        var gradient = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double saved = values[i];
            values[i] = saved + Step;
            double plus = f();
            values[i] = saved - Step;
            double minus = f();
            values[i] = saved;
            gradient[i] = (plus - minus) / (2 * Step);
        }

        return gradient;
    }
}

/// <summary>Helpers the derivations share: random test values, engine layers in float64, transposes.</summary>
internal static class Derivation
{
    /// <summary><paramref name="count"/> values from N(0, 1).</summary>
    public static double[] Normal(RandomGenerator random, int count)
    {
        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextNormal();
        }

        return values;
    }

    /// <summary>The matrix with a column of ones appended: [M | 1].</summary>
    public static Tensor<double> AppendOnes(Tensor<double> matrix)
    {
        int rows = matrix.Shape[0], columns = matrix.Shape[1];
        var result = new Tensor<double>(rows, columns + 1);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[r, c] = matrix[r, c];
            }

            result[r, columns] = 1;
        }

        return result;
    }

    /// <summary>The last column of a matrix, as a vector.</summary>
    public static Tensor<double> LastColumn(Tensor<double> matrix)
    {
        int rows = matrix.Shape[0], last = matrix.Shape[1] - 1;
        var result = new Tensor<double>(rows);
        for (int r = 0; r < rows; r++)
        {
            result[r] = matrix[r, last];
        }

        return result;
    }

    /// <summary>All columns but the last.</summary>
    public static Tensor<double> DropLastColumn(Tensor<double> matrix)
    {
        int rows = matrix.Shape[0], columns = matrix.Shape[1] - 1;
        var result = new Tensor<double>(rows, columns);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[r, c] = matrix[r, c];
            }
        }

        return result;
    }

    public static Tensor<double> Transpose(Tensor<double> matrix)
    {
        var result = new Tensor<double>(matrix.Shape[1], matrix.Shape[0]);
        for (int i = 0; i < matrix.Shape[0]; i++)
        {
            for (int j = 0; j < matrix.Shape[1]; j++)
            {
                result[j, i] = matrix[i, j];
            }
        }

        return result;
    }

    /// <summary>Builds <paramref name="layer"/> in float64 for per-sample inputs of <paramref name="inputShape"/>
    /// and sets its weights.</summary>
    public static TLayer Float64<TLayer>(TLayer layer, Shape inputShape, params Tensor[] weights) where TLayer : Layer
    {
        layer.Build(inputShape, DType.Float64);
        if (weights.Length > 0)
        {
            layer.SetWeights(weights);
        }

        return layer;
    }

    /// <summary>Zeroes the layers' parameter gradients, so a backward pass that adds into them (the layer contract)
    /// leaves exactly this step's gradient.</summary>
    public static void ZeroGradients(params Layer[] layers)
    {
        foreach (var parameter in layers.SelectMany(l => l.Parameters))
        {
            parameter.ZeroGradient();
        }
    }

    public static string ShapeText(params int[] dimensions) => "(" + string.Join(", ", dimensions) + ")";
}
