namespace Backprop.Labs.Store;

/// <summary>A run store cannot be used: it is from a newer Backprop, not a run store, or a merge found the same trial
/// with different results. The message names the file and, for a conflict, the trial.</summary>
public sealed class RunStoreException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public RunStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public RunStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public RunStoreException()
    {
    }
}
