namespace Backprop.Data;

/// <summary>A file of a data set: where it lives in the cache folder (relative path, '/'-separated), the URL it is
/// downloaded from, and its published SHA-256 (lowercase hex).</summary>
public sealed record RemoteFile(string RelativePath, Uri Url, string Sha256);
