using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Backprop.Labs;
using Backprop.Labs.Store;
using Backprop.Plots;

namespace Backprop.Cli;

/// <summary><c>backprop runs list | show | compare | export | merge</c>: what the run store recorded.</summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var runs = new Command("runs", "The run store: every lab run and every trial of a study, with its config, status, metrics and files.");

        var list = new Command("list", "List recorded runs, newest first.");
        var listStore = StoreOption();
        var lab = new Option<string?>("--lab") { Description = "Only runs of this lab.", HelpName = "name" };
        var status = new Option<string?>("--status") { Description = "Only runs with this status: running, finished, failed or interrupted (killed).", HelpName = "status" };
        status.AcceptOnlyFromAmong(RunStatus.Running, RunStatus.Finished, RunStatus.Failed, RunStatus.Interrupted);
        var kind = new Option<string?>("--kind") { Description = "Only lab runs (lab) or study trials (trial).", HelpName = "kind" };
        kind.AcceptOnlyFromAmong("lab", "trial");
        list.Options.Add(listStore);
        list.Options.Add(lab);
        list.Options.Add(status);
        list.Options.Add(kind);
        list.SetAction(parse => WithStore(parse.GetValue(listStore), error, store =>
        {
            var found = store.List(parse.GetValue(lab), parse.GetValue(status), parse.GetValue(kind));
            if (found.Count == 0)
            {
                output.WriteLine($"no runs in {store.Path}{Filters(parse.GetValue(lab), parse.GetValue(status))}.");
                return BackpropCommand.Success;
            }

            var rows = found.Select(r => (IReadOnlyList<string>)
            [
                r.Id.ToString(CultureInfo.InvariantCulture), r.Lab, r.TrialKey ?? "(lab run)", r.DisplayStatus, r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                r.Duration is { } d ? d.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "", r.Shard ?? "", r.Host ?? "",
            ]).ToList();
            Write(output, $"{found.Count} runs in {store.Path}", ["id", "lab", "trial", "status", "started (UTC)", "seconds", "shard", "host"], rows);
            return BackpropCommand.Success;
        }));
        runs.Subcommands.Add(list);

        var show = new Command("show", "Everything recorded about one run.");
        var showStore = StoreOption();
        var showId = new Argument<string>("id") { Description = "The run's id (from 'runs list') or uid." };
        show.Options.Add(showStore);
        show.Arguments.Add(showId);
        show.SetAction(parse => WithStore(parse.GetValue(showStore), error, store =>
        {
            var run = Find(store, parse.GetValue(showId)!);
            output.WriteLine($"run {run.Id} ({run.Uid})");
            foreach (var (key, value) in Describe(run))
            {
                output.WriteLine($"  {key,-14} {value}");
            }

            output.WriteLine("  config");
            foreach (string line in PrettyJson(run.Config).Split('\n'))
            {
                output.WriteLine("    " + line);
            }

            if (run.FinalMetrics.Count > 0)
            {
                Write(output, "final metrics", ["metric", "value"], run.FinalMetrics.Select(kv => (IReadOnlyList<string>)[kv.Key, Number(kv.Value)]).ToList());
            }

            var epochs = store.Epochs(run.Id);
            foreach (var (series, byName) in epochs)
            {
                int count = byName.Values.Max(v => v.Count);
                var names = byName.Keys.Order(StringComparer.Ordinal).ToList();
                var rows = Enumerable.Range(0, count).Select(e => (IReadOnlyList<string>)[(e + 1).ToString(CultureInfo.InvariantCulture), .. names.Select(n => e < byName[n].Count ? Number(byName[n][e]) : "")]).ToList();
                Write(output, series.Length == 0 ? "per epoch" : $"per epoch: {series}", ["epoch", .. names], rows);
            }

            foreach (string artefact in run.Artefacts)
            {
                output.WriteLine($"  file: {artefact}");
            }

            return BackpropCommand.Success;
        }));
        runs.Subcommands.Add(show);

        var compare = new Command("compare", "Set runs side by side: a table of their final metrics, and an HTML page with their learning curves overlaid.");
        var compareStore = StoreOption();
        var compareIds = new Argument<string[]>("ids") { Description = "Two or more run ids.", Arity = ArgumentArity.OneOrMore };
        var html = new Option<string?>("--html") { Description = "Where to write the HTML page (default runs-compare-<ids>.html).", HelpName = "file" };
        compare.Options.Add(compareStore);
        compare.Options.Add(html);
        compare.Arguments.Add(compareIds);
        compare.SetAction(parse => WithStore(parse.GetValue(compareStore), error, store =>
        {
            var chosen = (parse.GetValue(compareIds) ?? []).Select(id => Find(store, id)).ToList();
            string Label(StoredRun r) => $"#{r.Id} {r.TrialKey ?? r.Lab}";
            var names = chosen.SelectMany(r => r.FinalMetrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            var rows = names.Select(n => (IReadOnlyList<string>)[n, .. chosen.Select(r => r.FinalMetrics.TryGetValue(n, out double v) ? Number(v) : "")]).ToList();
            Write(output, "final metrics", ["metric", .. chosen.Select(Label)], rows);

            var report = new Report("runs compared: " + string.Join(", ", chosen.Select(r => "#" + r.Id)));
            report.Table(["", .. chosen.Select(Label)], Describe(chosen[0]).Select(kv => kv.Key).Select(key =>
                (IReadOnlyList<object?>)[key, .. chosen.Select(r => (object?)Describe(r).First(d => d.Key == key).Value)]), "runs");
            report.Table(["metric", .. chosen.Select(Label)], names.Select(n =>
                (IReadOnlyList<object?>)[n, .. chosen.Select(r => r.FinalMetrics.TryGetValue(n, out double v) ? (object?)v : null)]), "final metrics");
            var curves = chosen.SelectMany(r => store.Epochs(r.Id).SelectMany(s => s.Value.Select(m => (Run: r, Series: s.Key, Metric: m.Key, Values: m.Value)))).ToList();
            foreach (var metric in curves.GroupBy(c => c.Metric).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var overlay = metric.Where(c => c.Values.Any(double.IsFinite)).ToDictionary(
                    c => Label(c.Run) + (c.Series.Length > 0 ? " " + c.Series : ""), c => (IReadOnlyList<double>)c.Values);
                if (overlay.Count > 0)
                {
                    report.Image(Charts.OverlayCurves(overlay, metric.Key, metric.Key), $"{metric.Key} per epoch, runs overlaid");
                }
            }

            string path = parse.GetValue(html) ?? $"runs-compare-{string.Join('-', chosen.Select(r => r.Id))}.html";
            report.Save(path);
            output.WriteLine($"comparison page written to {path}");
            return BackpropCommand.Success;
        }));
        runs.Subcommands.Add(compare);

        var export = new Command("export", "Write a run (by id) or every run of a lab as CSV (one row per metric value) or JSON.");
        var exportStore = StoreOption();
        var what = new Argument<string>("run-or-lab") { Description = "A run id, or a lab's name for all its runs." };
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv", HelpName = "format" };
        format.AcceptOnlyFromAmong("csv", "json");
        var exportOut = new Option<string?>("--output") { Description = "The file to write (default: standard output).", HelpName = "file" };
        export.Options.Add(exportStore);
        export.Options.Add(format);
        export.Options.Add(exportOut);
        export.Arguments.Add(what);
        export.SetAction(parse => WithStore(parse.GetValue(exportStore), error, store =>
        {
            string target = parse.GetValue(what)!;
            var chosen = long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? [Find(store, target)] : store.List(lab: target).OrderBy(r => r.Id).ToList();
            if (chosen.Count == 0)
            {
                throw new RunStoreException($"{store.Path}: no runs of lab '{target}' (and it is not a run id).");
            }

            string text = parse.GetValue(format) == "json" ? ExportJson(store, chosen) : ExportCsv(store, chosen);
            if (parse.GetValue(exportOut) is { } file)
            {
                File.WriteAllText(file, text);
                output.WriteLine($"{chosen.Count} runs written to {file}");
            }
            else
            {
                output.Write(text);
            }

            return BackpropCommand.Success;
        }));
        runs.Subcommands.Add(export);

        var merge = new Command("merge", "Merge run stores (e.g. one per shard) into one. The same trial twice is kept once if identical, else an error naming it.");
        var sources = new Argument<string[]>("stores") { Description = "The stores to merge.", Arity = ArgumentArity.OneOrMore };
        var into = new Option<string>("--into") { Description = "The store to merge into (created if missing).", Required = true, HelpName = "file" };
        merge.Arguments.Add(sources);
        merge.Options.Add(into);
        merge.SetAction(parse =>
        {
            try
            {
                var result = RunStore.Merge(parse.GetValue(sources) ?? [], parse.GetValue(into)!);
                output.WriteLine($"merged into {parse.GetValue(into)}: {result.Added} runs added, {result.Duplicates} identical trials already there, {result.AlreadyPresent} runs merged before.");
                return BackpropCommand.Success;
            }
            catch (RunStoreException e)
            {
                error.WriteLine($"backprop: {e.Message}");
                return BackpropCommand.LabFailed;
            }
        });
        runs.Subcommands.Add(merge);
        return runs;
    }

    /// <summary>The <c>--store</c> option: the run store file (default <c>BACKPROP_STORE</c>, else <c>~/.backprop/runs.db</c>).</summary>
    public static Option<string?> StoreOption() => new("--store")
    {
        Description = "The run store file (default: BACKPROP_STORE, else ~/.backprop/runs.db).",
        HelpName = "file",
    };

    private static int WithStore(string? path, TextWriter error, Func<RunStore, int> action)
    {
        string file = path ?? RunStore.DefaultPath;
        if (!File.Exists(file))
        {
            error.WriteLine($"backprop: {file}: no run store there yet (a 'lab run' creates it; choose another with --store).");
            return BackpropCommand.UsageError;
        }

        try
        {
            using var store = RunStore.Open(file);
            return action(store);
        }
        catch (RunStoreException e)
        {
            error.WriteLine($"backprop: {e.Message}");
            return BackpropCommand.LabFailed;
        }
    }

    private static StoredRun Find(RunStore store, string id) =>
        store.Get(id) ?? throw new RunStoreException($"{store.Path}: no run '{id}' (see 'backprop runs list').");

    private static string Filters(string? lab, string? status) =>
        (lab is null ? "" : $" of lab {lab}") + (status is null ? "" : $" with status {status}");

    private static IEnumerable<KeyValuePair<string, string>> Describe(StoredRun run)
    {
        yield return new("lab", run.Lab);
        yield return new("kind", run.Kind);
        yield return new("trial", run.TrialKey ?? "");
        yield return new("status", run.DisplayStatus);
        yield return new("error", run.Error ?? "");
        yield return new("seed", run.Seed?.ToString(CultureInfo.InvariantCulture) ?? "");
        yield return new("started", run.StartedAt.ToString("O", CultureInfo.InvariantCulture));
        yield return new("ended", run.EndedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "");
        yield return new("shard", run.Shard ?? "");
        yield return new("host", $"{run.Host} (pid {run.Pid})");
        yield return new("config hash", run.ConfigHash);
        yield return new("timing", Compact(run.Timing));
        yield return new("machine", Compact(run.Machine));
        yield return new("versions", Compact(run.Versions));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Compact(string? json)
    {
        if (json is null)
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, s_compact);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static readonly JsonSerializerOptions s_compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string PrettyJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, ResultsFile.Options);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static void Write(TextWriter output, string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        foreach (string line in TextTable.Plain(title, headers, rows))
        {
            output.WriteLine(line);
        }
    }

    private static string ExportJson(RunStore store, IReadOnlyList<StoredRun> runs)
    {
        var records = runs.Select(r => new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = r.Id,
            ["uid"] = r.Uid,
            ["lab"] = r.Lab,
            ["kind"] = r.Kind,
            ["trial_key"] = r.TrialKey,
            ["status"] = r.DisplayStatus,
            ["error"] = r.Error,
            ["seed"] = r.Seed,
            ["started_at"] = r.StartedAt,
            ["ended_at"] = r.EndedAt,
            ["host"] = r.Host,
            ["shard"] = r.Shard,
            ["config"] = JsonDocument.Parse(r.Config).RootElement,
            ["config_hash"] = r.ConfigHash,
            ["final_metrics"] = r.FinalMetrics,
            ["epochs"] = store.Epochs(r.Id),
            ["artefacts"] = r.Artefacts,
            ["timing"] = r.Timing is null ? null : JsonDocument.Parse(r.Timing).RootElement,
            ["machine"] = r.Machine is null ? null : JsonDocument.Parse(r.Machine).RootElement,
            ["versions"] = r.Versions is null ? null : JsonDocument.Parse(r.Versions).RootElement,
        }).ToList();
        return ResultsFile.Serialize(records) + "\n";
    }

    private static string ExportCsv(RunStore store, IReadOnlyList<StoredRun> runs)
    {
        var text = new StringBuilder("run_id,uid,lab,kind,trial_key,status,seed,started_at,ended_at,series,epoch,metric,value\n");
        foreach (var run in runs)
        {
            string prefix = string.Join(',', new[]
            {
                run.Id.ToString(CultureInfo.InvariantCulture), run.Uid, run.Lab, run.Kind, run.TrialKey ?? "", run.DisplayStatus,
                run.Seed?.ToString(CultureInfo.InvariantCulture) ?? "", run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                run.EndedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
            }.Select(Csv));
            foreach (var (name, value) in run.FinalMetrics)
            {
                text.Append(prefix).Append(",final,,").Append(Csv(name)).Append(',').Append(Number(value)).Append('\n');
            }

            foreach (var (series, byName) in store.Epochs(run.Id))
            {
                foreach (var (name, values) in byName)
                {
                    for (int epoch = 0; epoch < values.Count; epoch++)
                    {
                        text.Append(prefix).Append(',').Append(Csv(series.Length == 0 ? "epoch" : series)).Append(',')
                            .Append((epoch + 1).ToString(CultureInfo.InvariantCulture)).Append(',').Append(Csv(name)).Append(',').Append(Number(values[epoch])).Append('\n');
                    }
                }
            }
        }

        return text.ToString();
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
