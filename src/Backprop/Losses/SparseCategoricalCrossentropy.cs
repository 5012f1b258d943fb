using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using Backprop.Activations;

namespace Backprop.Losses;

/// <summary>Categorical cross-entropy with integer class labels, Keras
/// <c>SparseCategoricalCrossentropy(from_logits=False)</c> (<c>"sparse_categorical_crossentropy"</c>): y_true holds
/// one class index per sample (shape (n,) or (n, 1), stored as T), and per sample L = −log q_c, with q = ŷ/Σŷ
/// clipped to [1e-7, 1 − 1e-7] as in Keras's JAX/NumPy/PyTorch backends. With <c>fromLogits</c>:
/// L = −log_softmax(z)_c, ∂L/∂z = softmax(z) − onehot(c) (PyTorch <c>CrossEntropyLoss</c>). A label that is not an
/// integer in [0, classes) throws, naming it. After a softmax output the model can take the fused gradient
/// <see cref="BackwardThroughSoftmax{T}"/>.</summary>
public sealed class SparseCategoricalCrossentropy : Loss, IFusesWithActivation
{
    /// <summary>Categorical cross-entropy on integer class labels, on probabilities or on logits.</summary>
    /// <param name="fromLogits">True when y_pred are logits (raw scores); the loss applies the softmax itself, in a numerically stable form.</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false)
    {
        FromLogits = fromLogits;
    }

    /// <summary>True when y_pred are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

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
        int rows = CheckSparseShapes(yTrue, yPred);
        int classes = yPred.Shape[-1];
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var pRow = p.Slice(r * classes, classes);
            int label = Label(t[r], r, classes);
            if (FromLogits)
            {
                total -= double.CreateTruncating(pRow[label]) - CategoricalCrossentropy.LogSumExp(pRow);
            }
            else
            {
                T rowSum = CategoricalCrossentropy.Sum(pRow);
                total -= Math.Log(double.CreateTruncating(CategoricalCrossentropy.Clip(pRow[label] / rowSum)));
            }
        }

        return rows == 0 ? 0 : total / rows;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        int rows = CheckSparseShapes(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        int classes = yPred.Shape[-1];
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        double scale = 1.0 / Math.Max(rows, 1);
        for (int r = 0; r < rows; r++)
        {
            var pRow = p.Slice(r * classes, classes);
            var gRow = g.Slice(r * classes, classes);
            int label = Label(t[r], r, classes);
            if (FromLogits)
            {
                double logSumExp = CategoricalCrossentropy.LogSumExp(pRow);
                for (int j = 0; j < classes; j++)
                {
                    double softmax = Math.Exp(double.CreateTruncating(pRow[j]) - logSumExp);
                    gRow[j] = T.CreateTruncating(scale * (softmax - (j == label ? 1 : 0)));
                }
            }
            else
            {
                // L = −log(ŷ_c/s): ∂L/∂ŷₖ = (1 − [k = c]/p_c)/s where the clip passes p_c, else 0.
                T rowSum = CategoricalCrossentropy.Sum(pRow);
                T normalised = pRow[label] / rowSum;
                bool passes = CategoricalCrossentropy.Clip(normalised) == normalised;
                double s = double.CreateTruncating(rowSum);
                double pc = double.CreateTruncating(normalised);
                for (int j = 0; j < classes; j++)
                {
                    gRow[j] = passes ? T.CreateTruncating(scale * (1 - (j == label ? 1 / pc : 0)) / s) : T.Zero;
                }
            }
        }
    }

    /// <summary>∂L/∂z = (ŷ − onehot(label))/batch for ŷ = softmax(z); see <see cref="IFusesWithActivation"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardThroughSoftmax<T>(Tensor<T> yTrue, Tensor<T> softmaxOutput, Tensor<T> logitsGradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FromLogits)
        {
            throw new InvalidOperationException("sparse_categorical_crossentropy with fromLogits: true takes logits; it cannot be fused with a softmax output.");
        }

        int rows = CheckSparseShapes(yTrue, softmaxOutput);
        CheckGradientShape(softmaxOutput, logitsGradient, "logits gradient");
        int classes = softmaxOutput.Shape[-1];
        var t = yTrue.AsSpan();
        var p = softmaxOutput.AsSpan();
        var g = logitsGradient.AsSpan();
        T scale = T.One / T.CreateChecked(Math.Max(rows, 1));
        for (int r = 0; r < rows; r++)
        {
            int label = Label(t[r], r, classes);
            int start = r * classes;
            for (int j = 0; j < classes; j++)
            {
                g[start + j] = scale * (j == label ? p[start + j] - T.One : p[start + j]);
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["from_logits"] = FromLogits };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SparseCategoricalCrossentropy(from_logits={FromLogits})");

    /// <summary>The class index a stored label means; anything but an integer in [0, classes) throws, naming the
    /// label and its row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Label<T>(T value, int row, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double label = double.CreateTruncating(value);
        if (!(label >= 0 && label < classes) || label != Math.Floor(label))
        {
            throw new ArgumentOutOfRangeException(
                "yTrue",
                label,
                string.Create(CultureInfo.InvariantCulture, $"Sparse label {label} in row {row} is not a class index in [0, {classes})."));
        }

        return (int)label;
    }

    private int CheckSparseShapes<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yPred.Rank == 0 || yPred.Shape[-1] == 0)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape, "y_pred needs a class axis");
        }

        int rows = yPred.Length / yPred.Shape[-1];
        bool ranksFit = yTrue.Rank == yPred.Rank - 1 || (yTrue.Rank == yPred.Rank && yTrue.Shape[-1] == 1);
        if (!ranksFit || yTrue.Length != rows)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape,
                "expected one integer label per row of y_pred, shaped (n,) or (n, 1)");
        }

        return rows;
    }
}
