using System.Diagnostics;
using Backprop.Labs.Tests.Support;

namespace Backprop.Labs.Tests;

/// <summary>Run folders appear only when complete: a run writes into a marked sibling and renames it at the end, so a
/// killed or failed run never leaves a folder that looks complete, and leftovers of killed runs are cleaned up.</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = CliProcess.TempFolder("runfolder");

    public RunFolderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => CliProcess.Delete(_root);

    [Fact]
    public void UntilCommittedTheRunIsInAMarkedSiblingAndTheTargetDoesNotExist()
    {
        string target = Path.Combine(_root, "run");
        var folder = RunFolder.Begin(target, force: false, "test");
        Assert.False(Directory.Exists(target));
        Assert.Equal(target + $".incomplete-{Environment.ProcessId}", folder.Staging);
        Assert.True(File.Exists(Path.Combine(folder.Staging, RunFolder.IncompleteMarker)));
        File.WriteAllText(Path.Combine(folder.Staging, "report.html"), "<html></html>");

        folder.Commit();
        Assert.False(Directory.Exists(folder.Staging));
        Assert.Equal(["report.html"], Directory.GetFiles(target).Select(Path.GetFileName));
    }

    [Fact]
    public void LeftoversOfKilledRunsAreRemovedByTheNextRunAndLiveOnesAreKept()
    {
        string target = Path.Combine(_root, "run");
        // A process id no process has (Linux caps pids at 2^22).
        string dead = target + ".incomplete-4999999";
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, RunFolder.IncompleteMarker), "killed");
        File.WriteAllText(Path.Combine(dead, "01-fig.png"), "");
        using var live = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        string running = target + $".incomplete-{live.Id}";
        Directory.CreateDirectory(running);
        File.WriteAllText(Path.Combine(running, RunFolder.IncompleteMarker), "still running");
        try
        {
            var folder = RunFolder.Begin(target, force: false, "test");
            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(running));
            folder.Abandon();
            Assert.False(Directory.Exists(folder.Staging));
        }
        finally
        {
            live.Kill();
        }
    }

    [Fact]
    public void ForceReplacesAnEarlierRunWhole()
    {
        string target = Path.Combine(_root, "run");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "report.html"), "old");
        File.WriteAllText(Path.Combine(target, "07-old-figure.png"), "old");
        Assert.Throws<RunFolderException>(() => RunFolder.Begin(target, force: false, "test"));

        var folder = RunFolder.Begin(target, force: true, "test");
        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "report.html"))); // untouched until the new run is complete
        File.WriteAllText(Path.Combine(folder.Staging, "report.html"), "new");
        folder.Commit();
        Assert.Equal(["report.html"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "report.html")));
        Assert.Equal(["run"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailingLabLeavesNoFolderAndEndsItsProgressWithTheReason()
    {
        string target = Path.Combine(_root, "failing");
        var log = new StringWriter();
        var error = Assert.Throws<InvalidOperationException>(() =>
            LabRunner.Run(new FailingLab(), new LabRunOptions(Quick: true, OutputDirectory: target), new PlainLabConsole(log)));
        Assert.Equal("the model blew up", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
        Assert.Contains("epochs: stopped at 3/10: failed: the model blew up", log.ToString());
    }

    [Fact]
    public void AKilledRunNeverLeavesAFolderThatLooksComplete()
    {
        // A few SIGKILLs at moments spread over a --quick lab; scripts/kill-test-run-folders.sh does 40 at random moments.
        var delays = new[] { 400, 1500, 2600 };
        foreach (int delay in delays)
        {
            string target = Path.Combine(_root, $"killed-{delay}");
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { CliProcess.Dll, "lab", "run", "boston-housing", "--quick", "--out", target })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            Thread.Sleep(delay);
            process.Kill();
            process.WaitForExit();
            AssertCompleteOrMarked(_root, $"killed-{delay}");
        }
    }

    /// <summary>Every folder of the run is either complete (report.html ends the document, results.json parses) or named
    /// and marked incomplete.</summary>
    internal static void AssertCompleteOrMarked(string parent, string name)
    {
        foreach (string entry in Directory.GetFileSystemEntries(parent, name + "*"))
        {
            string entryName = Path.GetFileName(entry);
            if (entryName == name)
            {
                string html = File.ReadAllText(Path.Combine(entry, "report.html"));
                Assert.EndsWith("</html>\n", html);
                Assert.NotNull(ResultsFile.Read(Path.Combine(entry, "results.json"))!["published"]);
                Assert.False(File.Exists(Path.Combine(entry, RunFolder.IncompleteMarker)));
            }
            else
            {
                Assert.Matches(@"\.(incomplete|replaced)-\d+$", entryName);
            }
        }
    }

    private sealed class FailingLab : ILab
    {
        public string Name => "failing";

        public string Summary => "Fails on purpose after three epochs.";

        public IReadOnlyList<PublishedFigure> Published => [];

        public void Run(LabContext context)
        {
            var progress = context.Progress("epochs", 10);
            for (int i = 1; i <= 3; i++)
            {
                progress.Report(i, $"loss: {i}");
            }

            throw new InvalidOperationException("the model blew up");
        }
    }
}
