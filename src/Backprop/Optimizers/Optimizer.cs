using System.Numerics;
using Backprop.Layers;

namespace Backprop.Optimizers;

/// <summary>Updates parameters from their gradients. State lives in slots aligned with the parameter list a model
/// passes to <see cref="Apply"/>, so layers never know which optimiser runs (PyTorch's <c>optim</c> split).
/// Strings convert by Keras name with Keras defaults: <c>optimizer: "adam"</c>.</summary>
public abstract class Optimizer
{
    private readonly List<Tensor?[]> _slots = [];
    private double _learningRate;

    protected Optimizer(double learningRate)
    {
        CheckLearningRate(learningRate);
        _learningRate = learningRate;
    }

    /// <summary>The Keras name ("SGD", "adam" …).</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate η used by the next step. Must be finite and ≥ 0.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            CheckLearningRate(value);
            _learningRate = value;
        }
    }

    /// <summary>Steps taken so far (Keras <c>optimizer.iterations</c>); schedules count these.</summary>
    public long Iterations { get; private set; }

    /// <summary>One optimisation step over all trainable parameters with their accumulated gradients.</summary>
    public void Apply(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        while (_slots.Count < parameters.Count)
        {
            _slots.Add(new Tensor?[SlotCount]);
        }

        double lr = _learningRate;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (!p.Trainable)
            {
                continue;
            }

            switch (p.Value)
            {
                case Tensor<float>:
                    Update(i, p.ValueAs<float>(), p.GradientAs<float>(), lr);
                    p.Constraint?.Apply(p.ValueAs<float>());
                    break;
                case Tensor<double>:
                    Update(i, p.ValueAs<double>(), p.GradientAs<double>(), lr);
                    p.Constraint?.Apply(p.ValueAs<double>());
                    break;
            }
        }

        Iterations++;
    }

    /// <summary>Forgets all state (slots, iteration count).</summary>
    public virtual void Reset()
    {
        _slots.Clear();
        Iterations = 0;
    }

    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["learning_rate"] = _learningRate };

    public static Optimizer Get(string name) => OptimizerRegistry.Create(name);

    public static implicit operator Optimizer(string name) => Get(name);

    public override string ToString() => Name;

    /// <summary>How many state tensors each parameter needs (momentum: 1, Adam: 2).</summary>
    protected virtual int SlotCount => 0;

    /// <summary>Updates one parameter in place.</summary>
    protected abstract void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>State tensor <paramref name="slot"/> of parameter <paramref name="index"/>, created zero-filled
    /// with the parameter's shape on first use.</summary>
    protected Tensor<T> Slot<T>(int index, int slot, Tensor<T> like) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var slots = _slots[index];
        if (slots[slot] is not Tensor<T> state || state.Shape != like.Shape)
        {
            state = new Tensor<T>(like.Shape);
            slots[slot] = state;
        }

        return state;
    }

    private static void CheckLearningRate(double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be finite and non-negative.");
        }
    }
}
