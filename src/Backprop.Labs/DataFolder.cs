using Backprop.Data;

namespace Backprop.Labs;

/// <summary>The folder a lab reads data sets from, and where that choice came from: <c>--data</c>, else the
/// <c>BACKPROP_DATA</c> environment variable, else the library's cache folder <c>~/.backprop/datasets</c>. A folder
/// named by <c>--data</c> or <c>BACKPROP_DATA</c> must exist; the cache folder is created when a download needs it.
/// The folder may be the data root (holding <c>mnist/</c>, <c>fashion-mnist/</c>, <c>iris.csv</c>, …) or one data
/// set's own folder (the four MNIST files themselves): <see cref="Locate"/> accepts both.</summary>
/// <param name="Path">The folder (full path).</param>
/// <param name="Source">"--data", "BACKPROP_DATA" or "default".</param>
public sealed record DataFolder(string Path, string Source)
{
    /// <summary>Where the lab looks for data: <paramref name="explicitFolder"/> (<c>--data</c>), else
    /// <c>BACKPROP_DATA</c>, else <c>~/.backprop/datasets</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder given by <c>--data</c> or <c>BACKPROP_DATA</c> does not exist.</exception>
    public static DataFolder Resolve(string? explicitFolder)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            return Existing(explicitFolder, "--data");
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(DataCache.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Existing(fromEnvironment, DataCache.EnvironmentVariable);
        }

        return new DataFolder(System.IO.Path.GetFullPath(DataCache.DefaultFolder()), "default");
    }

    /// <summary>How the report names the folder: "/data (BACKPROP_DATA)".</summary>
    public string Describe() => Source == "default" ? $"{Path} (the default data folder)" : $"{Path} ({Source})";

    /// <summary>Finds a data set's files: each '/'-separated relative path ("mnist/train-images-idx3-ubyte.gz") under the
    /// folder as a data root, else its file name directly in the folder (the data set's own folder). Returns the
    /// full paths, or null when any file is missing in both places.</summary>
    public IReadOnlyList<string>? Locate(IReadOnlyList<string> relativePaths)
    {
        ArgumentNullException.ThrowIfNull(relativePaths);
        var underRoot = relativePaths.Select(p => System.IO.Path.Combine(Path, p.Replace('/', System.IO.Path.DirectorySeparatorChar))).ToList();
        if (underRoot.All(File.Exists))
        {
            return underRoot;
        }

        var inOwnFolder = relativePaths.Select(p => System.IO.Path.Combine(Path, p.Split('/')[^1])).ToList();
        return inOwnFolder.All(File.Exists) ? inOwnFolder : null;
    }

    private static DataFolder Existing(string folder, string source)
    {
        string full = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException(File.Exists(full)
                ? $"data folder '{full}' (from {source}) is a file, not a folder"
                : $"data folder '{full}' (from {source}) does not exist");
        }

        return new DataFolder(full, source);
    }
}
