using System.Numerics;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Optimizers;
using Backprop.Training.Callbacks;

namespace Backprop.Training;

/// <summary>Fit, Evaluate and Predict on tf.data-style pipelines (<see cref="Dataset{T}"/>), with Keras's
/// semantics for datasets: the dataset is already batched (and shuffled, if wanted), so there is no batchSize or
/// shuffle argument; one enumeration is one epoch, and its cardinality is the number of steps.</summary>
public sealed partial class Sequential
{
    /// <summary>Trains for <paramref name="epochs"/> epochs over a batched dataset of (x, y) (Keras
    /// <c>model.fit(dataset, epochs=…, validation_data=…)</c>). Each epoch enumerates <paramref name="data"/>
    /// once — a <c>Shuffle</c> stage in it reorders every epoch — and runs one training step per batch, exactly as
    /// <see cref="Fit{T}(Tensor{T}, Tensor{T}, int, int, ValueTuple{Tensor{T}, Tensor{T}}?, double, bool, IReadOnlyList{Callback}?, int, int, ulong?)"/>
    /// does per batch: <c>Fit(Dataset.FromTensorSlices((x, y)).Batch(32))</c> gives the same weights as
    /// <c>Fit(x, y, batchSize: 32, shuffle: false)</c>. After the first epoch a step allocates nothing.</summary>
    /// <param name="data">A batched dataset with targets, in the model's dtype.</param>
    /// <param name="epochs">Index of the last epoch + 1 (Keras counts from <paramref name="initialEpoch"/>).</param>
    /// <param name="validationData">A batched dataset with targets evaluated after each epoch ("val_loss", …).</param>
    /// <param name="callbacks">Keras-style callbacks.</param>
    /// <param name="verbose">0 silent, 1 a progress line per epoch, 2 one line per epoch (Keras).</param>
    /// <param name="initialEpoch">Epoch to start at (to resume a previous run).</param>
    /// <exception cref="ArgumentException">The dataset is not batched, has no targets, is empty or endless, or has
    /// another dtype than the model; or the optimiser is L-BFGS (full-batch, tensors only).</exception>
    public History Fit<T>(Dataset<T> data, int epochs = 1, Dataset<T>? validationData = null,
        IReadOnlyList<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCompiled();
        CheckDataset(data, nameof(data), "Fit", needTargets: true);
        if (validationData is not null)
        {
            CheckDataset(validationData, nameof(validationData), "Fit", needTargets: true);
        }

        if (epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be ≥ 0.");
        }

        if (initialEpoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, "initialEpoch must be ≥ 0.");
        }

        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose is 0 (silent), 1 (progress) or 2 (one line per epoch).");
        }

        if (Optimizer is LBFGS)
        {
            throw new ArgumentException("L-BFGS trains full-batch on tensors: call Fit(x, y) instead of passing a dataset.", nameof(data));
        }

        EnsureBuilt(data.XRowShape);
        var validation = validationData is null ? null : new DatasetBatches<T>(validationData);
        return RunFit(new DatasetBatches<T>(data), validation, epochs, initialEpoch, callbacks, verbose, fullBatch: null);
    }

    /// <summary>Loss and metrics over one pass of a batched (x, y) dataset in inference mode, averaged by sample
    /// count (Keras <c>model.evaluate(dataset, return_dict=True)</c>).</summary>
    /// <exception cref="ArgumentException">The dataset is not batched, has no targets, or has another dtype.</exception>
    public IReadOnlyDictionary<string, double> Evaluate<T>(Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCompiled();
        CheckDataset(data, nameof(data), "Evaluate", needTargets: true);
        EnsureBuilt(data.XRowShape);
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        EvaluateInto(new DatasetBatches<T>(data), logs, prefix: "");
        return logs;
    }

    /// <summary>The model's outputs for every row of a batched dataset, in order, in inference mode (Keras
    /// <c>model.predict(dataset)</c>); targets, if the dataset has them, are ignored. A new tensor of shape
    /// (rows, …output shape).</summary>
    /// <exception cref="ArgumentException">The dataset is not batched, is endless, or has another dtype.</exception>
    public Tensor<T> Predict<T>(Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckDataset(data, nameof(data), "Predict", needTargets: false);
        EnsureBuilt(data.XRowShape);
        var outputShape = _layers[^1].OutputShape;
        int rowLength = outputShape.Length;
        var rows = new List<T>(data.Cardinality > 0 ? (int)Math.Min(data.Cardinality * 32L * rowLength, 1 << 24) : 0);
        int count = 0;
        var batches = new DatasetBatches<T>(data);
        batches.BeginEpoch(0);
        try
        {
            while (batches.Next(out var xb, out _))
            {
                var output = ForwardAll(xb, training: false);
                foreach (var value in output.AsSpan())
                {
                    rows.Add(value);
                }

                count += xb.Shape[0];
            }
        }
        finally
        {
            batches.EndEpoch();
        }

        return Tensor<T>.Wrap(rows.ToArray(), RowWorkspace.WithBatch(count, outputShape));
    }

    private void EnsureBuilt(Shape sampleShape)
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException($"Model '{Name}' has no layers.");
        }

        if (_inputShape is null || !_layers[^1].IsBuilt)
        {
            Build(sampleShape);
        }
    }

    private void CheckDataset<T>(Dataset<T> data, string name, string method, bool needTargets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (DTypes.Of<T>() != DType)
        {
            throw new ArgumentException(
                $"Model '{Name}' computes in {DType.Name()} but the dataset holds {DTypes.Of<T>().Name()}; map it to {DType.Name()} or create the model with dtype: DType.{DTypes.Of<T>()}.",
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
