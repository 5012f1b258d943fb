using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.TestSupport;

namespace Backprop.Tests.Layers;

/// <summary>Helpers for layer tests: random weights (independent of the library's initialisers).</summary>
internal static class LayerTestKit
{
    /// <summary>Sets every trainable parameter of a built layer to seeded uniform values in [low, high) (moving
    /// statistics and other non-trainable state keep their values).</summary>
    public static void Randomize(Layer layer, int seed, double low = -1, double high = 1)
    {
        var current = layer.GetWeights();
        var weights = layer.Parameters
            .Select((p, i) => p.Trainable ? Tensor.From(TestData.Doubles(p.Value.Length, seed * 31 + i, low, high), p.Shape.ToArray()) : current[i])
            .ToArray();
        layer.SetWeights(weights);
    }

    public static void Randomize(Backprop.Models.Sequential model, int seed, double low = -1, double high = 1)
    {
        int i = 0;
        foreach (var layer in model.Layers)
        {
            if (layer.Parameters.Count > 0)
            {
                Randomize(layer, seed + 1000 * i++, low, high);
            }
        }
    }

    public static int[] Dims(int seed, int count, int max)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.Next(1, max + 1)).ToArray();
    }
}
