namespace Backprop;

/// <summary>Thrown when tensor shapes do not fit together. The message names the operation (or layer) and
/// every shape involved, e.g. <c>Dense 'dense_1': expected input (None, 13), got (32, 12)</c>.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the layer or operation and both shapes.</summary>
    public ShapeMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public ShapeMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ShapeMismatchException()
    {
    }

    /// <summary>Builds the standard message "<paramref name="operation"/>: shapes A and B do not match (why)".</summary>
    public static ShapeMismatchException For(string operation, Shape a, Shape b, string? why = null) =>
        new($"{operation}: shapes {a} and {b} do not match{(why is null ? "" : $" ({why})")}.");
}
