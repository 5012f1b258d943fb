using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using Backprop.Labs;
using Spectre.Console;

namespace Backprop.Cli;

/// <summary>The <c>backprop</c> command line: <c>lab list</c>, <c>lab run &lt;name&gt;… | all</c> and
/// <c>export &lt;model&gt; [&lt;onnx&gt;]</c>. Every error is
/// one line on stderr starting with "backprop:", never a stack trace (<c>--verbose</c> adds it): exit code 2 for a
/// command line that cannot run (unknown command, option or lab, a bad value, an unusable --out or --data, a model file
/// that does not exist), 1 when a lab or an export fails (a malformed model file, a layer ONNX cannot express), 130
/// when interrupted.</summary>
public static class BackpropCommand
{
    /// <summary>Exit code of a successful command.</summary>
    public const int Success = 0;

    /// <summary>Exit code when a lab failed while running.</summary>
    public const int LabFailed = 1;

    /// <summary>Exit code when the command line cannot run: bad arguments or an unusable folder.</summary>
    public const int UsageError = 2;

    /// <summary>The command tree, for help and parsing. Use <see cref="Run"/> to execute a command line.</summary>
    /// <param name="output">Where results and help go.</param>
    /// <param name="error">Where errors go.</param>
    public static Command Create(TextWriter output, TextWriter error)
    {
        // A plain command named "backprop" as the root, so help says "backprop" whatever the executable is called
        // (dotnet run, the tool, a test host).
        var root = new Command("backprop", "Backprop: build, train and understand multilayer perceptrons. Runs the course labs and writes their reports.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
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

            return Success;
        });
        lab.Subcommands.Add(list);

        var symbols = new RunSymbols();
        var run = new Command("run", "Run one or more labs and write report.html and results.json for each; every run (and every trial of a study) is recorded in the run store.");
        run.Arguments.Add(symbols.Names);
        foreach (var option in new Option[] { symbols.Out, symbols.Seed, symbols.Threads, symbols.Quick, symbols.Data, symbols.Force, symbols.Subset, symbols.Store, symbols.Shard, symbols.Verbose })
        {
            run.Options.Add(option);
        }

        run.SetAction(parse => RunLabs(parse, symbols, output, error, reportOnly: false));
        lab.Subcommands.Add(run);

        var reportSymbols = new RunSymbols();
        var report = new Command("report", "Build a study lab's report from the trials in a run store (e.g. merged shards), without training.");
        report.Arguments.Add(reportSymbols.Names);
        foreach (var option in new Option[] { reportSymbols.Out, reportSymbols.Seed, reportSymbols.Threads, reportSymbols.Quick, reportSymbols.Data, reportSymbols.Force, reportSymbols.Subset, reportSymbols.Store, reportSymbols.Verbose })
        {
            report.Options.Add(option);
        }

        report.SetAction(parse => RunLabs(parse, reportSymbols, output, error, reportOnly: true));
        lab.Subcommands.Add(report);
        root.Subcommands.Add(RunsCommand.Create(output, error));
        root.Subcommands.Add(ExportCommand.Create(output, error));
        return root;
    }

    /// <summary>Parses and runs a command line; returns the exit code. Parse errors are one line on
    /// <paramref name="error"/> (never the help, never a stack trace).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool verbose = args.Contains("--verbose");
        try
        {
            var root = Create(output, error);
            var parse = root.Parse(args);
            string? problem = Problem(parse);
            if (problem is not null)
            {
                error.WriteLine($"backprop: {problem}");
                return UsageError;
            }

            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Nothing reaches the user as a stack trace unless asked for.
            error.WriteLine($"backprop: {OneLine(e.Message)}");
            if (verbose)
            {
                error.WriteLine(e.ToString());
            }

            return LabFailed;
        }
    }

    private static int RunLabs(ParseResult parse, RunSymbols symbols, TextWriter output, TextWriter error, bool reportOnly)
    {
        bool verbose = parse.GetValue(symbols.Verbose);
        var requested = parse.GetValue(symbols.Names) ?? [];
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
                var known = LabCatalog.All.Select(l => l.Name).ToList();
                string? suggestion = Suggest(name, known);
                error.WriteLine($"backprop: unknown lab '{name}'{(suggestion is null ? "." : $"; did you mean '{suggestion}'?")} Known labs: {string.Join(", ", known)}.");
                return UsageError;
            }

            labs.Add(found);
        }

        labs = labs.Distinct().ToList();
        bool several = labs.Count > 1 || requested.Any(n => string.Equals(n, "all", StringComparison.OrdinalIgnoreCase));
        var shard = parse.GetValue(symbols.Shard);
        if ((shard is not null || reportOnly) && several)
        {
            error.WriteLine($"backprop: {(reportOnly ? "lab report" : "--shard")} works on one study lab at a time; name one lab.");
            return UsageError;
        }

        string? store = StorePath(parse.GetValue(symbols.Store), reportOnly, error, out int storeProblem);
        if (storeProblem != Success)
        {
            return storeProblem;
        }

        var options = new LabRunOptions(parse.GetValue(symbols.Seed), parse.GetValue(symbols.Quick), parse.GetValue(symbols.Threads), parse.GetValue(symbols.Out),
            parse.GetValue(symbols.Data), parse.GetValue(symbols.Force), parse.GetValue(symbols.Subset), store, shard, reportOnly);

        // Everything that can be checked before a lab starts is checked now: the data folder and the run folder.
        try
        {
            DataFolder.Resolve(options.DataDirectory);
            if (options.OutputDirectory is not null)
            {
                RunFolder.Check(options.OutputDirectory, options.Force);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(error, e.Message, e, verbose, UsageError);
        }

        var console = CreateConsole(output);
        using var interrupt = new InterruptHandler(output, error);
        // On a terminal, what a lab writes to Console.Out itself (a Keras log line) goes through the lab console too,
        // so it cannot be glued onto a progress bar. (Plain output needs no detour: it goes to the same writer.)
        var originalOut = Console.Out;
        using var labOut = new LabConsoleWriter(console);
        if (console is SpectreLabConsole)
        {
            Console.SetOut(labOut);
        }

        try
        {
            if (!several)
            {
                var result = LabRunner.Run(labs[0], options, console);
                console.WriteLine($"{labs[0].Name}: report written to {result.ReportPath} ({result.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
                return Success;
            }

            var batch = LabRunner.RunAll(labs, options, console);
            foreach (var done in batch.Completed)
            {
                console.WriteLine($"{done.LabName}: report written to {done.ReportPath} ({done.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
            }

            console.WriteLine($"index of the run: {batch.IndexPath}");
            foreach (var failure in batch.Failed)
            {
                Fail(error, $"lab '{failure.LabName}' failed: {Describe(failure.Error)}", failure.Error, verbose, LabFailed);
            }

            return batch.Failed.Count == 0 ? Success : LabFailed;
        }
        catch (RunFolderException e)
        {
            return Fail(error, e.Message, e, verbose, UsageError);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string lab = several ? "" : $"lab '{labs[0].Name}' failed: ";
            return Fail(error, lab + Describe(e), e, verbose, LabFailed);
        }
        finally
        {
            if (console is SpectreLabConsole)
            {
                labOut.Flush();
                Console.SetOut(originalOut);
            }
        }
    }

    /// <summary>The store a run records into: --store (which must work), else the default (a warning and no recording
    /// when it cannot be opened). <c>lab report</c> needs an existing store.</summary>
    private static string? StorePath(string? given, bool reportOnly, TextWriter error, out int problem)
    {
        problem = Success;
        string path = given ?? Backprop.Labs.Store.RunStore.DefaultPath;
        if (reportOnly && !File.Exists(path))
        {
            error.WriteLine($"backprop: {path}: no run store there; lab report builds a report from the trials a 'lab run --store' (or 'runs merge --into') recorded.");
            problem = UsageError;
            return null;
        }

        try
        {
            using var store = Backprop.Labs.Store.RunStore.Open(path);
            return path;
        }
        catch (Backprop.Labs.Store.RunStoreException e)
        {
            if (given is not null || reportOnly)
            {
                error.WriteLine($"backprop: {OneLine(e.Message)}");
                problem = UsageError;
                return null;
            }

            error.WriteLine($"backprop: warning: this run is not recorded: {OneLine(e.Message)} (choose a store with --store or BACKPROP_STORE).");
            return null;
        }
    }

    /// <summary>The reason of a library exception in one line, with the file when the exception names one.</summary>
    internal static string Describe(Exception e)
    {
        string message = OneLine(e.Message);
        string? file = e switch
        {
            FileNotFoundException notFound => notFound.FileName,
            _ => null,
        };
        return file is not null && !message.Contains(file, StringComparison.Ordinal) ? $"{file}: {message}" : message;
    }

    internal static int Fail(TextWriter error, string message, Exception e, bool verbose, int code)
    {
        error.WriteLine($"backprop: {OneLine(message)}");
        if (verbose)
        {
            error.WriteLine(e.ToString());
        }

        return code;
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The first thing wrong with the command line, as one sentence, or null when it can run.</summary>
    private static string? Problem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string where = CommandPath(parse.CommandResult);

        // An option the command does not know ends up among the lab names or the unmatched tokens.
        var stray = parse.UnmatchedTokens.ToList();
        foreach (var argument in command.Arguments)
        {
            if (parse.GetResult(argument) is { } taken)
            {
                stray.InsertRange(0, taken.Tokens.Select(t => t.Value).Where(v => v.StartsWith('-')));
            }
        }

        foreach (string token in stray)
        {
            if (token.StartsWith('-'))
            {
                var known = command.Options.Where(o => !o.Hidden).Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
                string? suggestion = Suggest(token.Split('=')[0], known);
                return $"unknown option '{token}' for '{where}'" +
                    (suggestion is not null ? $"; did you mean '{suggestion}'?" : known.Count > 0 ? $"; it takes {string.Join(", ", known)}." : ".");
            }

            var subcommands = command.Subcommands.Select(c => c.Name).ToList();
            if (subcommands.Count > 0)
            {
                string? suggestion = Suggest(token, subcommands);
                return $"unknown command '{token}' for '{where}'" + (suggestion is not null ? $"; did you mean '{suggestion}'?" : $"; it has {string.Join(", ", subcommands)}.");
            }

            return $"unexpected argument '{token}' for '{where}'.";
        }

        foreach (var error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case ArgumentResult { Argument.Name: "names" }:
                    return "which lab? Name one or more labs (see 'backprop lab list') or 'all'.";
                case ArgumentResult { Argument.Name: ExportCommand.ModelArgument }:
                case CommandResult missing when missing.Command == command && command.Arguments.Any(a => a.Name == ExportCommand.ModelArgument):
                    return ExportCommand.MissingModel;
                case OptionResult option when option.Tokens.Count == 0 && option.Option is not Option<bool>:
                    return $"{option.Option.Name} expects {ValueKind(option.Option)}; none given.";
                case CommandResult missing when missing.Command.Subcommands.Count > 0:
                    return $"'{CommandPath(missing)}' needs a command: {OneOf(missing.Command.Subcommands.Select(c => c.Name).ToList())} (see '{CommandPath(missing)} --help').";
                case CommandResult missing when missing.Command == command && command.Arguments.Any(a => a.Name == "names"):
                    return "which lab? Name one or more labs (see 'backprop lab list') or 'all'.";
            }

            // Our own parsers' messages are complete sentences already.
            return error.Message.EndsWith('.') ? error.Message : error.Message + ".";
        }

        return null;
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    private static string ValueKind(Option option) => option switch
    {
        Option<int> or Option<int?> => "a whole number",
        { Name: "--shard" } => "i/n (shard i of n, from 0)",
        { Name: "--store" or "--html" or "--output" or "--into" } => "a file",
        { Name: "--lab" } => "a lab's name",
        { Name: "--status" or "--kind" or "--format" } => "a value",
        _ => "a folder",
    };

    /// <summary>"--threads expects a whole number from 1 to 256; got 'abc'".</summary>
    private static int? WholeNumber(ArgumentResult result, string name, int min, int max)
    {
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{name} expects a whole number; none given.");
            return null;
        }

        string text = result.Tokens[^1].Value;
        string range = min == int.MinValue ? "" : $" from {min} to {max}";
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"{name} expects a whole number{range}; got '{text}'.");
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError($"{name} expects a whole number{range}; got {value}.");
            return null;
        }

        return value;
    }

    /// <summary>The closest candidate by edit distance (or as a prefix), if close enough to be a typo.</summary>
    internal static string? Suggest(string typed, IReadOnlyList<string> candidates)
    {
        string lowered = typed.ToLowerInvariant();
        var prefixed = candidates.Where(c => c.StartsWith(lowered, StringComparison.OrdinalIgnoreCase) && lowered.TrimStart('-').Length >= 2).ToList();
        if (prefixed.Count == 1)
        {
            return prefixed[0];
        }

        var best = candidates.Select(c => (Name: c, Distance: Distance(lowered, c.ToLowerInvariant()))).OrderBy(c => c.Distance).FirstOrDefault();
        if (best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3))
        {
            return best.Name;
        }

        // A mistyped beginning of a longer name: "bostn" for "boston-housing".
        var begun = candidates.Where(c => lowered.Length >= 4 && c.Length > lowered.Length && Distance(lowered, c[..lowered.Length].ToLowerInvariant()) <= 1).ToList();
        return begun.Count == 1 ? begun[0] : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>Rich output (tables, live progress bars) on a terminal; plain lines when redirected, so CI logs stay readable.</summary>
    private static ILabConsole CreateConsole(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new SpectreLabConsole(AnsiConsole.Console)
            : new PlainLabConsole(output);

    /// <summary>Ctrl-C while a lab runs: end the current line, say the run folder was not written, exit 130.</summary>
    private sealed class InterruptHandler : IDisposable
    {
        private readonly TextWriter _output;
        private readonly TextWriter _error;

        public InterruptHandler(TextWriter output, TextWriter error)
        {
            _output = output;
            _error = error;
            Console.CancelKeyPress += OnCancel;
        }

        public void Dispose() => Console.CancelKeyPress -= OnCancel;

        private void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            _output.WriteLine();
            _output.Flush();
            string left = RunFolder.AbandonActive();
            _error.WriteLine($"backprop: interrupted{(left.Length == 0 ? "" : $"; the unfinished run folder {left} was removed")}.");
            _error.Flush();
            Environment.Exit(130);
        }
    }

    /// <summary>The options of <c>lab run</c>, made afresh for each command tree.</summary>
    private sealed class RunSymbols
    {
        public Option<string?> Out { get; } = new("--out")
        {
            Description = "Run folder (default runs/<lab>-<timestamp>; with several labs, one subfolder per lab and an index.html). Must be empty unless --force.",
            HelpName = "folder",
        };

        public Option<int> Seed { get; } = new("--seed")
        {
            Description = "Seed for every random choice of the run.",
            DefaultValueFactory = _ => 42,
            CustomParser = r => WholeNumber(r, "--seed", int.MinValue, int.MaxValue) ?? 42,
            HelpName = "n",
        };

        public Option<int?> Threads { get; } = new("--threads")
        {
            Description = "Threads for the kernels, 1 to 256 (default: all cores).",
            CustomParser = r => WholeNumber(r, "--threads", 1, 256),
            HelpName = "n",
        };

        public Option<bool> Quick { get; } = new("--quick")
        {
            Description = "A reduced but honest version for smoke tests (fewer epochs or repetitions), said in the report.",
        };

        public Option<string?> Data { get; } = new("--data")
        {
            Description = "Data folder: the data root (holding mnist/, …) or one data set's own folder (else BACKPROP_DATA, else ~/.backprop/datasets).",
            HelpName = "folder",
        };

        public Option<bool> Force { get; } = new("--force")
        {
            Description = "Replace an earlier run in --out (only a folder holding nothing but Backprop's run files).",
        };

        public Option<bool> Subset { get; } = new("--subset")
        {
            Description = "Use the subsets of the data sets shipped with Backprop (10,000 MNIST digits) instead of the full ones; said in the report.",
        };

        public Option<string?> Store { get; } = RunsCommand.StoreOption();

        public Option<Backprop.Labs.Trials.Shard?> Shard { get; } = new("--shard")
        {
            Description = "Run only shard i of n of a study's trials (i from 0), e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; merge the shards' stores with 'runs merge', then 'lab report'.",
            HelpName = "i/n",
            CustomParser = r =>
            {
                try
                {
                    return Backprop.Labs.Trials.Shard.Parse(r.Tokens.Count == 0 ? "" : r.Tokens[^1].Value);
                }
                catch (FormatException e)
                {
                    r.AddError(e.Message);
                    return null;
                }
            },
        };

        public Option<bool> Verbose { get; } = new("--verbose")
        {
            Description = "Show the stack trace of an error.",
        };

        public Argument<string[]> Names { get; } = new("names")
        {
            Description = "Labs to run (see 'backprop lab list'), or 'all'.",
            Arity = ArgumentArity.OneOrMore,
        };
    }

    /// <summary>"a", "a or b", "a, b or c".</summary>
    private static string OneOf(IReadOnlyList<string> names) =>
        names.Count <= 2 ? string.Join(" or ", names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
}
