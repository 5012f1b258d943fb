using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Backprop.Tests.Docs;

/// <summary>The README's library example (docs/examples/Readme/Program.cs) compiles with nothing but the package's
/// global usings — the build of this test project proves it — is shown in the README exactly, and prints what the
/// README says it prints, every time (it is seeded).</summary>
public sealed partial class ReadmeExampleTests
{
    private static readonly string s_docs = Path.Combine(AppContext.BaseDirectory, "Docs");

    [Fact]
    public void The_README_shows_the_example_file_as_it_is()
    {
        string readme = File.ReadAllText(Path.Combine(s_docs, "README.md")).ReplaceLineEndings("\n");
        string source = File.ReadAllText(Path.Combine(s_docs, "Readme", "Program.cs")).ReplaceLineEndings("\n").TrimEnd();
        var blocks = CodeBlock().Matches(readme).Select(m => m.Groups["code"].Value.TrimEnd()).ToList();
        Assert.Contains(source, blocks);
        Assert.StartsWith("using Backprop;\n\n", source);
        Assert.Single(source.Split('\n'), line => line.StartsWith("using ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_example_prints_what_the_README_says_twice_in_a_row()
    {
        string readme = File.ReadAllText(Path.Combine(s_docs, "README.md"));
        string first = Run();
        string second = Run();
        string last = first.TrimEnd().Split('\n')[^1].Trim();
        Assert.Matches(@"^epochs trained: \d+, test MAE: \d+\.\d\d$", last);
        // Seeded: the same output both times, apart from the timings in Keras's lines ("0s - 23us/step").
        Assert.Equal(WithoutTimings(first), WithoutTimings(second));
        Assert.Contains($"`{last}`", readme);
        // Evaluate's default verbose 1 prints Keras's line before the result.
        Assert.Matches(@"\n\d+/\d+ ━+ \d+s \d+(us|ms)/step - loss: [\d.]+ - mae: [\d.]+\n", first);
    }

    private static string WithoutTimings(string text) => Timing().Replace(text, "T");

    private static string Run()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Readme.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output.ReplaceLineEndings("\n");
    }

    [GeneratedRegex(@"\d+s( - |\s)\d+(us|ms|s)/step")]
    private static partial Regex Timing();

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
