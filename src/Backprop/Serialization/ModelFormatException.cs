namespace Backprop.Serialization;

/// <summary>A model, weights or checkpoint file is malformed, truncated, foreign or hostile: the one exception type
/// every loader in <c>Backprop.Serialization</c> throws for bad content, always naming the file, where in it the
/// problem is (a byte offset, a zip entry or a tensor) and what was expected versus found. A
/// <see cref="FormatException"/>, so code that catches config errors catches these too. Missing files and I/O
/// failures keep their own exception types.</summary>
public sealed class ModelFormatException : FormatException
{
    /// <summary>Creates the exception from a complete message.</summary>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception from a complete message and the exception that revealed the problem.</summary>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception (serialisers and analysers expect this constructor).</summary>
    public ModelFormatException()
    {
    }

    private ModelFormatException(string file, string where, string problem, Exception? inner)
        : base($"{file}: {where}: {problem}", inner!)
    {
        FileName = file;
        Where = where;
    }

    /// <summary>The file (or zip entry, "model.keras!model.safetensors") that was being read.</summary>
    public string? FileName { get; }

    /// <summary>Where in it: "byte offset 8", "header", "tensor 'dense/kernel'", "entry 'config.json'".</summary>
    public string? Where { get; }

    /// <summary>A problem at <paramref name="where"/> of <paramref name="file"/>.</summary>
    public static ModelFormatException At(string file, string where, string problem, Exception? inner = null) => new(file, where, problem, inner);
}
