namespace Backprop.Data;

/// <summary>The structure of a dataset element, as tf.data's <c>Dataset.element_spec</c>: the features
/// <see cref="X"/> and, for a supervised dataset, the targets <see cref="Y"/>.</summary>
public sealed class ElementSpec
{
    internal ElementSpec(TensorSpec x, TensorSpec? y)
    {
        X = x;
        Y = y;
    }

    /// <summary>The features' spec.</summary>
    public TensorSpec X { get; }

    /// <summary>The targets' spec, or <c>null</c> for a dataset of features only.</summary>
    public TensorSpec? Y { get; }

    /// <summary>As TensorFlow prints it: a single <c>TensorSpec(...)</c>, or the tuple
    /// <c>(TensorSpec(shape=(None, 13), dtype=float64), TensorSpec(shape=(None,), dtype=float64))</c>.</summary>
    public override string ToString() => Y is null ? X.ToString() : $"({X}, {Y})";
}
