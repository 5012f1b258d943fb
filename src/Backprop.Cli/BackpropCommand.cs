using System.CommandLine;
using Backprop.Labs;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>The <c>backprop</c> command line: <c>lab list</c> and <c>lab run &lt;name&gt;… | all</c>.</summary>
public static class BackpropCommand
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Backprop: build, train and understand multilayer perceptrons. Runs the course labs and writes their reports.");
        var lab = new Command("lab", "Course experiments, each reproduced with one command.");
        root.Subcommands.Add(lab);

        var list = new Command("list", "List the labs with one line each.");
        list.SetAction(_ =>
        {
            int width = LabCatalog.All.Count == 0 ? 0 : LabCatalog.All.Max(l => l.Name.Length);
            foreach (var l in LabCatalog.All)
            {
                output.WriteLine($"{l.Name.PadRight(width)}  {l.Summary}");
            }

            return 0;
        });
        lab.Subcommands.Add(list);

        var names = new Argument<string[]>("names") { Description = "Labs to run (see 'backprop lab list'), or 'all'.", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string?>("--out") { Description = "Run folder (default runs/<lab>-<timestamp>; with several labs, one subfolder per lab)." };
        var seedOption = new Option<int>("--seed") { Description = "Seed for every random choice of the run.", DefaultValueFactory = _ => 42 };
        var threadsOption = new Option<int?>("--threads") { Description = "Threads for the kernels (default: all cores)." };
        var quickOption = new Option<bool>("--quick") { Description = "A reduced but honest version for smoke tests (fewer epochs or repetitions), said in the report." };
        var dataOption = new Option<string?>("--data") { Description = "Folder holding data sets (else BACKPROP_DATA, else ~/.backprop/datasets)." };
        threadsOption.Validators.Add(r =>
        {
            if (r.GetValue(threadsOption) is int t && (t < 1 || t > 256))
            {
                r.AddError($"--threads must be between 1 and 256; got {t}.");
            }
        });

        var run = new Command("run", "Run one or more labs and write report.html and results.json for each.");
        run.Arguments.Add(names);
        run.Options.Add(outOption);
        run.Options.Add(seedOption);
        run.Options.Add(threadsOption);
        run.Options.Add(quickOption);
        run.Options.Add(dataOption);
        run.SetAction(parse =>
        {
            var requested = parse.GetValue(names) ?? [];
            var labs = new List<ILab>();
            foreach (string name in requested)
            {
                if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase))
                {
                    labs.AddRange(LabCatalog.All);
                    continue;
                }

                var found = LabCatalog.Find(name);
                if (found is null)
                {
                    error.WriteLine($"backprop: unknown lab '{name}'. Known labs: {string.Join(", ", LabCatalog.All.Select(l => l.Name))}.");
                    return 2;
                }

                labs.Add(found);
            }

            string? data = parse.GetValue(dataOption);
            if (data is not null && !Directory.Exists(data))
            {
                error.WriteLine($"backprop: data folder '{data}' does not exist.");
                return 2;
            }

            string? outDir = parse.GetValue(outOption);
            bool oneFolderPerLab = labs.Count > 1 || requested.Any(n => string.Equals(n, "all", StringComparison.OrdinalIgnoreCase));
            var console = CreateConsole(output);
            foreach (var l in labs.Distinct())
            {
                string? labOut = outDir is null ? null : oneFolderPerLab ? Path.Combine(outDir, l.Name) : outDir;
                var options = new LabRunOptions(parse.GetValue(seedOption), parse.GetValue(quickOption), parse.GetValue(threadsOption), labOut, data);
                try
                {
                    var result = LabRunner.Run(l, options, console);
                    output.WriteLine($"{l.Name}: report written to {result.ReportPath} ({result.Elapsed.TotalSeconds:F1} s)");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or InvalidDataException)
                {
                    error.WriteLine($"backprop: lab '{l.Name}' failed: {e.Message}");
                    return 1;
                }
            }

            return 0;
        });
        lab.Subcommands.Add(run);
        return root;
    }

    /// <summary>Rich output (tables, live progress bars) on a terminal; plain lines when redirected, so CI logs stay readable.</summary>
    private static ILabConsole CreateConsole(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new SpectreLabConsole(AnsiConsole.Console)
            : new PlainLabConsole(output);
}
