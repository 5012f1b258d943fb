using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Backprop.Plots;

namespace Backprop.Labs;

/// <summary>
/// Writes a lab's numbers to <c>results.json</c> (indented UTF-8) next to its figures. Any object tree that
/// System.Text.Json serialises works: dictionaries, arrays, records, anonymous objects. Non-finite doubles and floats
/// are written as the JSON strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c>
/// (<see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/>) and read back as the same values, so a
/// diverged run never breaks the file.
/// </summary>
public static class ResultsFile
{
    /// <summary>The serializer options used for writing and reading: indented, named float literals, readable Unicode, enums as names.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The JSON text for <paramref name="results"/>.</summary>
    public static string Serialize(object? results) =>
        JsonSerializer.Serialize(results, results?.GetType() ?? typeof(object), Options);

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> (usually ".../results.json"), creating the folder.</summary>
    public static void Write(string path, object? results)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CreateFolderFor(path);
        File.WriteAllText(path, Serialize(results) + "\n");
    }

    /// <summary>Reads a results file as a JSON tree (non-finite numbers appear as the strings "NaN", "Infinity", "-Infinity").</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="JsonException">The file is not valid JSON.</exception>
    public static JsonNode? Read(string path) => JsonNode.Parse(File.ReadAllText(path));

    /// <summary>Reads a results file into <typeparamref name="T"/>, turning "NaN"/"Infinity" strings back into doubles.</summary>
    public static T? Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options);

    /// <summary>
    /// Saves <paramref name="chart"/> as <c>name.png</c> (and <c>name.svg</c> unless <paramref name="svg"/> is false)
    /// in <paramref name="directory"/> and returns the PNG's file name, ready to be recorded in results.json.
    /// </summary>
    /// <exception cref="ArgumentException">The name contains a path separator or characters not allowed in file names.</exception>
    public static string SaveFigure(Chart chart, string directory, string name, bool svg = true)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\'))
        {
            throw new ArgumentException($"Figure name '{name}' must be a plain file name without folders.", nameof(name));
        }

        Directory.CreateDirectory(directory);
        string pngName = name + ".png";
        chart.SavePng(Path.Combine(directory, pngName));
        if (svg)
        {
            chart.SaveSvg(Path.Combine(directory, name + ".svg"));
        }

        return pngName;
    }

    /// <summary>
    /// Versions worth recording: Backprop, Backprop.Plots, Backprop.Labs, ScottPlot, SkiaSharp and the .NET runtime, as
    /// informational versions without build metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Versions()
    {
        return new Dictionary<string, string>
        {
            ["Backprop"] = VersionOf(typeof(Tensor).Assembly),
            ["Backprop.Plots"] = VersionOf(typeof(Chart).Assembly),
            ["Backprop.Labs"] = VersionOf(typeof(ResultsFile).Assembly),
            ["ScottPlot"] = VersionOf(typeof(ScottPlot.Plot).Assembly),
            ["SkiaSharp"] = VersionOf(typeof(SkiaSharp.SKCanvas).Assembly),
            [".NET"] = Environment.Version.ToString(),
        };
    }

    private static string VersionOf(Assembly assembly)
    {
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        if (version is null)
        {
            return "unknown";
        }

        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            IncludeFields = true,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void CreateFolderFor(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
