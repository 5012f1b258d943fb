namespace Backprop.Training;

/// <summary>The gradient of one parameter: which layer and parameter, and a copy of ∂L/∂θ.</summary>
public sealed record ParameterGradient(string LayerName, string ParameterName, Tensor Gradient)
{
    /// <summary>"layer/parameter", e.g. "dense_1/kernel".</summary>
    public string Key => $"{LayerName}/{ParameterName}";

    /// <summary>‖∂L/∂θ‖₂.</summary>
    public double Norm()
    {
        double sum = 0;
        for (int i = 0; i < Gradient.Length; i++)
        {
            double g = Gradient.GetDouble(i);
            sum += g * g;
        }

        return Math.Sqrt(sum);
    }
}

/// <summary>What <see cref="Trainer.ComputeGradients{T}"/> returns: the loss (with regularisation penalties)
/// on a batch and ∂L/∂θ for every trainable parameter, in <see cref="Models.Sequential.TrainableParameters"/> order,
/// without applying them (Keras: <c>tape.gradient(loss, model.trainable_weights)</c>).</summary>
public sealed class Gradients
{
    internal Gradients(double loss, IReadOnlyList<ParameterGradient> items)
    {
        Loss = loss;
        Items = items;
    }

    /// <summary>The loss on the batch, including regularisation penalties.</summary>
    public double Loss { get; }

    /// <summary>One entry per trainable parameter.</summary>
    public IReadOnlyList<ParameterGradient> Items { get; }

    /// <summary>The gradient of "layer/parameter" (e.g. "dense/kernel"); throws listing the keys when absent.</summary>
    public Tensor this[string key] =>
        Items.FirstOrDefault(g => g.Key == key)?.Gradient
        ?? throw new KeyNotFoundException($"No gradient '{key}'. Keys: {string.Join(", ", Items.Select(g => g.Key))}.");

    /// <summary>‖∂L/∂θ‖₂ per "layer/parameter".</summary>
    public IReadOnlyDictionary<string, double> Norms() => new ResultDictionary<double>("the gradient norms", Items.Select(g => new KeyValuePair<string, double>(g.Key, g.Norm())));

    /// <summary>The global norm √(Σ‖g‖²) over all parameters.</summary>
    public double GlobalNorm() => Math.Sqrt(Items.Sum(g => g.Norm() * g.Norm()));
}
