using System.Numerics;

namespace Backprop.Data;

/// <summary>Creates tf.data-style input pipelines: <c>Dataset.FromTensorSlices((x, y)).Shuffle(1000).Batch(32)</c>.
/// See <see cref="Dataset{T}"/> for the transformations and for how a training loop consumes one.</summary>
public static class Dataset
{
    /// <summary>The <see cref="Dataset{T}.Cardinality"/> of a dataset whose size cannot be known without running
    /// it (after <see cref="Dataset{T}.Filter"/>), as <c>tf.data.UNKNOWN_CARDINALITY</c>.</summary>
    public const long UnknownCardinality = -2;

    /// <summary>The <see cref="Dataset{T}.Cardinality"/> of an endless dataset, as <c>tf.data.INFINITE_CARDINALITY</c>.</summary>
    public const long InfiniteCardinality = -1;

    /// <summary>Pass to <see cref="Dataset{T}.Prefetch"/> to let the pipeline choose, as <c>tf.data.AUTOTUNE</c>
    /// (here: 2 batches).</summary>
    public const int Autotune = -1;

    /// <summary>A dataset whose elements are the rows of <paramref name="x"/> along axis 0, as
    /// <c>tf.data.Dataset.from_tensor_slices(x)</c>. The tensor is not copied: do not change it while the dataset
    /// is in use.</summary>
    public static Dataset<T> FromTensorSlices<T>(Tensor<T> x)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireRows(x, "x");
        return new Dataset<T>(new SliceStage<T>(x, null));
    }

    /// <summary>A supervised dataset whose element i is (row i of x, row i of y), as
    /// <c>tf.data.Dataset.from_tensor_slices((x, y))</c>. The tensors are not copied.</summary>
    public static Dataset<T> FromTensorSlices<T>((Tensor<T> X, Tensor<T> Y) tensors)
        where T : unmanaged, INumber<T>
        => FromTensorSlices(tensors.X, tensors.Y);

    /// <summary>A supervised dataset whose element i is (row i of x, row i of y); the tensors are not copied.</summary>
    public static Dataset<T> FromTensorSlices<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        RequireRows(x, "x");
        RequireRows(y, "y");
        if (x.Shape[0] != y.Shape[0])
        {
            throw ShapeMismatchException.For("Dataset.FromTensorSlices", x.Shape, y.Shape,
                $"x has {x.Shape[0]} rows but y has {y.Shape[0]}; both are sliced along axis 0");
        }

        return new Dataset<T>(new SliceStage<T>(x, y));
    }

    private static void RequireRows<T>(Tensor<T> tensor, string name)
        where T : unmanaged, INumber<T>
    {
        if (tensor.Rank == 0)
        {
            throw new ArgumentException($"Dataset.FromTensorSlices: {name} is a scalar; it needs an axis 0 to slice.", name);
        }
    }
}
