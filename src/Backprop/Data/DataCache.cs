using System.Security.Cryptography;

namespace Backprop.Data;

/// <summary>The folder that holds downloaded data sets, like Keras's <c>~/.keras/datasets</c>. The folder is the
/// one given, else the environment variable <c>BACKPROP_DATA</c>, else <c>~/.backprop/datasets</c>. A file already
/// in the folder is used as it is (so a folder prepared by hand, or a shared read-only copy, needs no network).
/// A missing file is downloaded, its SHA-256 checked against the published digest, and only then moved into place
/// atomically (temporary file in the same folder, flushed, renamed); a failed download leaves nothing behind.</summary>
public sealed class DataCache
{
    /// <summary>The environment variable naming the cache folder.</summary>
    public const string EnvironmentVariable = "BACKPROP_DATA";

    private static readonly Lazy<HttpClient> s_defaultClient = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(30) });
    private readonly HttpClient? _httpClient;

    /// <summary>Creates a cache. <paramref name="httpClient"/> replaces the shared client (tests serve files from
    /// a loopback server); <paramref name="progress"/> hears about every download.</summary>
    public DataCache(string? folder = null, HttpClient? httpClient = null, IProgress<DownloadProgress>? progress = null)
    {
        Folder = Path.GetFullPath(folder ?? DefaultFolder());
        _httpClient = httpClient;
        Progress = progress;
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>Where download progress is reported, if anywhere.</summary>
    public IProgress<DownloadProgress>? Progress { get; }

    /// <summary>The cache used when none is given: <c>BACKPROP_DATA</c> or <c>~/.backprop/datasets</c>.</summary>
    public static DataCache Default => new();

    /// <summary><c>BACKPROP_DATA</c> when set, else <c>~/.backprop/datasets</c>.</summary>
    public static string DefaultFolder()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".backprop", "datasets");
    }

    /// <summary>The full path <paramref name="relativePath"/> ('/'-separated) would have in the cache.</summary>
    public string PathOf(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (Path.IsPathRooted(relativePath) || relativePath.Split('/', '\\').Any(part => part is ".." or ""))
        {
            throw new ArgumentException($"'{relativePath}' is not a plain relative path inside the cache.", nameof(relativePath));
        }

        return Path.Combine(Folder, relativePath.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Whether the file is already in the cache.</summary>
    public bool Contains(string relativePath) => File.Exists(PathOf(relativePath));

    /// <summary>The local path of <paramref name="file"/>, downloading it first if the cache lacks it.</summary>
    /// <exception cref="DataDownloadException">The download failed or the checksum differs.</exception>
    public string GetFile(RemoteFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        string path = PathOf(file.RelativePath);
        if (File.Exists(path))
        {
            return path;
        }

        Download(file, path, cancellationToken);
        return path;
    }

    private void Download(RemoteFile file, string path, CancellationToken cancellationToken)
    {
        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        bool moved = false;
        try
        {
            var client = _httpClient ?? s_defaultClient.Value;
            using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
            HttpResponseMessage response;
            try
            {
                response = client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new DataDownloadException($"Downloading {file.Url} failed: {e.Message}", e);
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new DataDownloadException($"Downloading {file.Url} failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                long? total = response.Content.Headers.ContentLength;
                string digest;
                long received = 0;
                using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    try
                    {
                        using var input = response.Content.ReadAsStream(cancellationToken);
                        byte[] buffer = new byte[1 << 16];
                        int n;
                        long lastReport = 0;
                        Progress?.Report(new DownloadProgress(file.RelativePath, 0, total));
                        while ((n = input.Read(buffer)) > 0)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            output.Write(buffer, 0, n);
                            hash.AppendData(buffer, 0, n);
                            received += n;
                            if (received - lastReport >= 1 << 20)
                            {
                                Progress?.Report(new DownloadProgress(file.RelativePath, received, total));
                                lastReport = received;
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException and not DataDownloadException)
                    {
                        throw new DataDownloadException($"Downloading {file.Url} failed after {received} bytes: {e.Message}", e);
                    }

                    Progress?.Report(new DownloadProgress(file.RelativePath, received, total));
                    if (total is long expected && received != expected)
                    {
                        throw new DataDownloadException($"Downloading {file.Url} ended after {received} of {expected} bytes.");
                    }

                    output.Flush(flushToDisk: true);
                    digest = Convert.ToHexStringLower(hash.GetHashAndReset());
                }

                if (!string.Equals(digest, file.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new DataDownloadException($"{file.Url} has SHA-256 {digest}, but the published digest is {file.Sha256}; the file was discarded.");
                }
            }

            File.Move(temporary, path, overwrite: true);
            moved = true;
        }
        finally
        {
            if (!moved)
            {
                TryDelete(temporary);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The temporary name is unique; a leftover is harmless and never mistaken for the real file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
