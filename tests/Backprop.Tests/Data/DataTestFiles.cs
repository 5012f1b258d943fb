using System.Text.Json;

namespace Backprop.Tests.Data;

/// <summary>Where the data tests find fixtures, the shared data folder and scratch space.</summary>
internal static class DataTestFiles
{
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "data");

    public static JsonElement Json(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, name)));
        return doc.RootElement.Clone();
    }

    /// <summary>BACKPROP_DATA, else the repository's sibling ../shared/data (found by walking up), else null.</summary>
    public static string? SharedData()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("BACKPROP_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "fashion-mnist")))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string ScratchFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "backprop-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
