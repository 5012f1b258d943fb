using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Metrics;

/// <summary>A metric that averages a per-element or per-sample value over everything seen since
/// <see cref="Metric.Reset"/>, as Keras's <c>MeanMetricWrapper</c> does (a running total and count, so batches of
/// different sizes weigh by their sample count and the result equals the value over the whole epoch at once).</summary>
public abstract class MeanMetric : Metric
{
    private double _total;
    private long _count;

    /// <summary>A mean metric reported under <paramref name="name"/>.</summary>
    /// <param name="name">The name in the logs and History.</param>
    protected MeanMetric(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The running total and count (for subclasses that transform the mean, such as RMSE).</summary>
    protected double Total => _total;

    /// <summary>How many values the running total holds.</summary>
    protected long Count => _count;

    /// <inheritdoc/>
    public override void Reset()
    {
        _total = 0;
        _count = 0;
    }

    /// <inheritdoc/>
    public override void Update<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (sum, count) = Accumulate(yTrue, yPred);
        _total += sum;
        _count += count;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <summary>The running total (float64) and count (int64).</summary>
    public override StateDict GetState()
    {
        var state = new StateDict();
        state.SetDouble("total", _total);
        state.SetInt64("count", _count);
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        double total = state.GetDouble("total");
        long count = state.GetInt64("count");
        if (count < 0 || state.Count != 2)
        {
            throw new ArgumentException($"Metric '{Name}': expected a total and a count ≥ 0; got {state}.", nameof(state));
        }

        _total = total;
        _count = count;
    }

    /// <summary>The sum of this batch's values and how many values it had.</summary>
    protected abstract (double Sum, long Count) Accumulate<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Checks y_true against y_pred element for element (rank equal or one less, as Keras's
    /// <c>squeeze_or_expand_to_same_rank</c> allows).</summary>
    protected void CheckSameLength<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool rankOk = yTrue.Rank == yPred.Rank || yTrue.Rank == yPred.Rank - 1 || yTrue.Rank == yPred.Rank + 1;
        if (!rankOk || yTrue.Length != yPred.Length)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape);
        }
    }

    /// <summary>Checks y_true and y_pred have the same number of rows of the same width (one-hot metrics) and returns
    /// (rows, classes).</summary>
    protected (int Rows, int Classes) CheckRows<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (yPred.Rank == 0 || yTrue.Shape != yPred.Shape || yPred.Shape[-1] == 0)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape, "expected one-hot labels shaped like y_pred");
        }

        int classes = yPred.Shape[-1];
        return (yPred.Length / classes, classes);
    }

    /// <summary>Checks y_true holds one label per row of y_pred ((n,) or (n, 1)) and returns (rows, classes).</summary>
    protected (int Rows, int Classes) CheckSparseRows<T>(Tensor<T> yTrue, Tensor<T> yPred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (yPred.Rank == 0 || yPred.Shape[-1] == 0)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape, "y_pred needs a class axis");
        }

        int classes = yPred.Shape[-1];
        int rows = yPred.Length / classes;
        bool ranksFit = yTrue.Rank == yPred.Rank - 1 || (yTrue.Rank == yPred.Rank && yTrue.Shape[-1] == 1);
        if (!ranksFit || yTrue.Length != rows)
        {
            throw ShapeMismatchException.For($"{Name} (y_true vs y_pred)", yTrue.Shape, yPred.Shape, "expected one label per row, shaped (n,) or (n, 1)");
        }

        return (rows, classes);
    }
}
