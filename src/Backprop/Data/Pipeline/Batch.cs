using System.Numerics;

namespace Backprop.Data;

/// <summary>One element of a <see cref="Dataset{T}"/>: for a batched dataset, a batch of <see cref="Count"/>
/// rows of features <see cref="X"/> (shape (Count, ...)) and targets <see cref="Y"/>; for an unbatched dataset,
/// a single row (X has the row shape, Count is 1).
/// <para><b>Lifetime.</b> The pipeline reuses its buffers: the batch object, its tensors and their contents are
/// valid until the enumerator's next <c>MoveNext</c> (the next loop iteration) and are then overwritten, like a
/// reused buffer. Call <c>X.Clone()</c> to keep a batch. This is what makes an epoch allocation-free.</para></summary>
public sealed class Batch<T>
    where T : unmanaged, INumber<T>
{
    private Tensor<T>? _x;

    internal Batch()
    {
    }

    /// <summary>The features: shape (Count, ...row shape) for a batched dataset, the row shape otherwise.</summary>
    public Tensor<T> X
    {
        get => _x ?? throw new InvalidOperationException("The batch has not been filled yet; read it inside the enumeration.");
        internal set => _x = value;
    }

    /// <summary>The targets, shaped like <see cref="X"/> along axis 0, or <c>null</c> for a dataset of features only.</summary>
    public Tensor<T>? Y { get; internal set; }

    /// <summary>Rows in this batch (the last batch may be short), 1 for an unbatched element.</summary>
    public int Count { get; internal set; }

    internal Tensor<T>? XOrNull => _x;

    /// <summary>Lets <c>foreach (var (x, y) in dataset)</c> unpack a batch.</summary>
    public void Deconstruct(out Tensor<T> x, out Tensor<T>? y)
    {
        x = X;
        y = Y;
    }
}
