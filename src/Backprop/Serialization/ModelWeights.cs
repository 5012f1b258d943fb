using Backprop.Layers;
using Backprop.Models;
using Backprop.Random;

namespace Backprop.Serialization;

/// <summary>A model's weights as named tensors, the way Keras 3's saving library names them: each layer by its
/// snake_case class name, numbered within the model ("dense", "dense_1", "batch_normalization"), so a model built
/// again — in another process, or a second time in this one, where the layers' own names carry other counters —
/// reads the same file; then the weight's name: <c>dense/kernel</c>, <c>dense/bias</c>,
/// <c>batch_normalization/moving_variance</c>, in Keras's <c>model.weights</c> order and layout (Dense kernels
/// (in, out), Conv2D kernels (height, width, in, out)). A layer with a random stream of its own (Dropout) adds
/// <c>&lt;layer&gt;/seed_generator_state</c>: int64 [seed, stream, position], as Keras 3 saves a layer's
/// SeedGenerator with it.</summary>
internal static class ModelWeights
{
    private const string SeedState = "seed_generator_state";

    /// <summary>Each layer's path name, in model order.</summary>
    public static string[] LayerPaths(Sequential model)
    {
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new string[model.Layers.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            var type = model.Layers[i].GetType();
            string name = Layer.ToSnakeCase(Layer.Registry.NameOf(type) ?? type.Name);
            paths[i] = used.TryGetValue(name, out int n) ? $"{name}_{n + 1}" : name;
            used[name] = used.TryGetValue(name, out int m) ? m + 1 : 0;
        }

        return paths;
    }

    /// <summary>The saved name of every parameter, keyed by the parameter.</summary>
    public static Dictionary<Parameter, string> ParameterNames(Sequential model)
    {
        var paths = LayerPaths(model);
        var names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < paths.Length; i++)
        {
            foreach (var p in model.Layers[i].Parameters)
            {
                names[p] = $"{paths[i]}/{p.Name}";
            }
        }

        return names;
    }

    /// <summary>Copies of the weights and the layers' random-stream positions.</summary>
    public static StateDict Collect(Sequential model)
    {
        RequireBuilt(model);
        var paths = LayerPaths(model);
        var state = new StateDict();
        for (int i = 0; i < paths.Length; i++)
        {
            var layer = model.Layers[i];
            var weights = layer.GetWeights();
            for (int k = 0; k < weights.Length; k++)
            {
                state.Set($"{paths[i]}/{layer.Parameters[k].Name}", weights[k]);
            }

            if (layer is IRandomStateOwner owner)
            {
                var r = owner.RandomState;
                var t = new Tensor<long>(3);
                t[0] = unchecked((long)r.Seed);
                t[1] = unchecked((long)r.Stream);
                t[2] = unchecked((long)r.Position);
                state.Set($"{paths[i]}/{SeedState}", t);
            }
        }

        return state;
    }

    /// <summary>Checks every name, dtype and shape of <paramref name="state"/> against the model, reporting all
    /// differences at once, then sets the weights (and random-stream positions where saved).</summary>
    /// <exception cref="ModelFormatException">Names, dtypes or shapes differ.</exception>
    public static void Apply(Sequential model, StateDict state, string file)
    {
        RequireBuilt(model);
        var paths = LayerPaths(model);
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var plan = new List<(Layer Layer, Tensor[] Weights, RandomState? Random)>();
        for (int i = 0; i < paths.Length; i++)
        {
            var layer = model.Layers[i];
            var weights = new Tensor[layer.Parameters.Count];
            for (int k = 0; k < weights.Length; k++)
            {
                var p = layer.Parameters[k];
                string name = $"{paths[i]}/{p.Name}";
                expected.Add(name);
                if (!state.TryGet(name, out var value))
                {
                    problems.Add($"'{name}' is missing (the model has {p.Value.DType.Name()} {p.Shape})");
                }
                else if (value.DType != p.Value.DType || value.Shape != p.Shape)
                {
                    problems.Add($"'{name}' is {value.DType.Name()} {value.Shape} in the file but {p.Value.DType.Name()} {p.Shape} in the model");
                }
                else
                {
                    weights[k] = value;
                }
            }

            RandomState? random = null;
            string seedName = $"{paths[i]}/{SeedState}";
            if (layer is IRandomStateOwner && state.TryGet(seedName, out var seed))
            {
                expected.Add(seedName);
                if (seed is Tensor<long> { Rank: 1, Length: 3 } s)
                {
                    random = new RandomState(unchecked((ulong)s[0]), unchecked((ulong)s[1]), unchecked((ulong)s[2]));
                }
                else
                {
                    problems.Add($"'{seedName}' is {seed.DType.Name()} {seed.Shape}; expected int64 (3,)");
                }
            }

            plan.Add((layer, weights, random));
        }

        foreach (string name in state.Keys.Where(k => !expected.Contains(k)))
        {
            problems.Add($"'{name}' ({state[name].DType.Name()} {state[name].Shape}) is in the file but not in the model");
        }

        if (problems.Count > 0)
        {
            throw ModelFormatException.At(file, "weights", $"the file does not fit model '{model.Name}' (layers {string.Join(", ", paths)}): " +
                string.Join("; ", problems.Take(12)) + (problems.Count > 12 ? $"; and {problems.Count - 12} more" : "") + ".");
        }

        foreach (var (layer, weights, random) in plan)
        {
            if (weights.Length > 0)
            {
                layer.SetWeights(weights);
            }

            if (random is RandomState r)
            {
                ((IRandomStateOwner)layer).RandomState = r;
            }
        }
    }

    private static void RequireBuilt(Sequential model)
    {
        if (!model.IsBuilt)
        {
            throw new InvalidOperationException($"Model '{model.Name}' is not built yet: give the first layer an input shape (or call Build) before saving or loading weights.");
        }
    }
}
