using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Models;
using Backprop.Random;
using Backprop.Serialization;
using Backprop.Training;

namespace Backprop.Checkpoints;

/// <summary>A checkpoint of training in progress: the whole-model file's entries (config, weights with the layers'
/// random-stream positions, optimiser state) plus <c>training.json</c> (the loop's position and the structure of
/// what follows) and <c>training.safetensors</c> (every number of the <see cref="FitState"/> — running totals,
/// History, metric and callback states, the library-wide random streams — bit for bit).</summary>
internal static class TrainingCheckpoint
{
    /// <summary>Writes model, optimiser and <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Sequential model, FitState state)
    {
        var entries = ModelSaving.Entries(model);
        var (json, tensors) = Encode(state);
        entries.Add(new(ModelArchive.Training, JsonSerializer.SerializeToUtf8Bytes(json, JsonOptions.Indented)));
        entries.Add(new(ModelArchive.TrainingTensors, SafeTensors.ToBytes(tensors.Entries)));
        ModelArchive.Write(path, entries);
    }

    /// <summary>Reads and checks a checkpoint completely, without changing anything.</summary>
    /// <exception cref="ModelFormatException">The file is not a complete, valid checkpoint.</exception>
    public static (StateDict Weights, StateDict? Optimizer, FitState State) Read(string path)
    {
        var entries = ModelArchive.Read(path);
        foreach (string needed in new[] { ModelArchive.Weights, ModelArchive.Training, ModelArchive.TrainingTensors })
        {
            if (!entries.ContainsKey(needed))
            {
                throw ModelFormatException.At(path, "zip container", $"a training checkpoint needs {needed}; this is not one");
            }
        }

        var weights = SafeTensors.Read(new MemoryStream(entries[ModelArchive.Weights], writable: false), $"{path}!{ModelArchive.Weights}").Tensors;
        StateDict? optimizer = entries.TryGetValue(ModelArchive.OptimizerState, out byte[]? bytes)
            ? SafeTensors.Read(new MemoryStream(bytes, writable: false), $"{path}!{ModelArchive.OptimizerState}").Tensors
            : null;
        var json = ModelArchive.ParseJson(path, ModelArchive.Training, entries[ModelArchive.Training]);
        var tensors = SafeTensors.Read(new MemoryStream(entries[ModelArchive.TrainingTensors], writable: false), $"{path}!{ModelArchive.TrainingTensors}").Tensors;
        try
        {
            return (weights, optimizer, Decode(json, tensors));
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or JsonException)
        {
            throw ModelFormatException.At(path, $"entry '{ModelArchive.Training}'", e.Message, e);
        }
    }

    private static (JsonObject Json, StateDict Tensors) Encode(FitState state)
    {
        var tensors = new StateDict();
        tensors.SetDouble("loss_sum", state.LossSum);
        for (int i = 0; i < state.Metrics.Count; i++)
        {
            tensors.AddAll($"metrics/{i}/", state.Metrics[i]);
        }

        for (int i = 0; i < state.Callbacks.Count; i++)
        {
            if (state.Callbacks[i] is StateDict callback)
            {
                tensors.AddAll($"callbacks/{i}/", callback);
            }
        }

        var epochs = new Tensor<long>(state.HistoryEpochs.Count);
        for (int i = 0; i < epochs.Length; i++)
        {
            epochs[i] = state.HistoryEpochs[i];
        }

        tensors.Set("history/epoch", epochs);
        var keys = state.HistoryValues.Keys.ToArray();
        for (int k = 0; k < keys.Length; k++)
        {
            tensors.Set($"history/values/{k}", Tensor<double>.Wrap(state.HistoryValues[keys[k]].ToArray(), new Shape(state.HistoryValues[keys[k]].Count)));
        }

        tensors.Set("random/initializers", Random(state.Random.Initializers));
        tensors.Set("random/seeds", Random(state.Random.Seeds));
        var json = new JsonObject
        {
            ["epoch"] = state.Epoch,
            ["step"] = state.Step,
            ["epoch_started"] = state.EpochStarted,
            ["stop_training"] = state.StopTraining,
            ["seen"] = state.Seen,
            ["metrics"] = state.Metrics.Count,
            ["train_data"] = new JsonArray(state.TrainData.Select(v => (JsonNode?)v).ToArray()),
            ["validation_data"] = new JsonArray(state.ValidationData.Select(v => (JsonNode?)v).ToArray()),
            ["callbacks"] = new JsonArray(state.CallbackTypes.Select((t, i) => (JsonNode?)new JsonObject { ["class_name"] = t, ["has_state"] = state.Callbacks[i] is not null }).ToArray()),
            ["history_keys"] = new JsonArray(keys.Select(k => (JsonNode?)k).ToArray()),
        };
        return (json, tensors);
    }

    private static FitState Decode(JsonNode node, StateDict tensors)
    {
        var json = node as JsonObject ?? throw new FormatException("expected a JSON object");
        int metricCount = Int(json, "metrics");
        var callbacks = json["callbacks"] as JsonArray ?? throw new FormatException("expected \"callbacks\": [...]");
        var types = new List<string>();
        var states = new List<StateDict?>();
        for (int i = 0; i < callbacks.Count; i++)
        {
            var c = callbacks[i] as JsonObject ?? throw new FormatException($"callback {i}: expected an object");
            types.Add(c["class_name"]?.GetValue<string>() ?? throw new FormatException($"callback {i}: no class_name"));
            states.Add(c["has_state"]?.GetValue<bool>() == true ? tensors.WithPrefix($"callbacks/{i}/") : null);
        }

        var keys = (json["history_keys"] as JsonArray ?? throw new FormatException("expected \"history_keys\": [...]")).Select(k => k!.GetValue<string>()).ToArray();
        var epochs = tensors["history/epoch"] as Tensor<long> ?? throw new FormatException("history/epoch must be int64");
        var values = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        for (int k = 0; k < keys.Length; k++)
        {
            var series = tensors[$"history/values/{k}"] as Tensor<double> ?? throw new FormatException($"history/values/{k} must be float64");
            if (series.Length != epochs.Length)
            {
                throw new FormatException($"history '{keys[k]}' has {series.Length} values for {epochs.Length} epochs");
            }

            values[keys[k]] = series.AsSpan().ToArray();
        }

        return new FitState
        {
            Epoch = Int(json, "epoch"),
            Step = Int(json, "step"),
            EpochStarted = json["epoch_started"]?.GetValue<bool>() ?? throw new FormatException("no epoch_started"),
            StopTraining = json["stop_training"]?.GetValue<bool>() ?? throw new FormatException("no stop_training"),
            LossSum = tensors.GetDouble("loss_sum"),
            Seen = json["seen"]?.GetValue<long>() ?? throw new FormatException("no seen"),
            Metrics = Enumerable.Range(0, metricCount).Select(i => tensors.WithPrefix($"metrics/{i}/")).ToArray(),
            TrainData = Longs(json, "train_data"),
            ValidationData = Longs(json, "validation_data"),
            CallbackTypes = types,
            Callbacks = states,
            HistoryEpochs = epochs.AsSpan().ToArray().Select(e => checked((int)e)).ToArray(),
            HistoryValues = values,
            Random = new RandomSeedState(Random(tensors, "random/initializers"), Random(tensors, "random/seeds")),
        };

        static int Int(JsonObject json, string key)
        {
            int value = json[key]?.GetValue<int>() ?? throw new FormatException($"no \"{key}\"");
            return value >= 0 ? value : throw new FormatException($"\"{key}\" must be ≥ 0; got {value}");
        }

        static long[] Longs(JsonObject json, string key) =>
            (json[key] as JsonArray ?? throw new FormatException($"expected \"{key}\": [...]")).Select(v => v!.GetValue<long>()).ToArray();
    }

    private static Tensor<long> Random(RandomState state)
    {
        var t = new Tensor<long>(3);
        t[0] = unchecked((long)state.Seed);
        t[1] = unchecked((long)state.Stream);
        t[2] = unchecked((long)state.Position);
        return t;
    }

    private static RandomState Random(StateDict tensors, string key) =>
        tensors[key] is Tensor<long> { Rank: 1, Length: 3 } t
            ? new RandomState(unchecked((ulong)t[0]), unchecked((ulong)t[1]), unchecked((ulong)t[2]))
            : throw new FormatException($"{key} must be int64 (3,)");
}
