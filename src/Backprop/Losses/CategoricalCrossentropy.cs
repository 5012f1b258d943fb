using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using Backprop.Activations;

namespace Backprop.Losses;

/// <summary>Categorical cross-entropy over the last axis, Keras
/// <c>CategoricalCrossentropy(from_logits=False, label_smoothing=0)</c> (<c>"categorical_crossentropy"</c>):
/// per sample L = −Σⱼ tⱼ·log qⱼ, where, as in Keras, ŷ is first divided by its row sum and then clipped to
/// [1e-7, 1 − 1e-7] (q), and t = y·(1 − s) + s/C with label smoothing s over C classes; the loss is the mean over
/// samples. With <c>fromLogits</c>: L = −Σⱼ tⱼ·log_softmax(z)ⱼ and ∂L/∂z = softmax(z)·Σt − t (PyTorch
/// <c>CrossEntropyLoss</c> with probability targets). After a softmax output the model can take the fused gradient
/// <see cref="BackwardThroughSoftmax{T}"/>.</summary>
public sealed class CategoricalCrossentropy : Loss, IFusesWithActivation
{
    /// <summary>Categorical cross-entropy on one-hot targets, on probabilities or on logits.</summary>
    /// <param name="fromLogits">True when y_pred are logits (raw scores); the loss applies the softmax itself, in a numerically stable form.</param>
    /// <param name="labelSmoothing">In [0, 1]: the targets are moved towards the uniform distribution by this fraction (Keras default 0).</param>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0)
    {
        LabelSmoothingCheck.Validate(labelSmoothing);
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>True when y_pred are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <summary>The label-smoothing fraction: targets become y·(1 − s) + s/classes.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <summary>True when the loss reads probabilities (not <c>fromLogits</c>), so it fuses with a softmax output.</summary>
    public bool FusesWithSoftmax => !FromLogits;

    /// <summary>Fuses with a softmax output activation unless <c>fromLogits</c>: writes ∂L/∂z
    /// (<see cref="BackwardThroughSoftmax{T}"/>).</summary>
    public bool TryBackwardThroughActivation<T>(Activation activation, Tensor<T> yTrue, Tensor<T> output, Tensor<T> preActivationGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!FusesWithSoftmax || activation is not Softmax)
        {
            return false;
        }

        BackwardThroughSoftmax(yTrue, output, preActivationGradient);
        return true;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        int rows = CheckShapesAndCountRows(yTrue, yPred);
        int classes = yPred.Shape[-1];
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var tRow = t.Slice(r * classes, classes);
            var pRow = p.Slice(r * classes, classes);
            if (FromLogits)
            {
                double logSumExp = LogSumExp(pRow);
                for (int j = 0; j < classes; j++)
                {
                    total -= Smooth(tRow[j], classes) * (double.CreateTruncating(pRow[j]) - logSumExp);
                }
            }
            else
            {
                T rowSum = Sum(pRow);
                for (int j = 0; j < classes; j++)
                {
                    total -= Smooth(tRow[j], classes) * Math.Log(double.CreateTruncating(Clip(pRow[j] / rowSum)));
                }
            }
        }

        return rows == 0 ? 0 : total / rows;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        int rows = CheckShapesAndCountRows(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        int classes = yPred.Shape[-1];
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        double scale = 1.0 / Math.Max(rows, 1);
        for (int r = 0; r < rows; r++)
        {
            var tRow = t.Slice(r * classes, classes);
            var pRow = p.Slice(r * classes, classes);
            var gRow = g.Slice(r * classes, classes);
            if (FromLogits)
            {
                double logSumExp = LogSumExp(pRow);
                double labelSum = 0;
                for (int j = 0; j < classes; j++)
                {
                    labelSum += Smooth(tRow[j], classes);
                }

                for (int j = 0; j < classes; j++)
                {
                    double softmax = Math.Exp(double.CreateTruncating(pRow[j]) - logSumExp);
                    gRow[j] = T.CreateTruncating(scale * (softmax * labelSum - Smooth(tRow[j], classes)));
                }
            }
            else
            {
                // With s = Σŷ and pⱼ = ŷⱼ/s: ∂L/∂pⱼ = gⱼ = −tⱼ/pⱼ where the clip passes, and
                // ∂L/∂ŷₖ = (gₖ − Σⱼ gⱼ·pⱼ)/s.
                T rowSum = Sum(pRow);
                double s = double.CreateTruncating(rowSum);
                double weighted = 0;
                for (int j = 0; j < classes; j++)
                {
                    T normalised = pRow[j] / rowSum;
                    double gj = Clip(normalised) == normalised ? -Smooth(tRow[j], classes) / double.CreateTruncating(normalised) : 0;
                    weighted += gj * double.CreateTruncating(normalised);
                    gRow[j] = T.CreateTruncating(gj);
                }

                for (int j = 0; j < classes; j++)
                {
                    gRow[j] = T.CreateTruncating(scale * (double.CreateTruncating(gRow[j]) - weighted) / s);
                }
            }
        }
    }

    /// <summary>∂L/∂z = (ŷ·Σt − t)/batch for ŷ = softmax(z); see <see cref="IFusesWithActivation"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardThroughSoftmax<T>(Tensor<T> yTrue, Tensor<T> softmaxOutput, Tensor<T> logitsGradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FromLogits)
        {
            throw new InvalidOperationException("categorical_crossentropy with fromLogits: true takes logits; it cannot be fused with a softmax output.");
        }

        int rows = CheckShapesAndCountRows(yTrue, softmaxOutput);
        CheckGradientShape(softmaxOutput, logitsGradient, "logits gradient");
        int classes = softmaxOutput.Shape[-1];
        var t = yTrue.AsSpan();
        var p = softmaxOutput.AsSpan();
        var g = logitsGradient.AsSpan();
        double scale = 1.0 / Math.Max(rows, 1);
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            double labelSum = 0;
            for (int j = 0; j < classes; j++)
            {
                labelSum += Smooth(t[start + j], classes);
            }

            for (int j = 0; j < classes; j++)
            {
                g[start + j] = T.CreateTruncating(scale * (double.CreateTruncating(p[start + j]) * labelSum - Smooth(t[start + j], classes)));
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["from_logits"] = FromLogits,
        ["label_smoothing"] = LabelSmoothing,
    };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"CategoricalCrossentropy(from_logits={FromLogits}, label_smoothing={LabelSmoothing})");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Smooth<T>(T label, int classes) where T : unmanaged, IFloatingPointIeee754<T> =>
        double.CreateTruncating(label) * (1 - LabelSmoothing) + LabelSmoothing / classes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static T Clip<T>(T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T epsilon = T.CreateTruncating(Epsilon);
        return T.Clamp(p, epsilon, T.One - epsilon);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static T Sum<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach (T value in row)
        {
            sum += value;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogSumExp<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = double.NegativeInfinity;
        foreach (T value in row)
        {
            max = Math.Max(max, double.CreateTruncating(value));
        }

        double sum = 0;
        foreach (T value in row)
        {
            sum += Math.Exp(double.CreateTruncating(value) - max);
        }

        return max + Math.Log(sum);
    }
}
