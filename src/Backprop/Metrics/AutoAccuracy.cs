using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Metrics;

/// <summary>What the string <c>"accuracy"</c> (or <c>"acc"</c>) means: the binary, sparse-categorical or categorical
/// accuracy, chosen as Keras 3's <c>compile_utils.get_metric</c> does from the shapes of the first batch — binary when
/// ŷ's last axis is 1; sparse when y has fewer dimensions than ŷ, or its last axis is 1 while ŷ's is larger;
/// categorical otherwise. <see cref="MetricRegistry.Resolve(Metric, Losses.Loss)"/> usually replaces it with the
/// concrete metric at compile time; used directly it decides on its first <see cref="Update{T}"/> and keeps that
/// choice until <see cref="Reset"/>. It reports under the name it was asked by.</summary>
public sealed class AutoAccuracy : Metric
{
    private Metric? _resolved;

    /// <summary>The accuracy that the first batch's shapes choose (binary, sparse categorical or categorical).</summary>
    /// <param name="name">The name in the logs and History (Keras default "accuracy").</param>
    public AutoAccuracy(string name = "accuracy")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The concrete metric once the first batch has chosen it, else null.</summary>
    public Metric? Resolved => _resolved;

    /// <inheritdoc/>
    public override void Reset() => _resolved?.Reset();

    /// <inheritdoc/>
    public override void Update<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _resolved ??= MetricRegistry.ResolveAccuracyByShape(Name, yTrue.Shape, yPred.Shape);
        _resolved.Update(yTrue, yPred);
    }

    /// <inheritdoc/>
    public override double Result() => _resolved?.Result() ?? 0;

    /// <summary>Which accuracy the first batch chose ("kind": 1 binary, 2 categorical, 3 sparse categorical) and its
    /// running values; empty before the first batch.</summary>
    public override StateDict GetState()
    {
        var state = new StateDict();
        if (_resolved is not null)
        {
            state.SetInt64("kind", _resolved switch { BinaryAccuracy => 1, CategoricalAccuracy => 2, _ => 3 });
            state.AddAll("", _resolved.GetState());
        }

        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count == 0)
        {
            _resolved = null;
            return;
        }

        Metric resolved = state.GetInt64("kind") switch
        {
            1 => new BinaryAccuracy(Name),
            2 => new CategoricalAccuracy(Name),
            3 => new SparseCategoricalAccuracy(Name),
            var other => throw new ArgumentException($"Metric '{Name}': unknown accuracy kind {other}.", nameof(state)),
        };
        var inner = new StateDict();
        foreach (var (key, value) in state.Entries)
        {
            if (key != "kind")
            {
                inner.Set(key, value);
            }
        }

        resolved.SetState(inner);
        _resolved = resolved;
    }
}
