namespace Backprop.Data;

/// <summary>Progress of one download: bytes received so far and the total when the server announced it.</summary>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes)
{
    /// <summary>Fraction done in [0, 1], or null when the total is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 and long total ? Math.Min(1.0, (double)BytesReceived / total) : null;
}
