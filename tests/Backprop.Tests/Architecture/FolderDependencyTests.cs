using System.Text.RegularExpressions;

namespace Backprop.Tests.Architecture;

/// <summary>The core library's folders depend on each other one way only. Each folder is a namespace
/// (<c>Backprop.Layers</c> for <c>Layers/</c>; <c>Tensors/</c> and <c>Parameters/</c> are the root namespace), so a
/// folder's dependencies are the <c>Backprop.*</c> namespaces its files import or name. The allowed ones are declared
/// here; the test fails on an undeclared edge and on a cycle in the declaration.</summary>
public sealed partial class FolderDependencyTests
{
    /// <summary>Each folder and the folders it may use.</summary>
    private static readonly Dictionary<string, string[]> s_allowed = new()
    {
        ["Kernels"] = [],
        ["Tensors"] = ["Kernels"],
        ["Config"] = [],
        ["Random"] = ["Kernels", "Tensors"],
        ["Data"] = ["Kernels", "Tensors", "Random"],
        ["Activations"] = ["Kernels", "Tensors", "Config"],
        ["Initializers"] = ["Kernels", "Tensors", "Random", "Config"],
        ["Regularizers"] = ["Kernels", "Tensors", "Config"],
        ["Parameters"] = ["Tensors", "Regularizers"],
        ["Losses"] = ["Kernels", "Tensors", "Config", "Activations"],
        ["Metrics"] = ["Kernels", "Tensors", "Config", "Losses"],
        ["Optimizers"] = ["Kernels", "Tensors", "Config", "Parameters"],
        ["Layers"] = ["Kernels", "Tensors", "Random", "Config", "Activations", "Initializers", "Regularizers", "Parameters"],
        ["Models"] = ["Tensors", "Config", "Layers", "Parameters"],
        ["Training"] = ["Kernels", "Tensors", "Random", "Data", "Parameters", "Layers", "Losses", "Metrics", "Optimizers", "Models"],
        ["Inspection"] = ["Tensors", "Random", "Parameters", "Layers", "Models", "Training"],
        ["Serialization"] = ["Tensors", "Config", "Random", "Parameters", "Layers", "Losses", "Metrics", "Optimizers", "Models", "Training"],

        // Callbacks that write files (ModelCheckpoint, BackupAndRestore): above both the fit loop and the formats.
        ["Checkpoints"] = ["Tensors", "Random", "Models", "Training", "Serialization"],
    };

    /// <summary>Root-namespace types a folder names without an import, and the folder that owns them.</summary>
    private static readonly Dictionary<string, string> s_rootTypes = new() { ["Parameter"] = "Parameters" };

    [Fact]
    public void Every_folder_dependency_is_declared_and_points_one_way()
    {
        string source = Path.Combine(RepositoryRoot(), "src", "Backprop");
        var undeclared = new List<string>();
        foreach (string file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal) || !relative.Contains(Path.DirectorySeparatorChar))
            {
                continue;
            }

            string folder = relative.Split(Path.DirectorySeparatorChar)[0];
            Assert.True(s_allowed.ContainsKey(folder), $"folder {folder} is not in the declared architecture");
            foreach (string used in Uses(File.ReadAllText(file)))
            {
                if (used != folder && !s_allowed[folder].Contains(used))
                {
                    undeclared.Add($"{relative} uses {used}");
                }
            }
        }

        Assert.True(undeclared.Count == 0, "Undeclared folder dependencies:\n" + string.Join("\n", undeclared));
        AssertAcyclic();
    }

    private static IEnumerable<string> Uses(string text)
    {
        string code = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        foreach (Match m in Namespace().Matches(code))
        {
            string name = m.Groups["folder"].Value;
            yield return s_allowed.ContainsKey(name) ? name : "Tensors"; // Backprop.Tensor, Backprop.DType: root types
        }

        foreach (var (type, folder) in s_rootTypes)
        {
            if (Regex.IsMatch(code, $@"\b{type}\b"))
            {
                yield return folder;
            }
        }
    }

    private static void AssertAcyclic()
    {
        var state = new Dictionary<string, int>();
        void Visit(string folder, Stack<string> path)
        {
            if (state.GetValueOrDefault(folder) == 2)
            {
                return;
            }

            Assert.False(state.GetValueOrDefault(folder) == 1, "cycle: " + string.Join(" → ", path.Reverse().Append(folder)));
            state[folder] = 1;
            path.Push(folder);
            foreach (string next in s_allowed[folder])
            {
                Visit(next, path);
            }

            path.Pop();
            state[folder] = 2;
        }

        foreach (string folder in s_allowed.Keys)
        {
            Visit(folder, new Stack<string>());
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Backprop.slnx not found above the test's folder.");
    }

    [GeneratedRegex(@"\bBackprop\.(?<folder>[A-Z][A-Za-z]+)\b")]
    private static partial Regex Namespace();
}
