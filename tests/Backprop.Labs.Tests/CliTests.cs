using Backprop.Cli;
using Backprop.Labs.Tests.Support;

namespace Backprop.Labs.Tests;

/// <summary>The command line as a user meets it: every mistake is one line on stderr that says what is wrong (and
/// what was probably meant), exit code 2, never the help dump or a stack trace; run folders never mix.</summary>
public class CliTests
{
    [Theory]
    [InlineData("--epochs", "unknown option '--epochs' for 'backprop lab run'; it takes --out, --seed, --threads, --quick, --data, --force, --subset, --store, --shard, --verbose.")]
    [InlineData("--sed", "unknown option '--sed' for 'backprop lab run'; did you mean '--seed'?")]
    [InlineData("--qiuck", "unknown option '--qiuck' for 'backprop lab run'; did you mean '--quick'?")]
    public void UnknownOptionIsReportedAsAnOptionWithASuggestion(string option, string message)
    {
        var (code, output, error) = Run("lab", "run", "boston-housing", option, "5");
        AssertUsageError(code, output, error, "backprop: " + message);
    }

    [Theory]
    [InlineData("--threads", "abc", "--threads expects a whole number from 1 to 256; got 'abc'.")]
    [InlineData("--threads", "0", "--threads expects a whole number from 1 to 256; got 0.")]
    [InlineData("--threads", "2.5", "--threads expects a whole number from 1 to 256; got '2.5'.")]
    [InlineData("--seed", "not-a-number", "--seed expects a whole number; got 'not-a-number'.")]
    public void BadValueIsOneLineWithAHumanTypeName(string option, string value, string message)
    {
        var (code, output, error) = Run("lab", "run", "boston-housing", option, value);
        AssertUsageError(code, output, error, "backprop: " + message);
        Assert.DoesNotContain("System.Int32", error);
    }

    [Theory]
    [InlineData(new[] { "lab", "run", "boston-housing", "--seed" }, "--seed expects a whole number; none given.")]
    [InlineData(new[] { "lab", "run", "boston-housing", "--out" }, "--out expects a folder; none given.")]
    [InlineData(new[] { "lab", "run" }, "which lab? Name one or more labs (see 'backprop lab list') or 'all'.")]
    [InlineData(new[] { "lab", "rn", "boston-housing" }, "unknown command 'rn' for 'backprop lab'; did you mean 'run'?")]
    [InlineData(new[] { "lab" }, "'backprop lab' needs a command: list, run or report (see 'backprop lab --help').")]
    [InlineData(new string[0], "'backprop' needs a command: lab, runs or export (see 'backprop --help').")]
    [InlineData(new[] { "lab", "list", "extra" }, "unexpected argument 'extra' for 'backprop lab list'.")]
    public void EveryParseErrorIsOneLine(string[] args, string message)
    {
        var (code, output, error) = Run(args);
        AssertUsageError(code, output, error, "backprop: " + message);
    }

    [Fact]
    public void UnknownLabSuggestsTheClosestAndListsTheKnownLabs()
    {
        var (code, output, error) = Run("lab", "run", "bostn", "--quick");
        AssertUsageError(code, output, error, null);
        Assert.StartsWith("backprop: unknown lab 'bostn'; did you mean 'boston-housing'? Known labs: ", error);
        foreach (var lab in LabCatalog.All)
        {
            Assert.Contains(lab.Name, error);
        }

        (code, output, error) = Run("lab", "run", "no-such-lab", "--quick");
        AssertUsageError(code, output, error, null);
        Assert.StartsWith("backprop: unknown lab 'no-such-lab'. Known labs: ", error);
    }

    [Fact]
    public void MissingDataFolderFailsWithItsNameBeforeAnyLabRuns()
    {
        string missing = CliProcess.TempFolder("missing");
        var (code, output, error) = Run("lab", "run", "all", "--quick", "--data", missing);
        AssertUsageError(code, output, error, $"backprop: data folder '{missing}' (from --data) does not exist");
    }

    [Fact]
    public void OutputFolderErrorsNameTheFolderAndTheReason()
    {
        string root = CliProcess.TempFolder("out");
        Directory.CreateDirectory(root);
        try
        {
            string file = Path.Combine(root, "a-file");
            File.WriteAllText(file, "not a folder");
            var (code, output, error) = Run("lab", "run", "backprop-step", "--out", file);
            AssertUsageError(code, output, error, $"backprop: output folder '{file}': it is a file, not a folder");

            string under = Path.Combine(file, "run");
            (code, output, error) = Run("lab", "run", "backprop-step", "--out", under);
            AssertUsageError(code, output, error, null);
            Assert.StartsWith($"backprop: output folder '{under}': it cannot be written: ", error);

            if (OperatingSystem.IsLinux())
            {
                (code, output, error) = Run("lab", "run", "backprop-step", "--out", "/proc/x");
                AssertUsageError(code, output, error, "backprop: output folder '/proc/x': it cannot be written: no folder can be created in /proc");
            }
        }
        finally
        {
            CliProcess.Delete(root);
        }
    }

    [Fact]
    public void ARerunIntoTheSameFolderIsRefusedUnlessForcedAndNeverMixes()
    {
        string root = CliProcess.TempFolder("rerun");
        string out1 = Path.Combine(root, "run");
        try
        {
            var (code, _, error) = Run("lab", "run", "boston-housing", "--quick", "--out", out1);
            Assert.True(code == 0, error);
            var firstFiles = Directory.GetFiles(out1).Select(Path.GetFileName).Order().ToList();
            Assert.Contains("report.html", firstFiles);
            Assert.DoesNotContain(firstFiles, f => f!.Contains("INCOMPLETE", StringComparison.Ordinal));
            Assert.Single(Directory.GetFileSystemEntries(root)); // no staging folder left beside it

            // Another lab into the same folder: refused, and the first run is untouched.
            (code, var output, error) = Run("lab", "run", "backprop-step", "--quick", "--out", out1);
            AssertUsageError(code, output, error, null);
            Assert.StartsWith($"backprop: output folder '{out1}': it is not empty (01-b-mse.png, 01-b-mse.svg, 02-b-mae.png and ", error);
            Assert.EndsWith("pass --force to replace an earlier run there, or choose another --out\n", error);
            Assert.Equal(firstFiles, Directory.GetFiles(out1).Select(Path.GetFileName).Order().ToList());

            // With --force the folder holds the second run only: no Boston figure is left beside it.
            (code, _, error) = Run("lab", "run", "backprop-step", "--quick", "--out", out1, "--force");
            Assert.True(code == 0, error);
            Assert.Equal(["report.html", "results.json"], Directory.GetFiles(out1).Select(Path.GetFileName).Order().ToList());
            Assert.Contains("backprop-step", File.ReadAllText(Path.Combine(out1, "results.json")));

            // --force never deletes what a run did not write.
            File.WriteAllText(Path.Combine(out1, "my-notes.txt"), "mine");
            (code, output, error) = Run("lab", "run", "backprop-step", "--quick", "--out", out1, "--force");
            AssertUsageError(code, output, error,
                $"backprop: output folder '{out1}': it holds files no Backprop run wrote (my-notes.txt), so --force will not replace it; choose another --out");
            Assert.True(File.Exists(Path.Combine(out1, "my-notes.txt")));
        }
        finally
        {
            CliProcess.Delete(root);
        }
    }

    [Fact]
    public void SeveralLabsShareOneFolderWithAnIndexLinkingEveryReport()
    {
        string root = CliProcess.TempFolder("index");
        try
        {
            var (code, output, error) = Run("lab", "run", "backprop-step", "gradient-derivations", "--quick", "--out", root);
            Assert.True(code == 0, error);
            Assert.Contains($"index of the run: {Path.Combine(root, "index.html")}", output);
            string index = File.ReadAllText(Path.Combine(root, "index.html"));
            foreach (string lab in new[] { "backprop-step", "gradient-derivations" })
            {
                Assert.True(File.Exists(Path.Combine(root, lab, "report.html")));
                Assert.Contains($"<a href=\"{lab}/report.html\">{lab}</a>", index);
            }

            Assert.Contains(" match", index);
            Assert.Contains("This is a --quick run", index);
            Assert.Equal(["backprop-step", "gradient-derivations", "index.html"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName).Order().ToList());
        }
        finally
        {
            CliProcess.Delete(root);
        }
    }

    [Fact]
    public void ListNamesEveryLabWithItsSummary()
    {
        var (code, output, _) = Run("lab", "list");
        Assert.Equal(0, code);
        foreach (var lab in LabCatalog.All)
        {
            Assert.Contains(lab.Name, output);
            Assert.Contains(lab.Summary, output);
        }
    }

    [Fact]
    public void HelpIsAvailableEverywhereAndNamesTheCommandBackprop()
    {
        foreach (var args in new[] { new[] { "--help" }, new[] { "lab", "--help" }, new[] { "lab", "run", "--help" }, new[] { "lab", "run", "-h" } })
        {
            var (code, output, error) = Run(args);
            Assert.Equal(0, code);
            Assert.Equal("", error);
            Assert.Contains("Usage:\n  backprop", output.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void SuggestionsComeOnlyForCloseNames()
    {
        string[] options = ["--out", "--seed", "--threads", "--quick", "--data", "--force", "--subset", "--verbose"];
        Assert.Equal("--threads", BackpropCommand.Suggest("--thread", options));
        Assert.Equal("--data", BackpropCommand.Suggest("--dat", options));
        Assert.Null(BackpropCommand.Suggest("--epochs", options));
        Assert.Null(BackpropCommand.Suggest("--batch-size", options));
    }

    internal static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BackpropCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Exit code 2, nothing on stdout, exactly one line on stderr (the given one, if any) and no stack trace.</summary>
    internal static void AssertUsageError(int code, string output, string error, string? line)
    {
        Assert.True(code == 2, $"exit code {code}; stderr: {error}; stdout: {output}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        if (line is not null)
        {
            Assert.Equal(line + "\n", error.ReplaceLineEndings("\n"));
        }
    }
}
