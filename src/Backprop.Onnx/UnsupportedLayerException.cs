namespace Backprop.Onnx;

/// <summary>Thrown by <c>ExportOnnx</c> when a model holds a layer (or a layer holds an activation) that has no ONNX
/// translation, typically a custom one: the message names the layer, its type and what can be exported.</summary>
public sealed class UnsupportedLayerException : NotSupportedException
{
    /// <summary>An export refused with <paramref name="message"/>.</summary>
    public UnsupportedLayerException(string message)
        : base(message)
    {
    }

    /// <summary>An export refused with <paramref name="message"/> and the exception that caused it.</summary>
    public UnsupportedLayerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An export refused with the default message.</summary>
    public UnsupportedLayerException()
    {
    }

    /// <summary>The name of the layer that cannot be exported.</summary>
    public string? LayerName { get; init; }

    /// <summary>The .NET type of that layer (or of its activation when the activation is what cannot be exported).</summary>
    public string? TypeName { get; init; }
}
