using System.Numerics;
using Backprop.Models;
using Backprop.Training;

namespace Backprop.Inspection;

/// <summary>One layer's output for an inspected input (a copy).</summary>
public sealed record LayerActivation(string LayerName, string LayerType, Tensor Output);

/// <summary>Summary statistics of one parameter: count, mean, population standard deviation, min, max, L2 norm.</summary>
public sealed record WeightStatistics(string Key, bool Trainable, int Count, double Mean, double StandardDeviation, double Min, double Max, double Norm);

/// <summary>Looking inside a model: every layer's output for an input (for activation histograms), weight statistics
/// per parameter, and gradient norms per parameter (<see cref="Gradients.Norms"/>).</summary>
public static class ModelInspection
{
    /// <summary>Runs <paramref name="x"/> through the model (inference mode unless <paramref name="training"/>) and
    /// returns a copy of each layer's output, in layer order. Keras: a functional model with every layer's output.</summary>
    public static IReadOnlyList<LayerActivation> ForwardWithActivations<T>(this Sequential model, Tensor<T> x, bool training = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        if (DTypes.Of<T>() != model.DType)
        {
            throw new ArgumentException($"Model '{model.Name}' computes in {model.DType.Name()} but received {DTypes.Of<T>().Name()} data.", nameof(x));
        }

        if (model.InputShape is null)
        {
            model.Build(new Shape(x.Shape.ToArray()[1..]));
        }

        var result = new List<LayerActivation>(model.Layers.Count);
        var output = x;
        foreach (var layer in model.Layers)
        {
            output = layer.Forward(output, training);
            result.Add(new LayerActivation(layer.Name, layer.GetType().Name, output.Clone()));
        }

        return result;
    }

    /// <summary>Statistics of every parameter ("layer/parameter"), in <see cref="Sequential.Parameters"/> order.</summary>
    public static IReadOnlyList<WeightStatistics> WeightStatistics(this Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<WeightStatistics>();
        foreach (var layer in model.Layers)
        {
            foreach (var p in layer.Parameters)
            {
                var values = p.Value.ToDoubleArray();
                double mean = values.Length == 0 ? 0 : values.Average();
                double variance = values.Length == 0 ? 0 : values.Sum(v => (v - mean) * (v - mean)) / values.Length;
                result.Add(new WeightStatistics($"{layer.Name}/{p.Name}", layer.Trainable && p.Trainable, values.Length, mean, Math.Sqrt(variance),
                    values.Length == 0 ? 0 : values.Min(), values.Length == 0 ? 0 : values.Max(), Math.Sqrt(values.Sum(v => v * v))));
            }
        }

        return result;
    }
}
