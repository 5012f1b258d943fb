using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Regularizers;
using Backprop.Training;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Serialization;

/// <summary>Model configs as Keras-shaped JSON — <c>{"class_name": "Sequential", "config": {"name": …, "dtype": …,
/// "layers": [{"class_name": "Dense", "config": {"units": 32, "activation": "swish", …}}]}}</c> — and back. Only a
/// closed list of known layer, initialiser, regulariser and constraint types can be created: a config never names a
/// .NET type or a file, so reading one cannot run code it brings.</summary>
public static class ModelConfig
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    /// <summary>The layer classes a config may contain.</summary>
    public static IReadOnlyList<string> LayerClasses { get; } =
        ["Dense", "Activation", "Flatten", "Reshape", "Dropout", "BatchNormalization", "LeakyReLU", "PReLU", "Normalization",
         "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "ZeroPadding2D"];

    /// <summary>The model's config as indented JSON (weights not included).</summary>
    public static string ToJson(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return JsonSerializer.Serialize(Describe(model), s_options);
    }

    /// <summary>Keras's <c>model.get_config()</c> wrapped with its class name.</summary>
    public static Dictionary<string, object?> Describe(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = model.Layers.Select(l => new Dictionary<string, object?>
        {
            ["class_name"] = l.GetType().Name,
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

    /// <summary>A new, freshly initialised model from a config made by <see cref="ToJson"/>. Unknown classes,
    /// missing or mistyped fields fail with a <see cref="FormatException"/> naming the place.</summary>
    public static Sequential FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"Model config: not valid JSON ({e.Message}).", e);
        }

        if (root is not JsonObject top || Text(top, "class_name", "model") != "Sequential")
        {
            throw new FormatException("Model config: expected {\"class_name\": \"Sequential\", \"config\": {…}}.");
        }

        var config = Object(top, "config", "model");
        var dtype = Text(config, "dtype", "model") switch
        {
            "float32" => DType.Float32,
            "float64" => DType.Float64,
            var other => throw new FormatException($"Model config: dtype must be \"float32\" or \"float64\"; got \"{other}\"."),
        };
        if (config["layers"] is not JsonArray layers)
        {
            throw new FormatException("Model config: \"layers\" must be an array.");
        }

        var model = new Sequential(dtype) { Name = Text(config, "name", "model") };
        if (config["input_shape"] is JsonArray inputShape)
        {
            model.Add(new Input(Ints(inputShape, "input_shape")));
        }

        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not JsonObject entry)
            {
                throw new FormatException($"Model config: layer {i} is not an object.");
            }

            model.Add(CreateLayer(entry, i));
        }

        return model;
    }

    private static Layer CreateLayer(JsonObject entry, int index)
    {
        string where = $"layer {index}";
        string className = Text(entry, "class_name", where);
        var c = Object(entry, "config", where);
        string name = Text(c, "name", where);
        where = $"layer {index} '{name}' ({className})";
        int[]? inputShape = c["input_shape"] is JsonArray shape ? Ints(shape, where) : null;
        var activity = RegularizerOrNull(c["activity_regularizer"], where);
        Layer layer = className switch
        {
            "Dense" => new Dense(Int(c, "units", where), ActivationOf(c["activation"], where), Bool(c, "use_bias", where, true),
                InitializerOf(c["kernel_initializer"], where), InitializerOf(c["bias_initializer"], where),
                RegularizerOrNull(c["kernel_regularizer"], where), RegularizerOrNull(c["bias_regularizer"], where), activity,
                ConstraintOrNull(c["kernel_constraint"], where), ConstraintOrNull(c["bias_constraint"], where), inputShape, name),
            "Activation" => new Layers.Activation(ActivationOf(c["activation"], where) ?? throw Missing("activation", where), inputShape, name) { ActivityRegularizer = activity },
            "Flatten" => new Flatten(inputShape, name) { ActivityRegularizer = activity },
            "Reshape" => new Reshape(Ints(c["target_shape"] as JsonArray ?? throw Missing("target_shape", where), where), inputShape, name) { ActivityRegularizer = activity },
            "Dropout" => new Dropout(Number(c, "rate", where), c["seed"] is JsonValue seed ? seed.GetValue<ulong>() : null, inputShape, name) { ActivityRegularizer = activity },
            "BatchNormalization" => new BatchNormalization(Int(c, "axis", where, -1), Number(c, "momentum", where, 0.99), Number(c, "epsilon", where, 1e-3),
                Bool(c, "center", where, true), Bool(c, "scale", where, true),
                InitializerOf(c["beta_initializer"], where), InitializerOf(c["gamma_initializer"], where),
                InitializerOf(c["moving_mean_initializer"], where), InitializerOf(c["moving_variance_initializer"], where),
                RegularizerOrNull(c["beta_regularizer"], where), RegularizerOrNull(c["gamma_regularizer"], where),
                ConstraintOrNull(c["beta_constraint"], where), ConstraintOrNull(c["gamma_constraint"], where), inputShape, name) { ActivityRegularizer = activity },
            "LeakyReLU" => new LeakyReLU(Number(c, "negative_slope", where, 0.3), inputShape, name) { ActivityRegularizer = activity },
            "PReLU" => new PReLU(InitializerOf(c["alpha_initializer"], where), RegularizerOrNull(c["alpha_regularizer"], where), ConstraintOrNull(c["alpha_constraint"], where),
                c["shared_axes"] is JsonArray axes ? Ints(axes, where) : null, inputShape, name) { ActivityRegularizer = activity },
            "Normalization" => new Normalization(Doubles(c["mean"], where), Doubles(c["variance"], where), Bool(c, "invert", where, false), inputShape, name) { ActivityRegularizer = activity },
            "Conv2D" => new Conv2D(Int(c, "filters", where), Ints(c["kernel_size"] as JsonArray ?? throw Missing("kernel_size", where), where),
                c["strides"] is JsonArray strides ? Ints(strides, where) : null, Text(c, "padding", where, "valid"), ActivationOf(c["activation"], where),
                Bool(c, "use_bias", where, true), InitializerOf(c["kernel_initializer"], where), InitializerOf(c["bias_initializer"], where),
                RegularizerOrNull(c["kernel_regularizer"], where), RegularizerOrNull(c["bias_regularizer"], where), activity,
                ConstraintOrNull(c["kernel_constraint"], where), ConstraintOrNull(c["bias_constraint"], where),
                c["dilation_rate"] is JsonArray dilation ? Ints(dilation, where) : null, inputShape, name),
            "MaxPooling2D" => new MaxPooling2D(c["pool_size"] is JsonArray pool ? Ints(pool, where) : null, c["strides"] is JsonArray poolStrides ? Ints(poolStrides, where) : null,
                Text(c, "padding", where, "valid"), inputShape, name) { ActivityRegularizer = activity },
            "AveragePooling2D" => new AveragePooling2D(c["pool_size"] is JsonArray pool ? Ints(pool, where) : null, c["strides"] is JsonArray poolStrides ? Ints(poolStrides, where) : null,
                Text(c, "padding", where, "valid"), inputShape, name) { ActivityRegularizer = activity },
            "GlobalAveragePooling2D" => new GlobalAveragePooling2D(inputShape, name) { ActivityRegularizer = activity },
            "ZeroPadding2D" => new ZeroPadding2D(Padding2D(c["padding"], where), inputShape, name) { ActivityRegularizer = activity },
            _ => throw new FormatException($"Model config: {where}: unknown layer class \"{className}\". Known: {string.Join(", ", LayerClasses)}."),
        };
        layer.Trainable = Bool(c, "trainable", where, true);
        return layer;
    }

    private static ActivationFunction? ActivationOf(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => Wrap(() => ActivationFunction.Get(s), where),
        JsonObject o when o.Count > 0 => Wrap(() => ActivationFunction.Get(Text(o, "class_name", where)), where),
        _ => throw new FormatException($"Model config: {where}: \"activation\" must be a name."),
    };

    private static Initializer? InitializerOf(JsonNode? node, string where)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject o)
        {
            throw new FormatException($"Model config: {where}: an initializer must be {{\"class_name\": …, \"config\": {{…}}}}.");
        }

        string name = Text(o, "class_name", where);
        var c = o["config"] as JsonObject ?? [];
        int? seed = c["seed"] is JsonValue s ? s.GetValue<int>() : null;
        return Wrap<Initializer>(() => name switch
        {
            "glorot_uniform" => new GlorotUniform(seed),
            "glorot_normal" => new GlorotNormal(seed),
            "he_uniform" => new HeUniform(seed, Number(c, "negative_slope", where, 0)),
            "he_normal" => new HeNormal(seed, Number(c, "negative_slope", where, 0)),
            "lecun_uniform" => new LeCunUniform(seed),
            "lecun_normal" => new LeCunNormal(seed),
            "random_normal" => new RandomNormal(Number(c, "mean", where, 0), Number(c, "stddev", where, 0.05), seed),
            "random_uniform" => new RandomUniform(Number(c, "minval", where, -0.05), Number(c, "maxval", where, 0.05), seed),
            "truncated_normal" => new TruncatedNormal(Number(c, "mean", where, 0), Number(c, "stddev", where, 0.05), seed),
            "constant" => new Constant(Number(c, "value", where, 0)),
            _ => Initializer.Get(name),
        }, where);
    }

    private static Regularizer? RegularizerOrNull(JsonNode? node, string where)
    {
        if (node is null)
        {
            return null;
        }

        var o = node as JsonObject ?? throw new FormatException($"Model config: {where}: a regularizer must be an object.");
        string name = Text(o, "class_name", where);
        var c = o["config"] as JsonObject ?? [];
        return Wrap<Regularizer>(() => name switch
        {
            "l1" => new L1(Number(c, "l1", where, 0.01)),
            "l2" => new L2(Number(c, "l2", where, 0.01)),
            "l1_l2" => new L1L2(Number(c, "l1", where, 0), Number(c, "l2", where, 0)),
            _ => Regularizer.Get(name),
        }, where);
    }

    private static Constraint? ConstraintOrNull(JsonNode? node, string where)
    {
        if (node is null)
        {
            return null;
        }

        var o = node as JsonObject ?? throw new FormatException($"Model config: {where}: a constraint must be an object.");
        string name = Text(o, "class_name", where);
        var c = o["config"] as JsonObject ?? [];
        return Wrap<Constraint>(() => name switch
        {
            "max_norm" => new MaxNorm(Number(c, "max_value", where, 2), Int(c, "axis", where, 0)),
            "min_max_norm" => new MinMaxNorm(Number(c, "min_value", where, 0), Number(c, "max_value", where, 1), Number(c, "rate", where, 1), Int(c, "axis", where, 0)),
            "non_neg" => new NonNeg(),
            "unit_norm" => new UnitNorm(Int(c, "axis", where, 0)),
            _ => ConstraintRegistry.Create(name),
        }, where);
    }

    private static T Wrap<T>(Func<T> create, string where)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Model config: {where}: {e.Message}", e);
        }
    }

    private static JsonObject Object(JsonObject o, string key, string where) =>
        o[key] as JsonObject ?? throw Missing(key, where);

    private static string Text(JsonObject o, string key, string where) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : throw Missing(key, where);

    private static string Text(JsonObject o, string key, string where, string fallback) =>
        o[key] is null ? fallback : Text(o, key, where);

    /// <summary>ZeroPadding2D's padding: n, [h, w] or [[top, bottom], [left, right]] (Keras's forms).</summary>
    private static int[] Padding2D(JsonNode? node, string where) => node switch
    {
        JsonValue v when v.TryGetValue(out int n) => [n],
        JsonArray { Count: 2 } a when a.All(e => e is JsonArray) => [.. Ints((JsonArray)a[0]!, where), .. Ints((JsonArray)a[1]!, where)],
        JsonArray a => Ints(a, where),
        _ => throw Missing("padding", where),
    };

    private static double Number(JsonObject o, string key, string where, double? fallback = null) =>
        o[key] is JsonValue v && v.TryGetValue(out double d) ? d
        : o[key] is null && fallback is double f ? f
        : throw Missing(key, where);

    private static int Int(JsonObject o, string key, string where, int? fallback = null) =>
        o[key] is JsonValue v && v.TryGetValue(out int i) ? i
        : o[key] is null && fallback is int f ? f
        : throw Missing(key, where);

    private static bool Bool(JsonObject o, string key, string where, bool fallback) =>
        o[key] is JsonValue v && v.TryGetValue(out bool b) ? b
        : o[key] is null ? fallback
        : throw Missing(key, where);

    private static int[] Ints(JsonArray array, string where) =>
        array.Select(n => n is JsonValue v && v.TryGetValue(out int i) ? i : throw new FormatException($"Model config: {where}: shapes hold integers.")).ToArray();

    private static double[]? Doubles(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonArray a => a.Select(n => n is JsonValue v && v.TryGetValue(out double d) ? d : throw new FormatException($"Model config: {where}: expected numbers.")).ToArray(),
        _ => throw new FormatException($"Model config: {where}: expected an array of numbers."),
    };

    private static FormatException Missing(string key, string where) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Model config: {where}: \"{key}\" is missing or has the wrong type."));
}
