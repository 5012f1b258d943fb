// Runs Polyglot Notebooks (.ipynb) headlessly in .NET Interactive's C# kernel — the kernel VS Code's Polyglot Notebooks
// and Jupyter's .NET kernel run — and fails on any cell error:
//
//   dotnet run --project notebooks/Runner -c Release -- notebooks/*.ipynb [--out <folder>]
//
// Every code cell runs in order in one kernel, as "Run All" does. The notebooks' first cell brings Backprop in with
// `#r "nuget: Backprop…"` lines; this runner has no package feed to restore from, so it gives the kernel the Backprop
// assemblies it was built with instead (and refuses any other NuGet reference). With --out, each notebook is written
// there again with its outputs (text, tables, charts as SVG), as a person who ran it would see it. A notebook that
// displays no chart fails too: every notebook here plots inline.
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

string? outFolder = null;
var paths = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        outFolder = args[++i];
    }
    else
    {
        paths.Add(args[i]);
    }
}

if (paths.Count == 0)
{
    Console.Error.WriteLine("usage: Backprop.NotebookRunner <notebook.ipynb>… [--out <folder>]");
    return 2;
}

int failed = 0, passed = 0;
foreach (string path in paths)
{
    var watch = Stopwatch.StartNew();
    var (ok, cells, charts, problem) = await NotebookRun.RunAsync(path, outFolder);
    if (ok)
    {
        passed++;
        Console.WriteLine($"{path}: {cells} code cells ran without error, {charts} charts displayed ({watch.Elapsed.TotalSeconds:F1} s)");
    }
    else
    {
        failed++;
        Console.WriteLine($"{path}: FAILED: {problem}");
    }
}

Console.WriteLine($"notebooks: {passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

/// <summary>One notebook through the C# kernel.</summary>
internal static partial class NotebookRun
{
    // `#r "nuget: Backprop.Plots"`, `#r "nuget: Backprop, 0.1.0"`, and `#i "nuget: <feed>"` (a package source).
    [GeneratedRegex("""^\s*#r\s+"nuget:\s*(?<id>[A-Za-z0-9_.\-]+)[^"]*"\s*$""")]
    private static partial Regex NugetReference();

    [GeneratedRegex("""^\s*#i\s+"nuget:[^"]*"\s*$""")]
    private static partial Regex NugetSource();

    public static async Task<(bool Ok, int Cells, int Charts, string Problem)> RunAsync(string path, string? outFolder)
    {
        var kernels = new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#"]) };
        kernels.DefaultKernelName = "csharp";
        InteractiveDocument document;
        try
        {
            document = Notebook.Parse(await File.ReadAllTextAsync(path), kernels);
        }
        catch (Exception e)
        {
            return (false, 0, 0, $"not a readable notebook: {e.Message}");
        }

        using var kernel = new CSharpKernel().UseKernelHelpers();
        // The assemblies a `#r "nuget: Backprop…"` line would bring, from this runner's own build.
        string folder = AppContext.BaseDirectory;
        string preamble = string.Join('\n', new[] { "Backprop.dll", "Backprop.Plots.dll", "Backprop.Onnx.dll" }.Select(dll => $"#r \"{Path.Combine(folder, dll)}\""));
        var setup = await kernel.SendAsync(new SubmitCode(preamble));
        if (setup.Events.OfType<CommandFailed>().FirstOrDefault() is { } setupFailure)
        {
            return (false, 0, 0, $"could not reference Backprop: {setupFailure.Message}");
        }

        int cells = 0, charts = 0, index = 0;
        foreach (var element in document.Elements)
        {
            index++;
            if (element.KernelName is not ("csharp" or "C#" or "c#"))
            {
                continue;
            }

            var lines = new List<string>();
            foreach (string line in element.Contents.Split('\n'))
            {
                var match = NugetReference().Match(line);
                if (match.Success)
                {
                    if (!match.Groups["id"].Value.StartsWith("Backprop", StringComparison.Ordinal))
                    {
                        return (false, cells, charts, $"cell {index}: '{line.Trim()}': this runner restores no packages (only Backprop's are provided)");
                    }

                    continue;
                }

                if (!NugetSource().IsMatch(line))
                {
                    lines.Add(line);
                }
            }

            cells++;
            element.Outputs.Clear();
            var result = await kernel.SendAsync(new SubmitCode(string.Join('\n', lines)));
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case CommandFailed failure:
                        element.Outputs.Add(new ErrorElement("Error", failure.Message, []));
                        Save(document, path, outFolder);
                        return (false, cells, charts, $"cell {index}: {failure.Message}");
                    case ErrorProduced error:
                        Save(document, path, outFolder);
                        return (false, cells, charts, $"cell {index}: {error.Message}");
                    case StandardOutputValueProduced output:
                        element.Outputs.Add(new TextElement(string.Concat(output.FormattedValues.Select(v => v.Value)), "stdout"));
                        break;
                    case DisplayEvent display:
                        var data = display.FormattedValues.Where(v => !v.SuppressDisplay).ToDictionary(v => v.MimeType, v => (object)v.Value);
                        if (data.Values.Any(v => v is string s && s.Contains("<svg", StringComparison.Ordinal)))
                        {
                            charts++;
                        }

                        if (data.Count > 0)
                        {
                            element.Outputs.Add(new DisplayElement(data));
                        }

                        break;
                }
            }
        }

        Save(document, path, outFolder);
        // The notebooks plot inline: a notebook that showed no chart lost its formatter or its plots.
        return charts == 0
            ? (false, cells, charts, "no chart was displayed inline (is the Chart formatter registered?)")
            : (true, cells, charts, "");
    }

    private static void Save(InteractiveDocument document, string path, string? outFolder)
    {
        if (outFolder is null)
        {
            return;
        }

        Directory.CreateDirectory(outFolder);
        File.WriteAllText(Path.Combine(outFolder, Path.GetFileName(path)), document.ToJupyterJson());
    }
}
