using Backprop.Config;
using Backprop.Initializers;
using Backprop.Regularizers;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Layers;

/// <summary>The built-in entries of <see cref="Layer.Registry"/>: Keras class names → layers rebuilt from their
/// configs. Each layer's factory reads its constructor arguments; the registry reads the common keys.</summary>
public static class LayerRegistry
{
    /// <summary>All registered layer class names, sorted.</summary>
    public static IReadOnlyList<string> Names => Layer.Registry.Names;

    internal static ConfigRegistry<Layer> CreateBuiltIns()
    {
        var registry = new ConfigRegistry<Layer>("layer class", ignoreCase: false, (layer, config) => layer.ReadCommonConfig(config));
        registry.Register("Dense", c => new Dense(c.Int("units"), c.Object("activation", ActivationFunction.Registry), c.Bool("use_bias", true),
            c.Object("kernel_initializer", Initializer.Registry), c.Object("bias_initializer", Initializer.Registry),
            c.Object("kernel_regularizer", Regularizer.Registry), c.Object("bias_regularizer", Regularizer.Registry), null,
            c.Object("kernel_constraint", Constraint.Registry), c.Object("bias_constraint", Constraint.Registry),
            InputShape(c), c.String("name")));
        registry.Register("Activation", c => new Activation(
            c.Object("activation", ActivationFunction.Registry) ?? ActivationFunction.Registry.Create("linear", new Dictionary<string, object?>()),
            InputShape(c), c.String("name")));
        registry.Register("Flatten", c => new Flatten(InputShape(c), c.String("name")));
        registry.Register("Reshape", c => new Reshape(c.IntArray("target_shape"), InputShape(c), c.String("name")));
        registry.Register("Dropout", c => new Dropout(c.Double("rate"), c.NullableULong("seed"), InputShape(c), c.String("name")));
        registry.Register("BatchNormalization", c => new BatchNormalization(c.Int("axis", -1), c.Double("momentum", 0.99), c.Double("epsilon", 1e-3),
            c.Bool("center", true), c.Bool("scale", true),
            c.Object("beta_initializer", Initializer.Registry), c.Object("gamma_initializer", Initializer.Registry),
            c.Object("moving_mean_initializer", Initializer.Registry), c.Object("moving_variance_initializer", Initializer.Registry),
            c.Object("beta_regularizer", Regularizer.Registry), c.Object("gamma_regularizer", Regularizer.Registry),
            c.Object("beta_constraint", Constraint.Registry), c.Object("gamma_constraint", Constraint.Registry),
            InputShape(c), c.String("name"), c.Bool("unbiased_moving_variance", false)));
        registry.Register("LeakyReLU", c => new LeakyReLU(c.Double("negative_slope", 0.3), InputShape(c), c.String("name")));
        registry.Register("PReLU", c => new PReLU(c.Object("alpha_initializer", Initializer.Registry), c.Object("alpha_regularizer", Regularizer.Registry),
            c.Object("alpha_constraint", Constraint.Registry), c.NullableIntArray("shared_axes"), InputShape(c), c.String("name")));
        registry.Register("Normalization", c =>
        {
            if (c.Int("axis", -1) != -1)
            {
                throw new ArgumentException($"{c.Owner}: Normalization normalises the last axis only (axis -1).");
            }

            return new Normalization(c.NullableDoubleArray("mean"), c.NullableDoubleArray("variance"), c.Bool("invert", false), InputShape(c), c.String("name"));
        });
        registry.Register("Conv2D", c =>
        {
            ChannelsLast(c);
            if (c.Int("groups", 1) != 1)
            {
                throw new ArgumentException($"{c.Owner}: grouped convolutions (groups > 1) are not supported.");
            }

            return new Conv2D(c.Int("filters"), c.IntArray("kernel_size"), c.NullableIntArray("strides"), c.String("padding", "valid"),
                c.Object("activation", ActivationFunction.Registry), c.Bool("use_bias", true),
                c.Object("kernel_initializer", Initializer.Registry), c.Object("bias_initializer", Initializer.Registry),
                c.Object("kernel_regularizer", Regularizer.Registry), c.Object("bias_regularizer", Regularizer.Registry), null,
                c.Object("kernel_constraint", Constraint.Registry), c.Object("bias_constraint", Constraint.Registry),
                c.NullableIntArray("dilation_rate"), InputShape(c), c.String("name"));
        });
        registry.Register("MaxPooling2D", c =>
        {
            ChannelsLast(c);
            return new MaxPooling2D(c.NullableIntArray("pool_size"), c.NullableIntArray("strides"), c.String("padding", "valid"), InputShape(c), c.String("name"));
        });
        registry.Register("AveragePooling2D", c =>
        {
            ChannelsLast(c);
            return new AveragePooling2D(c.NullableIntArray("pool_size"), c.NullableIntArray("strides"), c.String("padding", "valid"), InputShape(c), c.String("name"));
        });
        registry.Register("GlobalAveragePooling2D", c =>
        {
            ChannelsLast(c);
            if (c.Bool("keepdims", false))
            {
                throw new ArgumentException($"{c.Owner}: keepdims=True is not supported.");
            }

            return new GlobalAveragePooling2D(InputShape(c), c.String("name"));
        });
        registry.Register("ZeroPadding2D", c =>
        {
            ChannelsLast(c);
            return new ZeroPadding2D(Padding2D(c), InputShape(c), c.String("name"));
        });
        return registry;
    }

    /// <summary>Backprop's image layers are channels-last only, Keras's default.</summary>
    private static void ChannelsLast(ConfigReader config)
    {
        string format = config.String("data_format", "channels_last");
        if (format != "channels_last")
        {
            throw new ArgumentException($"{config.Owner}: data_format '{format}' is not supported; images are channels last (batch, height, width, channels).");
        }
    }

    /// <summary>ZeroPadding2D's padding in Keras's forms — n, [h, w] or [[top, bottom], [left, right]] — flattened
    /// to the 1, 2 or 4 values its constructor takes.</summary>
    private static int[] Padding2D(ConfigReader config)
    {
        object? value = config.Value("padding") ?? throw new ArgumentException($"{config.Owner}: the config lacks the required key 'padding'.");
        var values = new List<int>();
        foreach (object? item in Elements(value))
        {
            foreach (object? inner in Elements(item))
            {
                values.Add(new ConfigReader($"{config.Owner}: 'padding'", new Dictionary<string, object?> { ["value"] = inner }).Int("value"));
            }
        }

        return [.. values];

        static IEnumerable<object?> Elements(object? value) => value switch
        {
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } e => e.EnumerateArray().Select(x => (object?)x),
            System.Collections.IEnumerable list when value is not string => list.Cast<object?>(),
            _ => [value],
        };
    }

    private static int[]? InputShape(ConfigReader config) => config.NullableIntArray("input_shape");
}
