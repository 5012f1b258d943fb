namespace Backprop.Config;

/// <summary>Class names → factories for one kind of configurable object (layers, initialisers, regularisers,
/// constraints, activations): what turns a config back into an object. Only registered names can be created, so
/// reading a config never instantiates a type it names — a config carries data, not code. A user registers their
/// own class once, as Keras's <c>@keras.saving.register_keras_serializable</c>, and it then round-trips through
/// <c>GetConfig</c> and <c>FromConfig</c> like a built-in one.</summary>
/// <typeparam name="T">The kind of object created.</typeparam>
public sealed class ConfigRegistry<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Func<ConfigReader, T>> _factories;
    private readonly Dictionary<Type, string> _names = [];
    private readonly Dictionary<string, Type> _types;
    private readonly string _kind;
    private readonly Action<T, ConfigReader>? _readCommonKeys;

    /// <param name="kind">What the registry holds, for messages ("layer class", "initializer").</param>
    /// <param name="ignoreCase">Whether names match case-insensitively (Keras's string identifiers do).</param>
    /// <param name="readCommonKeys">Reads the keys every config of this kind carries, after the factory (a layer's
    /// "trainable", say), so factories read only their own.</param>
    public ConfigRegistry(string kind, bool ignoreCase, Action<T, ConfigReader>? readCommonKeys = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        _kind = kind;
        _readCommonKeys = readCommonKeys;
        var comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        _factories = new(comparer);
        _types = new(comparer);
    }

    /// <summary>Every registered name (aliases included), sorted.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                return _factories.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>Registers <typeparamref name="TItem"/> under <paramref name="className"/> (the name its configs
    /// carry) and any <paramref name="aliases"/>. The factory reads the config's keys with the
    /// <see cref="ConfigReader"/> it is given; keys it leaves unread are reported as unknown. Registering a name
    /// twice is an error unless it is for the same type.</summary>
    /// <exception cref="ArgumentException">The name is blank or already taken by another type.</exception>
    public void Register<TItem>(string className, Func<ConfigReader, TItem> fromConfig, params string[] aliases)
        where TItem : T
    {
        ArgumentNullException.ThrowIfNull(fromConfig);
        ArgumentNullException.ThrowIfNull(aliases);
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        lock (_lock)
        {
            foreach (string name in aliases.Prepend(className))
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(aliases));
                if (_types.TryGetValue(name, out var taken) && taken != typeof(TItem))
                {
                    throw new ArgumentException($"The {_kind} name '{name}' is already registered for {taken.Name}.", nameof(className));
                }
            }

            foreach (string name in aliases.Prepend(className))
            {
                _factories[name] = reader => fromConfig(reader);
                _types[name] = typeof(TItem);
            }

            _names[typeof(TItem)] = className;
        }
    }

    /// <summary>True when <paramref name="className"/> can be created.</summary>
    public bool IsRegistered(string className)
    {
        lock (_lock)
        {
            return _factories.ContainsKey(className);
        }
    }

    /// <summary>The name <paramref name="type"/> was registered under, or null.</summary>
    public string? NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_lock)
        {
            return _names.GetValueOrDefault(type);
        }
    }

    /// <summary>Creates the object registered as <paramref name="className"/> from its config; every key must be
    /// read by the factory.</summary>
    /// <param name="className">The registered name.</param>
    /// <param name="config">Its config (CLR values or JSON elements).</param>
    /// <param name="where">Where the config sits, for messages ("layer 2 'dense_1'").</param>
    /// <exception cref="ArgumentException">The name is not registered (the message lists the registered ones), or
    /// the config is missing a key, has a key of the wrong type, or has unknown keys.</exception>
    public T Create(string className, IReadOnlyDictionary<string, object?> config, string? where = null)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        Func<ConfigReader, T>? factory;
        lock (_lock)
        {
            _factories.TryGetValue(className, out factory);
        }

        if (factory is null)
        {
            throw new ArgumentException(
                $"{Prefix(where)}unknown {_kind} '{className}'. Registered: {string.Join(", ", Names)}.", nameof(className));
        }

        var reader = new ConfigReader($"{Prefix(where)}{_kind} '{className}'".TrimEnd(), config);
        var item = factory(reader);
        _readCommonKeys?.Invoke(item, reader);
        reader.EnsureAllRead();
        return item;
    }

    /// <summary>Creates an object from its description: a bare registered name (<c>"glorot_uniform"</c>) or
    /// Keras's <c>{"class_name": …, "config": {…}}</c> (a missing config means the defaults). Null gives null.</summary>
    /// <exception cref="ArgumentException">The description has another form, or <see cref="Create"/> fails.</exception>
    public T? FromDescription(object? description, string? where = null)
    {
        if (description is null || description is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null })
        {
            return null;
        }

        if (ConfigReader.AsString(description) is { } name)
        {
            return Create(name, new Dictionary<string, object?>(), where);
        }

        if (ConfigReader.AsDictionary(description) is { } dictionary)
        {
            var reader = new ConfigReader($"{Prefix(where)}{_kind}".TrimEnd(), dictionary);
            string className = reader.String("class_name");
            var config = reader.Has("config") ? reader.Dictionary("config") : new Dictionary<string, object?>();
            reader.Ignore("module");
            reader.Ignore("registered_name");
            reader.EnsureAllRead();
            return Create(className, config, where);
        }

        throw new ArgumentException(
            $"{Prefix(where)}a {_kind} must be a name or {{\"class_name\": …, \"config\": {{…}}}}; received {ConfigReader.Describe(description)}.");
    }

    /// <summary>Keras's description of a configurable object: <c>{"class_name": name, "config": config}</c>.</summary>
    public static Dictionary<string, object?> Describe(string className, IReadOnlyDictionary<string, object?> config) => new()
    {
        ["class_name"] = className,
        ["config"] = config,
    };

    private static string Prefix(string? where) => where is null ? "" : where + ": ";
}
