using System.Diagnostics;
using System.Text.Json.Nodes;
using Backprop.Labs.MnistHyperparameters;
using Backprop.Labs.Store;
using Backprop.Labs.Tests.Support;
using Backprop.Labs.Trials;

namespace Backprop.Labs.Tests;

/// <summary>One uninterrupted, unsharded --quick run of the study, shared by the tests that compare against it.</summary>
public sealed class QuickStudyFixture : IDisposable
{
    public QuickStudyFixture()
    {
        Folder = CliProcess.TempFolder("study");
        Directory.CreateDirectory(Folder);
        var run = LabRunner.Run(new MnistHyperparametersLab(), new LabRunOptions(Seed: 42, Quick: true, Threads: 1, OutputDirectory: Path.Combine(Folder, "single"),
            Store: Path.Combine(Folder, "single.db")), new PlainLabConsole(TextWriter.Null));
        Results = ResultsFile.Read(run.ResultsPath)!.AsObject();
    }

    public string Folder { get; }

    public JsonObject Results { get; }

    public void Dispose() => CliProcess.Delete(Folder);
}

public sealed class MnistHyperparametersLabTests(QuickStudyFixture study) : IClassFixture<QuickStudyFixture>
{
    [Fact]
    public void The_published_tables_are_the_notes_and_the_configurations_are_A_to_U()
    {
        Assert.Equal(50000, MnistHyperparametersPublished.ClassCountTable["train"].Sum());
        Assert.Equal(10000, MnistHyperparametersPublished.ClassCountTable["validation"].Sum());
        Assert.Equal(10000, MnistHyperparametersPublished.ClassCountTable["test"].Sum());
        // train + validation = the Keras training-set counts.
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
            MnistHyperparametersPublished.ClassCountTable["train"].Zip(MnistHyperparametersPublished.ClassCountTable["validation"], (a, b) => a + b));
        Assert.Equal("ABCDEFGHIJKLMNOPQRSTU", string.Concat(HyperparameterConfig.Lettered.Select(c => c.Name)));
        Assert.Equal(21, MnistHyperparametersPublished.Configurations.Count);
        // The course's parameter counts follow from the layer sizes.
        foreach (var (name, count) in MnistHyperparametersPublished.ParameterCounts)
        {
            Assert.Equal(count, HyperparameterConfig.Lettered.Single(c => c.Name == name).Parameters);
        }

        Assert.Equal([0.000902, 1.000000, 0.093322, 0.979300, 0.086790, 0.979700], MnistHyperparametersPublished.Configurations["B"]);
        Assert.Equal(0.9655, MnistHyperparametersPublished.Configurations["J"][5], 4);
        var u = HyperparameterTraining.Build(HyperparameterConfig.Lettered.Single(c => c.Name == "U"), 1);
        u.Build(new Shape(784));
        Assert.Equal(795010 + 4000, u.CountParams());
    }

    [Fact]
    public void A_quick_run_reports_every_configuration_against_the_course_and_the_printed_example_exactly()
    {
        var results = study.Results["results"]!.AsObject();
        foreach (var config in HyperparameterConfig.Lettered)
        {
            double accuracy = results[$"config.{config.Name}.val_accuracy"]!.GetValue<double>();
            Assert.InRange(accuracy, 0, 1);
            Assert.Equal(config.Parameters, results[$"config.{config.Name}.parameters"]!.GetValue<double>());
        }

        var published = study.Results["published"]!.AsArray();
        Assert.Equal(MnistHyperparametersPublished.All.Count, published.Count);
        string Verdict(string quantity) => published.Single(r => r!["quantity"]!.GetValue<string>() == quantity)!["verdict"]!.GetValue<string>();
        Assert.Equal("matches", Verdict("[100, 100] example (L1L2, Dropout, BN): total params"));
        Assert.Equal("matches", Verdict("[100, 100] example: non-trainable params"));
        Assert.Equal("matches", Verdict("N: parameters"));
        if (study.Results["data_folder"]!.ToString().Contains("mnist", StringComparison.OrdinalIgnoreCase) || results["data.class_counts"]!["train"]!.AsArray().Sum(n => n!.GetValue<int>()) == 50000)
        {
            Assert.Equal("matches", Verdict("class count, train, digit 1"));
            Assert.Equal("matches", Verdict("class count, test, digit 9"));
        }

        Assert.True(study.Results["study_complete"]!.GetValue<bool>());
    }

    [Fact]
    public void Shards_0_to_2_of_3_merged_give_the_unsharded_report_bit_for_bit()
    {
        string folder = Path.Combine(study.Folder, "shards");
        var stores = new List<string>();
        var trained = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            string store = Path.Combine(folder, $"shard-{i}.db");
            stores.Add(store);
            var run = LabRunner.Run(new MnistHyperparametersLab(), new LabRunOptions(Seed: 42, Quick: true, Threads: 1, OutputDirectory: Path.Combine(folder, $"out-{i}"),
                Store: store, Shard: new Shard(i, 3)), new PlainLabConsole(TextWriter.Null));
            var shard = ResultsFile.Read(run.ResultsPath)!.AsObject();
            Assert.False(shard["study_complete"]!.GetValue<bool>());
            Assert.Empty(shard["published"]!.AsArray());
            trained.Add(shard["results"]!["shard.trials_trained"]!.GetValue<int>());
        }

        int total = study.Results["results"]!.AsObject().Count(kv => kv.Key.StartsWith("config.", StringComparison.Ordinal) && kv.Key.EndsWith(".val_accuracy", StringComparison.Ordinal))
            + (2 * 3 * MnistHyperparametersLab.QuickRepetitions);
        Assert.Equal(total, trained.Sum());
        Assert.All(trained, n => Assert.True(n > 0));

        string merged = Path.Combine(folder, "all.db");
        var result = RunStore.Merge(stores, merged);
        Assert.Equal(total + 3, result.Added);
        var report = LabRunner.Run(new MnistHyperparametersLab(), new LabRunOptions(Seed: 42, Quick: true, Threads: 1, OutputDirectory: Path.Combine(folder, "report"),
            Store: merged, ReportOnly: true), new PlainLabConsole(TextWriter.Null));
        AssertSameFigures(study.Results, ResultsFile.Read(report.ResultsPath)!.AsObject());

        // Report-only never trains: a store without the trials is an error that names them.
        var e = Assert.Throws<RunStoreException>(() => LabRunner.Run(new MnistHyperparametersLab(),
            new LabRunOptions(Seed: 43, Quick: true, OutputDirectory: Path.Combine(folder, "report-43"), Store: merged, ReportOnly: true), new PlainLabConsole(TextWriter.Null)));
        Assert.Contains("lacks", e.Message, StringComparison.Ordinal);
        Assert.Contains("stage1/h50/lr0.001/rep1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_killed_mid_trial_and_run_again_finishes_with_the_uninterrupted_figures()
    {
        string folder = Path.Combine(study.Folder, "kill");
        Directory.CreateDirectory(folder);
        string db = Path.Combine(folder, "kill.db");
        int finishedBeforeKill = 0;
        for (int attempt = 0; attempt < 10 && finishedBeforeKill == 0; attempt++)
        {
            File.Delete(db);
            finishedBeforeKill = KillMidTrial(db, Path.Combine(folder, $"killed-{attempt}"));
        }

        Assert.True(finishedBeforeKill > 0, "no kill landed mid-trial in 10 attempts");
        using (var store = RunStore.Open(db))
        {
            var trials = store.List(kind: "trial");
            Assert.Equal(finishedBeforeKill, trials.Count(t => t.Status == RunStatus.Finished));
            var killed = Assert.Single(trials, t => t.Status == RunStatus.Running);
            Assert.Equal(RunStatus.Interrupted, killed.DisplayStatus);
        }

        var (code, output, error) = CliProcess.Run(null, "lab", "run", "mnist-hyperparameters", "--quick", "--threads", "1", "--store", db, "--out", Path.Combine(folder, "resumed"));
        Assert.True(code == 0, output + error);
        Assert.Contains($"({finishedBeforeKill} from the store)", output, StringComparison.Ordinal);
        var resumed = ResultsFile.Read(Path.Combine(folder, "resumed", "results.json"))!.AsObject();
        AssertSameFigures(study.Results, resumed);

        // A third run trains nothing: every trial is in the store.
        (code, output, error) = CliProcess.Run(null, "lab", "run", "mnist-hyperparameters", "--quick", "--threads", "1", "--store", db, "--out", Path.Combine(folder, "again"));
        Assert.True(code == 0, output + error);
        Assert.DoesNotContain("to train", output, StringComparison.Ordinal);
    }

    /// <summary>Starts the study as a separate process and SIGKILLs it while a trial runs, after at least one trial
    /// finished; returns how many had finished, or 0 when the process ended before a kill could land or the kill
    /// landed between two trials.</summary>
    private static int KillMidTrial(string db, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { CliProcess.Dll, "lab", "run", "mnist-hyperparameters", "--quick", "--threads", "1", "--store", db, "--out", output })
        {
            start.ArgumentList.Add(arg);
        }

        CliProcess.Configure(start, null);
        using var child = Process.Start(start)!;
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (File.Exists(db))
            {
                using var store = RunStore.Open(db);
                var trials = store.List(kind: "trial");
                int finished = trials.Count(t => t.Status == RunStatus.Finished);
                // Kill once a few trials are done and the next has begun.
                if (finished >= 3 && trials.Any(t => t.Status == RunStatus.Running))
                {
                    child.Kill();
                    child.WaitForExit();
                    using var after = RunStore.Open(db);
                    var left = after.List(kind: "trial");
                    // On a fast machine the kill can land between two trials (the one seen running has finished, the
                    // next not begun): that is not a kill mid-trial, so the caller tries again.
                    return left.Count(t => t.Status == RunStatus.Running) == 1 ? left.Count(t => t.Status == RunStatus.Finished) : 0;
                }
            }

            Thread.Sleep(5);
        }

        if (!child.HasExited)
        {
            child.Kill(entireProcessTree: true);
        }

        return 0;
    }

    /// <summary>Every figure and comparison of two runs of the study, bit for bit; only wall times (the timing.* figures,
    /// the time-per-epoch comparisons) and where the run happened may differ.</summary>
    internal static void AssertSameFigures(JsonObject expected, JsonObject actual)
    {
        static JsonObject Figures(JsonObject root)
        {
            var results = root["results"]!.AsObject().Where(kv => !kv.Key.StartsWith("timing.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
            var published = root["published"]!.AsArray().Where(r => !r!["quantity"]!.GetValue<string>().StartsWith("seconds per epoch", StringComparison.Ordinal))
                .Select(r => r!.DeepClone()).ToArray();
            return new JsonObject
            {
                ["results"] = new JsonObject(results),
                ["published"] = new JsonArray(published),
                ["config"] = root["config"]!.DeepClone(),
                ["headlines"] = root["headlines"]!.DeepClone(),
            };
        }

        var a = Figures(expected);
        var b = Figures(actual);
        foreach (var (key, value) in a["results"]!.AsObject())
        {
            Assert.True(JsonNode.DeepEquals(value, b["results"]![key]), $"results.{key}: {value?.ToJsonString()} vs {b["results"]![key]?.ToJsonString()}");
        }

        Assert.True(JsonNode.DeepEquals(a, b), "the two runs' results.json differ beyond their timings");
    }
}
