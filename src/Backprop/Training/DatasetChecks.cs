using System.Numerics;
using Backprop.Data;
using Backprop.Models;

namespace Backprop.Training;

/// <summary>What Fit, Evaluate and Predict require of a <see cref="Dataset{T}"/>: Keras's semantics for datasets —
/// already batched (and shuffled, if wanted), finite, non-empty, in the model's dtype.</summary>
internal static class DatasetChecks
{
    public static void Check<T>(Sequential model, Dataset<T> data, string name, string method, bool needTargets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (DTypes.Of<T>() != model.DType)
        {
            throw new ArgumentException(
                $"Model '{model.Name}' computes in {model.DType.Name()} but the dataset holds {DTypes.Of<T>().Name()}; map it to {model.DType.Name()} or create the model with dtype: DType.{DTypes.Of<T>()}.",
                name);
        }

        if (!data.IsBatched)
        {
            throw new ArgumentException(
                $"{method} needs a batched dataset (its elements are single rows): add .Batch(batchSize) to the pipeline, e.g. Dataset.FromTensorSlices((x, y)).Shuffle(n).Batch(32).",
                name);
        }

        if (needTargets && !data.HasTargets)
        {
            throw new ArgumentException(
                $"{method} needs targets, but the dataset has features only: make it with Dataset.FromTensorSlices((x, y)).",
                name);
        }

        if (data.Cardinality == Dataset.InfiniteCardinality)
        {
            throw new ArgumentException($"{method} cannot run over an endless dataset (infinite cardinality): Take(n) batches of it.", name);
        }

        if (data.Cardinality == 0)
        {
            throw new ArgumentException($"{method} received an empty dataset (cardinality 0).", name);
        }
    }
}
