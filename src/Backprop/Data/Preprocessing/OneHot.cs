using System.Numerics;

namespace Backprop.Data;

/// <summary>Label encodings.</summary>
public static class OneHot
{
    /// <summary>One-hot encodes integer class labels as Keras' <c>keras.utils.to_categorical(y, num_classes)</c>:
    /// labels of shape (n,) or (n, 1) become an (n, numClasses) float32 matrix with a 1 in each row's label
    /// column (Keras 3 returns float64; the values are the same). Any other shape s becomes s + (numClasses,).</summary>
    /// <param name="labels">Integer-valued labels in [0, numClasses).</param>
    /// <param name="numClasses">Number of classes; by default the largest label + 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is negative, not an integer, or ≥ numClasses; the
    /// message names the label and its position.</exception>
    public static Tensor<float> ToCategorical<TLabel>(Tensor<TLabel> labels, int? numClasses = null)
        where TLabel : unmanaged, INumber<TLabel>
        => ToCategorical<TLabel, float>(labels, numClasses);

    /// <summary><see cref="ToCategorical{TLabel}(Tensor{TLabel}, int?)"/> with the element type of the result
    /// chosen: <c>OneHot.ToCategorical&lt;byte, double&gt;(y)</c>.</summary>
    public static Tensor<TOut> ToCategorical<TLabel, TOut>(Tensor<TLabel> labels, int? numClasses = null)
        where TLabel : unmanaged, INumber<TLabel>
        where TOut : unmanaged, INumber<TOut>
    {
        ArgumentNullException.ThrowIfNull(labels);
        Span<int> dims = stackalloc int[Shape.MaxRank + 1];
        labels.Shape.CopyTo(dims);
        int rank = labels.Rank;
        if (rank > 1 && dims[rank - 1] == 1)
        {
            rank--;
        }

        if (rank >= Shape.MaxRank)
        {
            throw new ArgumentException($"ToCategorical: labels of shape {labels.Shape} would need a rank-{rank + 1} result; at most {Shape.MaxRank} is supported.", nameof(labels));
        }

        ReadOnlySpan<TLabel> values = labels.AsSpan();
        var classes = new int[values.Length];
        int largest = -1;
        for (int i = 0; i < values.Length; i++)
        {
            classes[i] = LabelAt(values, i, labels.Shape);
            largest = Math.Max(largest, classes[i]);
        }

        int count = numClasses ?? largest + 1;
        if (numClasses is int given && given < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), given, "ToCategorical: numClasses must be at least 1.");
        }

        for (int i = 0; i < classes.Length; i++)
        {
            if (classes[i] >= count)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"ToCategorical: label {classes[i]} at index {i} is not below numClasses = {count}.");
            }
        }

        dims[rank] = count;
        var result = new Tensor<TOut>(new Shape(dims[..(rank + 1)]));
        Span<TOut> target = result.AsSpan();
        for (int i = 0; i < classes.Length; i++)
        {
            target[i * count + classes[i]] = TOut.One;
        }

        return result;
    }

    /// <summary>One-hot encodes an array of labels; see <see cref="ToCategorical{TLabel}(Tensor{TLabel}, int?)"/>.</summary>
    public static Tensor<float> ToCategorical(int[] labels, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return ToCategorical(Tensor<int>.Wrap(labels, new Shape(labels.Length)), numClasses);
    }

    /// <summary>Label <paramref name="index"/> as a class index, or an exception naming it, its position and
    /// <paramref name="context"/>.</summary>
    internal static int LabelAt<TLabel>(ReadOnlySpan<TLabel> values, int index, Shape shape, string context = "ToCategorical")
        where TLabel : unmanaged, INumber<TLabel>
    {
        TLabel value = values[index];
        if (TLabel.IsNegative(value) || !TLabel.IsInteger(value) || value > TLabel.CreateTruncating(int.MaxValue))
        {
            throw new ArgumentOutOfRangeException("labels", value, $"{context}: label {value} at index {index} (labels of shape {shape}) is not a class; class labels are integers >= 0.");
        }

        return int.CreateTruncating(value);
    }
}
