using System.Diagnostics;
using Backprop.Serialization;
using Backprop.Tests.Serialization;
using Xunit.Abstractions;

namespace Backprop.Tests.Checkpoints;

/// <summary>The kill test: a child process (tests/Backprop.KillChild) trains with dropout, shuffling, EarlyStopping
/// and <c>BackupAndRestore(saveEveryBatches: 3)</c>, and is killed with SIGKILL at random moments after training
/// has begun — during steps, during saves, during the restore itself — and restarted each time (alternating 1 and
/// 2 threads) until it finishes; its final weights must equal an uninterrupted run's, bit for bit. CI kills it a few
/// times; <c>scripts/kill-test.sh</c> runs the full test (BACKPROP_KILL_TEST_KILLS=50), whose measured result is in
/// docs/checkpoints.md.</summary>
public sealed class KillTests(ITestOutputHelper output)
{
    [Fact]
    public void Training_killed_at_random_moments_resumes_to_the_same_weights()
    {
        int targetKills = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_KILL_TEST_KILLS"), out int k) ? k : 3;
        int epochs = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_KILL_TEST_EPOCHS"), out int e) ? e : targetKills >= 20 ? 10 : 2;
        int rows = targetKills >= 20 ? 4096 : 768;

        // The CI-sized run (2 epochs of 768 rows) trains in milliseconds on a fast machine, before any kill lands:
        // a 5 ms pause before each batch makes it last about 0.2 s wherever it runs. The full test needs none.
        int pause = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_KILL_TEST_PAUSE_MS"), out int p) ? p : targetKills >= 20 ? 0 : 5;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_KILL_TEST_SEED"), out int s) ? s : 20261206;
        string root = SaveLoadKit.TempPath("kill");
        try
        {
            string reference = Path.Combine(root, "reference");
            string killed = Path.Combine(root, "killed");
            var clock = Stopwatch.StartNew();
            var (code, trainingSeconds) = RunToEnd(reference, threads: 1, epochs, rows, pause);
            Assert.Equal(0, code);
            double referenceSeconds = clock.Elapsed.TotalSeconds;

            // Kill after a uniform delay in [0, training time / kills] from the moment training begins: on average
            // each run then makes half of 1/kills of the progress, so the target is reached before the run ends.
            var random = new System.Random(seed);
            double maxDelay = trainingSeconds / Math.Max(1, targetKills);
            int kills = 0, runs = 0;
            clock.Restart();
            while (true)
            {
                using var child = Start(killed, threads: 1 + (runs++ % 2), epochs, rows, pause);
                WaitForReady(child);
                if (kills < targetKills)
                {
                    int delay = (int)(random.NextDouble() * maxDelay * 1000);
                    if (!child.WaitForExit(delay))
                    {
                        child.Kill();  // SIGKILL on Linux and macOS: no handler, no flush, no finally.
                        child.WaitForExit();
                        kills++;
                        continue;
                    }
                }

                Assert.True(child.WaitForExit(300_000), "the child did not finish within 5 minutes");
                Assert.True(child.ExitCode == 0, $"the child failed (exit {child.ExitCode}): {child.StandardError.ReadToEnd()}");
                break;
            }

            string summary = $"kill test: {kills} SIGKILLs over {runs} runs (seed {seed}, {epochs} epochs of {rows} rows, {pause} ms pause per batch, kill delay uniform in [0, {maxDelay * 1000:F0} ms] after training began); " +
                $"uninterrupted run {referenceSeconds:F1} s, killed-and-resumed runs {clock.Elapsed.TotalSeconds:F1} s in all";
            output.WriteLine(summary);
            if (Environment.GetEnvironmentVariable("BACKPROP_KILL_TEST_REPORT") is { Length: > 0 } report)
            {
                File.AppendAllText(report, summary + Environment.NewLine);
            }

            Assert.True(kills >= targetKills, $"only {kills} of {targetKills} kills landed before the run finished");
            var expected = SafeTensors.ReadFile(Path.Combine(reference, "final.safetensors")).Tensors;
            var actual = SafeTensors.ReadFile(Path.Combine(killed, "final.safetensors")).Tensors;
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (string name in expected.Keys)
            {
                Assert.True(SaveLoadKit.SameBits(expected[name], actual[name]), $"{name} differs after {kills} kills");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static (int ExitCode, double TrainingSeconds) RunToEnd(string folder, int threads, int epochs, int rows, int pause)
    {
        using var child = Start(folder, threads, epochs, rows, pause);
        WaitForReady(child);
        var training = Stopwatch.StartNew();
        Assert.True(child.WaitForExit(300_000), "the reference run did not finish within 5 minutes");
        return (child.ExitCode, training.Elapsed.TotalSeconds);
    }

    private static Process Start(string folder, int threads, int epochs, int rows, int pause)
    {
        Directory.CreateDirectory(folder);
        string dll = ChildPath();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(folder);
        info.ArgumentList.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(epochs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(pause.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
    }

    /// <summary>Waits for the child's "ready". The line is read on a thread of its own, not with ReadLineAsync: an
    /// asynchronous pipe read needs a thread-pool thread, and with the test runner's threads blocked the pool could
    /// start it only after the child had finished, so "ready" arrived late — the reference run then measured its
    /// training as 0–0.15 s and a run could finish before its kill was due ("only 5 of 8 kills landed").</summary>
    private static void WaitForReady(Process child)
    {
        string? line = null;
        var reader = new Thread(() => line = child.StandardOutput.ReadLine()) { IsBackground = true };
        reader.Start();
        if (!reader.Join(TimeSpan.FromMinutes(2)) || line != "ready")
        {
            child.Kill();
            throw new InvalidOperationException($"the child did not start training: '{line ?? "(no output)"}' {child.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>tests/Backprop.KillChild/bin/&lt;configuration&gt;/net10.0/Backprop.KillChild.dll, built with the solution.</summary>
    private static string ChildPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);          // …/tests/Backprop.Tests/bin/Release/net10.0/
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Backprop.KillChild", "bin", configuration, framework, "Backprop.KillChild.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Backprop.KillChild.dll not found: build the solution (dotnet build Backprop.slnx) first.");
    }
}
