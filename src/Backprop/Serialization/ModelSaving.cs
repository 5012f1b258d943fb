using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Losses;
using Backprop.Metrics;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Serialization;

/// <summary>Saving and loading models, Keras's way: <c>model.SaveWeights(path)</c> / <c>model.LoadWeights(path)</c>
/// (a safetensors file of the weights) and <c>model.Save(path)</c> / <c>Sequential.Load(path)</c> (one zip file
/// with the architecture and compile settings, the weights, the optimiser's state and metadata). Import
/// <c>Backprop.Serialization</c> to use them. Every file is written atomically (<see cref="AtomicFile"/>), and
/// every malformed file is refused with a <see cref="ModelFormatException"/>; loading creates only classes
/// registered in the config registries — a file carries data, never code. <c>docs/checkpoints.md</c> describes
/// the formats.</summary>
public static class ModelSaving
{
    extension(Sequential model)
    {
        /// <summary>Writes the weights to a safetensors file (Keras <c>model.save_weights</c>): tensors named
        /// <c>&lt;layer&gt;/&lt;weight&gt;</c> ("dense/kernel", "batch_normalization/moving_variance") in Keras's
        /// weights order and layout, plus each Dropout's random-stream position. Any safetensors reader can read it.</summary>
        /// <exception cref="InvalidOperationException">The model is not built.</exception>
        public void SaveWeights(string path)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            var state = ModelWeights.Collect(model);
            AtomicFile.Write(path, s => SafeTensors.Write(s, state.Entries, WeightsMetadata(model)));
        }

        /// <summary>Loads weights written by <see cref="SaveWeights"/> (Keras <c>model.load_weights</c>). Every name,
        /// dtype and shape is checked against the model first, and all differences are reported together; nothing
        /// changes unless everything fits.</summary>
        /// <exception cref="ModelFormatException">The file is malformed or does not fit the model.</exception>
        /// <exception cref="InvalidOperationException">The model is not built.</exception>
        public void LoadWeights(string path)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            var (tensors, _) = SafeTensors.ReadFile(path);
            ModelWeights.Apply(model, tensors, path);
        }

        /// <summary>Writes the whole model to one zip file (Keras <c>model.save("model.keras")</c>): config.json
        /// (architecture, and the compile settings when compiled), model.safetensors (weights),
        /// optimizer.safetensors (every slot and the iteration count, when compiled) and metadata.json. A model
        /// loaded from it predicts identically and, compiled as saved, trains on with the same bits.</summary>
        /// <exception cref="InvalidOperationException">The model is not built.</exception>
        public void Save(string path)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            ModelArchive.Write(path, Entries(model));
        }

        /// <summary>A model read from a file written by <see cref="Save"/> (Keras <c>keras.models.load_model</c>):
        /// built from its config (registered classes only), its weights and random-stream positions put back, and —
        /// when <paramref name="compile"/> and the file has compile settings — compiled with the saved optimiser
        /// (its state included), loss and metrics. A custom <see cref="Trainer"/> subclass is not recorded: compile
        /// with it again. Loading does not draw from <see cref="RandomSeed"/>'s streams.</summary>
        /// <exception cref="ModelFormatException">The file is malformed, foreign, or names a class that is not
        /// registered (load with <paramref name="compile"/> false when only the optimiser, loss or a metric is
        /// unknown).</exception>
        public static Sequential Load(string path, bool compile = true)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            var entries = ModelArchive.Read(path);
            return FromEntries(path, entries, compile);
        }
    }

    /// <summary>A model from a model file's bytes in <paramref name="stream"/> (the fuzz tests use it);
    /// <paramref name="name"/> names it in errors.</summary>
    internal static Sequential Load(Stream stream, string name, bool compile = true) => FromEntries(name, ModelArchive.Read(stream, name), compile);

    /// <summary>The archive entries of a model: config, weights and (when compiled) optimiser state.</summary>
    internal static List<KeyValuePair<string, byte[]>> Entries(Sequential model)
    {
        var entries = new List<KeyValuePair<string, byte[]>>
        {
            new(ModelArchive.Config, ConfigBytes(model)),
            new(ModelArchive.Weights, SafeTensors.ToBytes(ModelWeights.Collect(model).Entries, WeightsMetadata(model))),
        };
        if (model.Optimizer is Optimizer optimizer)
        {
            var (parameters, names) = OptimizerParameters(model);
            entries.Add(new(ModelArchive.OptimizerState, SafeTensors.ToBytes(optimizer.GetState(parameters, names).Entries, new Dictionary<string, string> { ["optimizer"] = optimizer.Name })));
        }

        return entries;
    }

    /// <summary>A model from checked archive entries.</summary>
    internal static Sequential FromEntries(string path, Dictionary<string, byte[]> entries, bool compile)
    {
        if (!entries.TryGetValue(ModelArchive.Config, out byte[]? configBytes) || !entries.TryGetValue(ModelArchive.Weights, out byte[]? weightBytes))
        {
            throw ModelFormatException.At(path, "zip container", $"a model file needs {ModelArchive.Config} and {ModelArchive.Weights}");
        }

        if (ModelArchive.ParseJson(path, ModelArchive.Config, configBytes) is not JsonObject config)
        {
            throw ModelFormatException.At(path, $"entry '{ModelArchive.Config}'", "expected a JSON object");
        }

        var compileConfig = config["compile_config"];
        config.Remove("compile_config");
        Sequential model;
        var random = RandomSeed.GetState();
        try
        {
            model = Sequential.FromConfig(config.ToJsonString());
        }
        catch (FormatException e)
        {
            throw ModelFormatException.At(path, $"entry '{ModelArchive.Config}'", e.Message, e);
        }
        finally
        {
            // Building initialises weights the file then replaces: loading leaves the library's streams as they were.
            RandomSeed.SetState(random);
        }

        if (!model.IsBuilt)
        {
            throw ModelFormatException.At(path, $"entry '{ModelArchive.Config}'", "the config has no input shape, so the model cannot be built to take its weights");
        }

        ModelWeights.Apply(model, SafeTensors.Read(new MemoryStream(weightBytes, writable: false), $"{path}!{ModelArchive.Weights}").Tensors, $"{path}!{ModelArchive.Weights}");
        if (compile && compileConfig is JsonObject settings)
        {
            Compile(path, model, settings);
            if (entries.TryGetValue(ModelArchive.OptimizerState, out byte[]? optimizerBytes))
            {
                string where = $"{path}!{ModelArchive.OptimizerState}";
                var state = SafeTensors.Read(new MemoryStream(optimizerBytes, writable: false), where).Tensors;
                SetOptimizerState(model, state, where);
            }
        }

        return model;
    }

    /// <summary>The optimiser's parameters (the model's trainable ones, as Fit passes them) and their saved names.</summary>
    internal static (IReadOnlyList<Parameter> Parameters, IReadOnlyList<string> Names) OptimizerParameters(Sequential model)
    {
        var parameters = model.TrainableParameters;
        var names = ModelWeights.ParameterNames(model);
        return (parameters, parameters.Select(p => names[p]).ToArray());
    }

    /// <summary>Puts an optimiser state from a file into the model's optimiser, as a typed error when it does not fit.</summary>
    internal static void SetOptimizerState(Sequential model, StateDict state, string where)
    {
        var optimizer = model.Optimizer ?? throw new InvalidOperationException($"Model '{model.Name}' is not compiled.");
        var (parameters, names) = OptimizerParameters(model);
        try
        {
            optimizer.SetState(state, parameters, names);
        }
        catch (ArgumentException e)
        {
            throw ModelFormatException.At(where, "optimizer state", e.Message, e);
        }
    }

    internal static Dictionary<string, string> WeightsMetadata(Sequential model) => new()
    {
        ["format"] = "backprop",
        ["backprop_version"] = ModelArchive.LibraryVersion,
        ["model"] = model.Name,
        ["dtype"] = model.DType.Name(),
    };

    private static byte[] ConfigBytes(Sequential model)
    {
        var config = JsonNode.Parse(model.GetConfig())!.AsObject();
        if (model.Trainer is Trainer trainer)
        {
            config["compile_config"] = new JsonObject
            {
                ["optimizer"] = Describe(trainer.Optimizer.Name, trainer.Optimizer.GetConfig()),
                ["loss"] = Describe(trainer.Loss.Name, trainer.Loss.GetConfig()),
                ["metrics"] = new JsonArray(trainer.Metrics.Select(m => (JsonNode?)Describe(MetricRegistry.ClassNameOf(m) ?? m.GetType().Name, m.GetConfig())).ToArray()),
            };
        }

        return JsonSerializer.SerializeToUtf8Bytes(config, JsonOptions.Indented);
    }

    private static JsonObject Describe(string className, IReadOnlyDictionary<string, object?> config) => new()
    {
        ["class_name"] = className,
        ["config"] = JsonSerializer.SerializeToNode(config, JsonOptions.Indented),
    };

    private static void Compile(string path, Sequential model, JsonObject settings)
    {
        string where = $"entry '{ModelArchive.Config}' compile_config";
        try
        {
            var (optimizerName, optimizerConfig) = Read(settings["optimizer"], "optimizer");
            var (lossName, lossConfig) = Read(settings["loss"], "loss");
            var metrics = new List<Metric>();
            if (settings["metrics"] is JsonArray list)
            {
                foreach (var item in list)
                {
                    var (className, config) = Read(item, "metric");
                    metrics.Add(MetricRegistry.FromConfig(className, config));
                }
            }

            model.Compile(OptimizerRegistry.FromConfig(optimizerName, optimizerConfig), LossRegistry.FromConfig(lossName, lossConfig), metrics);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or FormatException or JsonException)
        {
            throw ModelFormatException.At(path, where, $"{e.Message} (load with compile: false and compile the model yourself)", e);
        }

        static (string Name, Dictionary<string, object?> Config) Read(JsonNode? node, string what)
        {
            if (node is not JsonObject o || o["class_name"] is not JsonValue name || !name.TryGetValue(out string? className) || o["config"] is not JsonObject config)
            {
                throw new ArgumentException($"the {what} must be {{\"class_name\": …, \"config\": {{…}}}}.");
            }

            var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(config.ToJsonString(), JsonOptions.Indented)!;
            return (className, values.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal));
        }
    }
}
