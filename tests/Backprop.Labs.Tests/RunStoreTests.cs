using System.Diagnostics;
using Backprop.Cli;
using Backprop.Labs.Store;
using Backprop.Labs.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Backprop.Labs.Tests;

public sealed class RunStoreTests : IDisposable
{
    private readonly string _folder = CliProcess.TempFolder("store");

    public RunStoreTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => CliProcess.Delete(_folder);

    private string Db(string name) => Path.Combine(_folder, name);

    [Fact]
    public void A_run_round_trips_with_its_config_metrics_epochs_and_files_bit_for_bit()
    {
        var random = new System.Random(7);
        var metrics = new Dictionary<string, double> { ["a"] = random.NextDouble(), ["tiny"] = 1e-300, ["nan"] = double.NaN, ["inf"] = double.PositiveInfinity, ["third"] = 1.0 / 3 };
        var epochs = new EpochSeries();
        var loss = Enumerable.Range(0, 33).Select(_ => random.NextDouble() * 1e3).ToArray();
        loss[5] = double.NaN;
        for (int e = 0; e < loss.Length; e++)
        {
            epochs.Add("", e, new Dictionary<string, double> { ["loss"] = loss[e] });
            epochs.Add("(b) training", e, new Dictionary<string, double> { ["mae"] = -loss[e] });
        }

        long id;
        using (var store = RunStore.Open(Db("r.db")))
        {
            Assert.Equal(RunStoreSchema.CurrentVersion, store.SchemaVersion);
            id = store.Begin(new RunStart("lab-x", "trial", "k/1", "{\"lr\":0.01}", 42, "1/3"));
            Assert.Equal(RunStatus.Running, store.Get(id.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Status);
            store.Finish(id, metrics, epochs, ["/tmp/report.html"], new { seconds = 1.5 });
            long failed = store.Begin(new RunStart("lab-x", "lab", null, "{}", 1));
            store.Fail(failed, "boom: the data folder is gone");
        }

        using (var store = RunStore.Open(Db("r.db")))
        {
            var run = store.Get(id.ToString(System.Globalization.CultureInfo.InvariantCulture))!;
            Assert.Equal(("lab-x", "trial", "k/1", "{\"lr\":0.01}", 42L, RunStatus.Finished, "1/3"), (run.Lab, run.Kind, run.TrialKey, run.Config, run.Seed, run.Status, run.Shard));
            Assert.Equal(RunStore.Hash("{\"lr\":0.01}"), run.ConfigHash);
            Assert.Equal(Environment.MachineName, run.Host);
            Assert.NotNull(run.EndedAt);
            Assert.Contains("ProcessorCount", run.Machine, StringComparison.Ordinal);
            Assert.Contains("Backprop", run.Versions, StringComparison.Ordinal);
            Assert.Equal(["/tmp/report.html"], run.Artefacts);
            foreach (var (name, value) in metrics)
            {
                Assert.Equal(double.IsNaN(value) ? 1 : BitConverter.DoubleToInt64Bits(value), double.IsNaN(run.FinalMetrics[name]) ? 1 : BitConverter.DoubleToInt64Bits(run.FinalMetrics[name]));
            }

            var read = store.Epochs(id);
            // SQLite keeps NaN as NULL, which reads back as NaN (not necessarily the same NaN bits).
            static long Bits(double v) => double.IsNaN(v) ? 1 : BitConverter.DoubleToInt64Bits(v);
            Assert.Equal(loss.Select(Bits), read[""]["loss"].Select(Bits));
            Assert.Equal(loss.Select(v => Bits(-v)), read["(b) training"]["mae"].Select(Bits));
            var failed = Assert.Single(store.List(status: RunStatus.Failed));
            Assert.Equal("boom: the data folder is gone", failed.Error);
            Assert.Equal(2, store.List(lab: "lab-x").Count);
            Assert.Empty(store.List(lab: "other"));
            Assert.Equal(run.Id, store.Get(run.Uid[..8])!.Id);
            Assert.Equal(run.Id, store.FindFinishedTrial("lab-x", "k/1", "{\"lr\":0.01}")!.Id);
            Assert.Null(store.FindFinishedTrial("lab-x", "k/1", "{\"lr\":0.1}"));
        }
    }

    [Fact]
    public void A_uid_prefix_of_digits_only_finds_its_run_and_a_number_that_is_an_id_finds_that_run()
    {
        using var store = RunStore.Open(Db("digits.db"));
        StoredRun? digits = null;
        // About one uid in 40 starts with 8 decimal digits: make runs until one does.
        for (int i = 0; i < 2000 && digits is null; i++)
        {
            long id = store.Begin(new RunStart("lab-d", "lab", null, "{}", i));
            var run = store.Get(id.ToString(System.Globalization.CultureInfo.InvariantCulture))!;
            Assert.Equal(id, run.Id);
            if (run.Uid[..8].All(char.IsAsciiDigit))
            {
                digits = run;
            }
        }

        Assert.NotNull(digits);
        Assert.Equal(digits.Id, store.Get(digits.Uid[..8])!.Id);
        Assert.Equal(digits.Id, store.Get(digits.Uid)!.Id);
        Assert.Equal(1, store.Get("1")!.Id);
        Assert.Null(store.Get("999999999"));
    }

    [Fact]
    public void A_store_of_the_first_schema_version_is_migrated_forward_and_keeps_its_runs()
    {
        using (RunStore.Open(Db("v1.db"), schemaVersion: 1))
        {
        }

        using (var raw = new SqliteConnection($"Data Source={Db("v1.db")};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = """
                INSERT INTO runs(uid, lab, kind, trial_key, config, config_hash, seed, status, started_at, ended_at, final_metrics)
                VALUES ('0123456789abcdef', 'old-lab', 'trial', 't/1', '{}', 'h', 3, 'finished', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00', '{"acc":0.5}');
                INSERT INTO epoch_metrics(run_id, series, epoch, name, value) VALUES (1, '', 0, 'loss', 2.5);
                """;
            command.ExecuteNonQuery();
            command.CommandText = "SELECT max(version) FROM schema_migrations";
            Assert.Equal(1L, command.ExecuteScalar());
        }

        using var store = RunStore.Open(Db("v1.db"));
        Assert.Equal(2, store.SchemaVersion);
        var old = store.Get("1")!;
        Assert.Equal(("old-lab", "t/1", 0.5, (string?)null, (string?)null), (old.Lab, old.TrialKey, old.FinalMetrics["acc"], old.Shard, old.Timing));
        Assert.Equal([2.5], store.Epochs(1)[""]["loss"]);
        long id = store.Begin(new RunStart("new-lab", "lab", null, "{}", 1, "0/2"));
        store.Finish(id, new Dictionary<string, double>(), timing: new { seconds = 2 });
        Assert.Equal("0/2", store.Get(id.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Shard);
    }

    [Fact]
    public void A_store_from_a_newer_Backprop_is_refused_with_a_clear_message()
    {
        using (RunStore.Open(Db("new.db")))
        {
        }

        using (var raw = new SqliteConnection($"Data Source={Db("new.db")};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations(version, description, applied_at) VALUES (99, 'from the future', 'x')";
            command.ExecuteNonQuery();
        }

        var e = Assert.Throws<RunStoreException>(() => RunStore.Open(Db("new.db")));
        Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
        Assert.Contains("newer Backprop", e.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {RunStoreSchema.CurrentVersion}", e.Message, StringComparison.Ordinal);

        File.WriteAllText(Db("text.db"), "this is not a database, just some text that is long enough to have a header......................");
        Assert.Contains("not a run store", Assert.Throws<RunStoreException>(() => RunStore.Open(Db("text.db"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_processes_writing_one_store_at_once_lose_nothing()
    {
        const int perProcess = 150;
        string db = Db("shared.db");
        string go = Db("go");
        var children = new[] { "left", "right" }.Select(tag =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(ChildPath());
            start.ArgumentList.Add(db);
            start.ArgumentList.Add(perProcess.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(tag);
            start.ArgumentList.Add(go);
            return Process.Start(start)!;
        }).ToList();
        // Both writers have the store open before either writes, so they really write at the same time.
        var ready = Stopwatch.StartNew();
        while (!(File.Exists(go + ".left") && File.Exists(go + ".right")) && ready.Elapsed < TimeSpan.FromMinutes(2) && !children.Any(c => c.HasExited))
        {
            Thread.Sleep(5);
        }

        File.WriteAllText(go, "go");
        foreach (var child in children)
        {
            string output = child.StandardOutput.ReadToEnd();
            string error = child.StandardError.ReadToEnd();
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(3)), "a writer did not finish");
            Assert.True(child.ExitCode == 0, $"writer failed: {output} {error}");
            child.Dispose();
        }

        using var store = RunStore.Open(db);
        var runs = store.List(lab: "writers");
        Assert.Equal(2 * perProcess, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Status));
        foreach (string tag in new[] { "left", "right" })
        {
            Assert.Equal(Enumerable.Range(0, perProcess).Select(i => $"{tag}/{i}").Order(StringComparer.Ordinal),
                runs.Where(r => r.TrialKey!.StartsWith(tag, StringComparison.Ordinal)).Select(r => r.TrialKey!).Order(StringComparer.Ordinal));
        }

        // The two processes' runs interleave (they really wrote at the same time), and every epoch is there.
        var order = runs.OrderBy(r => r.Id).Select(r => r.TrialKey![0]).ToList();
        Assert.True(order.Zip(order.Skip(1)).Count(p => p.First != p.Second) > 1, "the writers did not overlap");
        foreach (var run in runs)
        {
            int i = int.Parse(run.TrialKey!.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(i, run.FinalMetrics["i"]);
            Assert.Equal(5, store.Epochs(run.Id)[""]["loss"].Count);
        }
    }

    [Fact]
    public void Merging_the_same_trial_with_other_results_fails_naming_the_trial_and_merges_nothing()
    {
        void Write(string db, double accuracy, string key = "config/B")
        {
            using var store = RunStore.Open(Db(db));
            long id = store.Begin(new RunStart("study", "trial", key, "{\"width\":100}", 1));
            store.Finish(id, new Dictionary<string, double> { ["val_accuracy"] = accuracy });
        }

        Write("a.db", 0.9793);
        Write("b.db", 0.9793);
        Write("b.db", 0.5, key: "config/C");
        Write("c.db", 0.9794);

        var merged = RunStore.Merge([Db("a.db"), Db("b.db")], Db("all.db"));
        Assert.Equal((2, 1, 0), (merged.Added, merged.Duplicates, merged.AlreadyPresent));
        // Merged again: the runs already there are known by their uid; the identical trial is again a duplicate.
        Assert.Equal((0, 1, 2), (RunStore.Merge([Db("a.db"), Db("b.db")], Db("all.db")) is var again ? (again.Added, again.Duplicates, again.AlreadyPresent) : default));

        var e = Assert.Throws<RunStoreException>(() => RunStore.Merge([Db("c.db")], Db("all.db")));
        Assert.Contains("trial 'config/B' of lab 'study'", e.Message, StringComparison.Ordinal);
        Assert.Contains("val_accuracy 0.9793 vs 0.9794", e.Message, StringComparison.Ordinal);
        Assert.Contains("c.db", e.Message, StringComparison.Ordinal);
        using (var store = RunStore.Open(Db("all.db")))
        {
            Assert.Equal(2, store.List().Count);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(BackpropCommand.LabFailed, BackpropCommand.Run(["runs", "merge", Db("a.db"), Db("c.db"), "--into", Db("cli.db")], output, error));
        Assert.Contains("trial 'config/B'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_runs_commands_list_show_compare_and_export_what_a_lab_run_recorded()
    {
        string db = Db("cli.db");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, BackpropCommand.Run(["lab", "run", "backprop-step", "--store", db, "--out", Path.Combine(_folder, "o1")], output, error));
        Assert.Equal(0, BackpropCommand.Run(["lab", "run", "backprop-step", "--store", db, "--out", Path.Combine(_folder, "o2"), "--seed", "3"], output, error));

        Assert.Equal(0, Run(out string list, "runs", "list", "--store", db, "--lab", "backprop-step"));
        Assert.Contains("2 runs", list, StringComparison.Ordinal);
        Assert.Contains("finished", list, StringComparison.Ordinal);
        Assert.Equal(0, Run(out string show, "runs", "show", "1", "--store", db));
        Assert.Contains("loss.after", show, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Path.GetFullPath(Path.Combine(_folder, "o1")), "report.html"), show, StringComparison.Ordinal);
        string html = Path.Combine(_folder, "compare.html");
        Assert.Equal(0, Run(out string compare, "runs", "compare", "1", "2", "--store", db, "--html", html));
        Assert.Contains("#1 backprop-step", compare, StringComparison.Ordinal);
        Assert.Contains("<table", File.ReadAllText(html), StringComparison.Ordinal);
        Assert.Equal(0, Run(out string csv, "runs", "export", "backprop-step", "--store", db, "--format", "csv"));
        Assert.StartsWith("run_id,uid,lab,kind,trial_key,status,seed", csv, StringComparison.Ordinal);
        Assert.Contains(",final,,loss.after,", csv, StringComparison.Ordinal);
        Assert.Equal(0, Run(out string json, "runs", "export", "2", "--store", db, "--format", "json"));
        var parsed = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsArray();
        Assert.Equal(3, Assert.Single(parsed)!["seed"]!.GetValue<int>());
        Assert.Equal(BackpropCommand.LabFailed, Run(out _, "runs", "show", "99", "--store", db));
        Assert.Equal(BackpropCommand.UsageError, Run(out _, "runs", "list", "--store", Db("missing.db")));
        Assert.Equal(BackpropCommand.UsageError, BackpropCommand.Run(["lab", "run", "backprop-step", "--shard", "3/3"], output, error));
        Assert.Contains("--shard expects i/n with 0 ≤ i < n", error.ToString(), StringComparison.Ordinal);
    }

    private static int Run(out string output, params string[] args)
    {
        var writer = new StringWriter();
        var error = new StringWriter();
        int code = BackpropCommand.Run(args, writer, error);
        output = writer + error.ToString();
        return code;
    }

    /// <summary>tests/Backprop.StoreChild/bin/&lt;configuration&gt;/net10.0/Backprop.StoreChild.dll, built with the solution.</summary>
    private static string ChildPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        for (var dir = output; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Backprop.StoreChild", "bin", configuration, framework, "Backprop.StoreChild.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Backprop.StoreChild.dll not found: build the solution (dotnet build Backprop.slnx) first.");
    }
}
