namespace Backprop.Data;

/// <summary>A data set could not be downloaded intact: the server answered with an error, the transfer ended
/// early, or the file's SHA-256 differs from the published one. Nothing is left in the cache when it is thrown.</summary>
public sealed class DataDownloadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DataDownloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DataDownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public DataDownloadException()
    {
    }
}
