using System.Text.Json;
using Backprop.Config;
using Backprop.Layers;

namespace Backprop.Models;

/// <summary>A <see cref="Sequential"/>'s config as Keras-shaped JSON — <c>{"class_name": "Sequential", "config":
/// {"name": …, "dtype": …, "layers": [{"class_name": "Dense", "config": {"units": 32, "activation": "swish", …}}]}}</c>
/// — and back. Layers are created only through <see cref="Layer.Registry"/>, and their nested initialisers,
/// regularisers, constraints and activations only through theirs: a config never names a .NET type or a file, so
/// reading one cannot run code it brings.</summary>
internal static class SequentialConfig
{
    // The resolver named explicitly: file-based apps (dotnet run app.cs) turn reflection-based serialisation off by default.
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true, TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    /// <summary>Keras's <c>model.get_config()</c> wrapped with its class name.</summary>
    public static Dictionary<string, object?> Describe(Sequential model)
    {
        var layers = model.Layers.Select(l => new Dictionary<string, object?>
        {
            ["class_name"] = Layer.Registry.NameOf(l.GetType()) ?? l.GetType().Name,
            ["config"] = l.GetConfig(),
        }).ToList();
        var config = new Dictionary<string, object?>
        {
            ["name"] = model.Name,
            ["dtype"] = model.DType.Name(),
            ["layers"] = layers,
        };
        if (model.InputShape is Shape input)
        {
            config["input_shape"] = input.ToArray();
        }

        return new Dictionary<string, object?> { ["class_name"] = "Sequential", ["config"] = config };
    }

    public static string ToJson(Sequential model) => JsonSerializer.Serialize(Describe(model), s_options);

    /// <summary>A new, freshly initialised model from <see cref="ToJson"/>'s text. Unknown classes, missing or
    /// mistyped fields fail with a <see cref="FormatException"/> naming the place.</summary>
    public static Sequential FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"Model config: not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static Sequential Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("class_name", out var className) || className.ValueKind != JsonValueKind.String || className.GetString() != "Sequential"
            || !root.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Model config: expected {\"class_name\": \"Sequential\", \"config\": {…}}.");
        }

        var reader = new ConfigReader("model", ConfigReader.AsDictionary(config)!);
        var (dtype, name, inputShape) = Wrap("model", () => (
            reader.String("dtype") switch
            {
                "float32" => DType.Float32,
                "float64" => DType.Float64,
                var other => throw new ArgumentException($"dtype must be \"float32\" or \"float64\"; got \"{other}\"."),
            },
            reader.String("name"),
            reader.NullableIntArray("input_shape")));
        if (!config.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Model config: \"layers\" must be an array.");
        }

        reader.Ignore("layers");
        Wrap("model", () => { reader.EnsureAllRead(); return 0; });
        var model = new Sequential(dtype) { Name = name };
        if (inputShape is not null)
        {
            Wrap("model", () => { model.Add(new Input(inputShape)); return 0; });
        }

        int index = 0;
        foreach (var entry in layers.EnumerateArray())
        {
            string where = $"layer {index}";
            model.Add(Wrap(where, () => Layer.Registry.FromDescription(entry, where)
                ?? throw new ArgumentException($"{where} is null.")));
            index++;
        }

        return model;
    }

    private static T Wrap<T>(string where, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            string message = e.Message.StartsWith(where, StringComparison.Ordinal) ? e.Message : $"{where}: {e.Message}";
            throw new FormatException($"Model config: {message}", e);
        }
    }
}
