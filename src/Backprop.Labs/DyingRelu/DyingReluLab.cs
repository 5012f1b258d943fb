using System.Diagnostics;
using System.Globalization;
using Backprop.Kernels;
using Backprop.Plots;

namespace Backprop.Labs.DyingRelu;

/// <summary>Course 003, Problem 2.2: how often a narrow, deep ReLU network "dies" — ends up predicting one constant —
/// when trained on a 1-D function, over 1,000 independent runs per cell of {ReLU, LeakyReLU} × {|x|, |x·sin 5x|}
/// under the three initialisers the course's cut-off text may have used; then collapse against width and depth.
/// The course's exact-equality criterion is reported beside a tolerance criterion, with the runs born dead and 95%
/// Wilson intervals.</summary>
public sealed class DyingReluLab : ILab
{
    /// <summary>Runs per cell of the main grid (the course: 1,000).</summary>
    internal const int FullRuns = 1000;

    /// <summary>Runs per cell in --quick.</summary>
    internal const int QuickRuns = 10;

    /// <summary>Runs per point of the width and depth sweeps.</summary>
    internal const int FullSweepRuns = 500;

    /// <summary>Runs per point of the sweeps in --quick.</summary>
    internal const int QuickSweepRuns = 20;

    internal static readonly int[] FullWidths = [2, 3, 4, 6, 10];

    internal static readonly int[] QuickWidths = [2, 4, 10];

    internal static readonly int[] FullDepths = [2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20];

    internal static readonly int[] QuickDepths = [2, 5, 10];

    /// <summary>Runs per setting of the search for the course's settings (full run only).</summary>
    internal const int SearchRuns = 500;

    /// <summary>LeakyReLU slopes the search tries besides 0.2: PyTorch's default and the Keras layer's.</summary>
    internal static readonly double[] SearchSlopes = [0.01, 0.3];

    /// <summary>Experiment ids for <see cref="CollapseExperiment.Stream"/>.</summary>
    private const int GridExperiment = 1, WidthExperiment = 2, DepthExperiment = 3, SearchExperiment = 4;

    /// <summary>The name typed on the command line: <c>dying-relu</c>.</summary>
    public string Name => "dying-relu";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "How often a narrow, deep ReLU or LeakyReLU network collapses to a constant, over thousands of parallel training runs, against width and depth, and which initialiser the course's 99.6% and 83.0% fit.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => DyingReluPublished.All;

    internal static IReadOnlyList<CollapseInit> Inits { get; } = [CollapseInit.GlorotUniform, CollapseInit.HeNormal, CollapseInit.RandomNormal];

    internal static IReadOnlyList<CollapseTarget> Targets { get; } = [CollapseTarget.Abs, CollapseTarget.AbsXSin5X];

    internal static IReadOnlyList<string> Activations { get; } = ["relu", "leaky_relu"];

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int threads = Parallelism.ThreadCount;
        int runs = context.Quick ? QuickRuns : FullRuns;
        int sweepRuns = context.Quick ? QuickSweepRuns : FullSweepRuns;
        int[] widths = context.Quick ? QuickWidths : FullWidths;
        int[] depths = context.Quick ? QuickDepths : FullDepths;
        // --quick sweeps ReLU only: LeakyReLU's collapse is the rare case, and its sweep would double the time.
        IReadOnlyList<string> sweepActivations = context.Quick ? ["relu"] : Activations;
        Setup(context, threads, runs, sweepRuns, widths, depths);

        var grid = RunGrid(context, threads, runs);
        CompareWithCourse(context, grid);
        if (!context.Quick)
        {
            SearchCourseSettings(context, threads);
        }

        var widthCells = RunSweep(context, threads, sweepRuns, "width", WidthExperiment,
            widths.SelectMany(w => sweepActivations.Select(a => new CollapseSetup(a, CollapseTarget.Abs, CollapseInit.GlorotUniform, Width: w))).ToList(),
            s => s.Width);
        var depthCells = RunSweep(context, threads, sweepRuns, "depth", DepthExperiment,
            depths.SelectMany(d => sweepActivations.Select(a => new CollapseSetup(a, CollapseTarget.Abs, CollapseInit.GlorotUniform, Depth: d))).ToList(),
            s => s.Depth);
        SweepFindings(context, widthCells, depthCells);
    }

    private static void Setup(LabContext context, int threads, int runs, int sweepRuns, int[] widths, int[] depths)
    {
        context.Section("Setup");
        var course = new CollapseSetup("relu", CollapseTarget.Abs, CollapseInit.GlorotUniform);
        context.Paragraph(
            $"As course 003 ran it: Dense(2) linear on the 1-D input, 10 × Dense(2, activation), Dense(1) linear ({course.ParameterCount} parameters); " +
            $"{CollapseExperiment.TrainPoints:N0} training inputs and {CollapseExperiment.TestPoints} test inputs from U(−√7, √7), drawn afresh for every run; " +
            $"Adam with Keras's defaults (learning rate 0.001), mean squared error, batch {CollapseExperiment.BatchSize}, {CollapseExperiment.Epochs} epochs, shuffled every epoch; " +
            "zero biases. A run has collapsed when all 100 test predictions are exactly equal (float32), the course's len(set(y_pred)) == 1; " +
            $"the tolerance criterion asks for a prediction range below {CollapseExperiment.RelativeTolerance:0e0} of the test targets' range. Born dead: the same test on the untrained network. " +
            "Inactive units: hidden units whose output is ≤ 0 for every test input after training (for ReLU, dead units). Intervals are 95% Wilson score intervals.");
        context.Paragraph(
            "Where this run differs from the course, and why. (1) The course's initialiser is cut off in its text (\"kernel_initializer=initializers.Ran…\"), " +
            "so the grid runs Keras's default (Glorot uniform), HeNormal and RandomNormal(σ = 1). (2) The course ran ReLU on |x| and \"Leaky ReLU\" on |x·sin 5x|, which confounds " +
            "activation and target; this lab runs the full 2 × 2 grid. (3) The course's LeakyReLU slope is unknown: this lab uses 0.2, the default of the 'leaky_relu' activation " +
            "in Keras and tf.nn.leaky_relu (the LeakyReLU layer's default would be 0.3). (4) The course's runs were unseeded; here run i of every cell draws its data, weights and " +
            "shuffling from stream i of the lab's seed, so the cells are paired (the same inputs and seeds under each activation and target) and every number reproduces.");
        context.Paragraph(
            $"Runs are independent, so they run {threads} at a time, each on its own model on its own thread, with the library's kernels on one thread per run; " +
            "run i's result lands in slot i whatever thread ran it, so the counts are the same at any thread count (checked below against a sequential rerun).");
        if (context.Quick)
        {
            context.Paragraph($"--quick: {runs} runs per grid cell instead of {FullRuns:N0}; the sweeps run ReLU only, {sweepRuns} runs per point instead of {FullSweepRuns}, " +
                $"widths {string.Join(", ", widths)} and depths {string.Join(", ", depths)}. The intervals are correspondingly wide.");
        }

        context.Setting("architecture", "Dense(width) linear -> depth x Dense(width, activation) -> Dense(1) linear; zero biases");
        context.Setting("data", $"{CollapseExperiment.TrainPoints} train / {CollapseExperiment.TestPoints} test inputs from U(-sqrt 7, sqrt 7), fresh per run");
        context.Setting("training", $"Adam(lr 0.001, Keras defaults), MSE, batch {CollapseExperiment.BatchSize}, {CollapseExperiment.Epochs} epochs, shuffle");
        context.Setting("leaky_relu_slope", CollapseSetup.LeakySlope);
        context.Setting("runs_per_cell", runs);
        context.Setting("runs_per_sweep_point", sweepRuns);
        context.Setting("widths", widths);
        context.Setting("depths", depths);
        context.Setting("run_threads", threads);
        context.Setting("collapse_tolerance", $"prediction range < {CollapseExperiment.RelativeTolerance:0e0} x test target range");
    }

    private static Dictionary<string, CellSummary> RunGrid(LabContext context, int threads, int runs)
    {
        context.Section($"The course's network: {{ReLU, LeakyReLU}} × {{|x|, |x·sin 5x|}}, {runs:N0} runs per cell, three initialisers");
        var cells = new Dictionary<string, CellSummary>();
        var pairedAgreement = new Dictionary<string, double>();
        var charts = new List<Chart>();
        CollapseJob[]? firstJobs = null;
        RunOutcome[]? firstOutcomes = null;
        foreach (var init in Inits)
        {
            var setups = Activations.SelectMany(a => Targets.Select(t => new CollapseSetup(a, t, init))).ToList();
            var jobs = Jobs(setups, GridExperiment, runs);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var outcomes = RunWithProgress(context, $"{init.Label}: {jobs.Length:N0} runs", jobs, threads);
            double seconds = clock.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            context.Record($"timing.grid.{init.Key}.seconds", seconds);
            context.Record($"timing.grid.{init.Key}.cpu_seconds", cpuSeconds);
            context.Record($"timing.grid.{init.Key}.ms_per_run", 1000 * seconds / jobs.Length);
            context.Paragraph($"{init.Label}: {jobs.Length:N0} runs in {seconds:F1} s on {threads} thread{(threads == 1 ? "" : "s")} ({1000 * seconds / jobs.Length:F2} ms per run; " +
                $"{cpuSeconds:F1} s of CPU time, {1000 * cpuSeconds / jobs.Length:F2} ms per run, so {cpuSeconds / threads:F1} s on {threads} otherwise idle core{(threads == 1 ? "" : "s")}).");
            firstJobs ??= jobs;
            firstOutcomes ??= outcomes;

            var summaries = setups.Select((s, c) => CellSummary.Of(s, outcomes.Where((_, i) => i % setups.Count == c).ToList())).ToList();
            foreach (var summary in summaries)
            {
                cells[summary.Setup.Key] = summary;
                summary.Record(context, $"grid.{summary.Setup.Key}");
            }

            // Paired cells: run r of ReLU on |x| and on |x·sin 5x| start from the same weights and inputs.
            int abs = setups.FindIndex(s => s.Activation == "relu" && s.Target == CollapseTarget.Abs);
            int sin = setups.FindIndex(s => s.Activation == "relu" && s.Target == CollapseTarget.AbsXSin5X);
            double agreement = Enumerable.Range(0, runs).Count(r => outcomes[r * setups.Count + abs].Collapsed == outcomes[r * setups.Count + sin].Collapsed) / (double)runs;
            context.Record($"grid.{init.Key}.relu_target_agreement", agreement);
            pairedAgreement[init.Label] = agreement;

            context.Table($"{init.Label}: collapse per cell ({runs:N0} runs each)", CellHeaders("activation", "target"),
                summaries.Select(s => CellRow([s.Setup.ActivationLabel, s.Setup.Target.Label], s)));
            charts.Add(Charts.BarChart(
                summaries.Select(s => $"{(s.Setup.Activation == "relu" ? "ReLU" : "Leaky")} {s.Setup.Target.Label}").ToList(),
                summaries.Select(s => 100 * s.Collapsed.Fraction).ToList(),
                summaries.Select(s => 100 * Math.Max(s.Collapsed.High - s.Collapsed.Fraction, s.Collapsed.Fraction - s.Collapsed.Low)).ToList(),
                init.Label, "collapsed runs (%)"));
        }

        context.Figure(Chart.Grid(charts, columns: 3, "Runs collapsed to a constant (exact equality), per initialiser"), "grid-collapse",
            $"Share of {runs:N0} runs per cell whose 100 test predictions are all exactly equal after training; whiskers: the larger side of the 95% Wilson interval.");
        CheckDeterminism(context, firstJobs!, firstOutcomes!);
        GridFindings(context, cells);
        context.Finding(
            "Whether a ReLU run collapses is decided by its initial weights and inputs, not by the function it learns: runs that start alike (the cells are paired) collapse on both targets or on neither in " +
            string.Join(", ", pairedAgreement.Select(kv => $"{Pct(kv.Value)} of pairs ({kv.Key})")) + ".");
        return cells;
    }

    /// <summary>Reruns the first runs of the first batch one after another on this thread and checks they give the
    /// same bits as the parallel batch.</summary>
    private static void CheckDeterminism(LabContext context, CollapseJob[] jobs, RunOutcome[] outcomes)
    {
        int count = Math.Min(8, jobs.Length);
        var sequential = CollapseExperiment.RunMany(jobs[..count], context.Seed, threads: 1);
        bool identical = sequential.SequenceEqual(outcomes[..count]);
        context.Record("determinism.rerun_runs", count);
        context.Record("determinism.identical", identical);
        context.Finding(identical
            ? $"Rerunning the first {count} runs one after another on one thread gives the same bits as the parallel batch (predictions, counts and test errors)."
            : $"The first {count} runs rerun sequentially do NOT reproduce the parallel batch: the parallel runs share state they should not.");
    }

    private static void GridFindings(LabContext context, Dictionary<string, CellSummary> cells)
    {
        CellSummary Cell(CollapseInit init, string activation, CollapseTarget target) => cells[new CollapseSetup(activation, target, init).Key];
        foreach (var init in Inits)
        {
            var relu = Cell(init, "relu", CollapseTarget.Abs);
            var leaky = Cell(init, "leaky_relu", CollapseTarget.Abs);
            var reluSin = Cell(init, "relu", CollapseTarget.AbsXSin5X);
            var leakySin = Cell(init, "leaky_relu", CollapseTarget.AbsXSin5X);
            double died = relu.Collapsed.Fraction - relu.BornDead.Fraction;
            context.Finding(
                $"{init.Label}: ReLU collapses in {Pct(relu.Collapsed.Fraction)} of runs on |x| and {Pct(reluSin.Collapsed.Fraction)} on |x·sin 5x|; " +
                $"{Pct(relu.BornDead.Fraction)} were constant before training and {Pct(Math.Max(0, died))} more died during it. " +
                $"LeakyReLU: {Pct(leaky.Collapsed.Fraction)} and {Pct(leakySin.Collapsed.Fraction)} by exact equality, " +
                $"{Pct(leaky.CollapsedTolerance.Fraction)} and {Pct(leakySin.CollapsedTolerance.Fraction)} by the tolerance criterion; " +
                $"inactive hidden units after training on |x|: ReLU {Pct(relu.InactiveUnitFraction)}, LeakyReLU {Pct(leaky.InactiveUnitFraction)}.");
        }
    }

    private static void CompareWithCourse(LabContext context, Dictionary<string, CellSummary> cells)
    {
        context.Section("Against the course's 99.6% and 83.0%");
        var reluConsistent = new List<string>();
        var leakyConsistent = new List<string>();
        var reluSinConsistent = new List<string>();
        foreach (var init in Inits)
        {
            var relu = cells[new CollapseSetup("relu", CollapseTarget.Abs, init).Key];
            if (Compare(context, DyingReluPublished.ReluCollapse, relu, $"{init.Label}").Verdict == Verdict.Matches)
            {
                reluConsistent.Add(init.Label);
            }
        }

        foreach (var init in Inits)
        {
            var leaky = cells[new CollapseSetup("leaky_relu", CollapseTarget.AbsXSin5X, init).Key];
            if (Compare(context, DyingReluPublished.LeakyCollapse, leaky, $"LeakyReLU({CollapseSetup.LeakySlope}), {init.Label}").Verdict == Verdict.Matches)
            {
                leakyConsistent.Add(init.Label);
            }
        }

        foreach (var init in Inits)
        {
            var reluSin = cells[new CollapseSetup("relu", CollapseTarget.AbsXSin5X, init).Key];
            if (Compare(context, DyingReluPublished.LeakyCollapse, reluSin, $"ReLU (if the cell's cut-off activation was ReLU), {init.Label}",
                    "The course's \"Leaky ReLU\" cell is a copy of its ReLU cell with the activation argument cut off; this row tests the reading that it still ran ReLU.").Verdict == Verdict.Matches)
            {
                reluSinConsistent.Add(init.Label);
            }
        }

        context.Finding("The published 99.6% (ReLU, |x|) lies inside this run's 95% interval for: " + Names(reluConsistent) + ".");
        context.Finding($"The published 83.0% (|x·sin 5x|) lies inside this run's 95% interval with LeakyReLU({CollapseSetup.LeakySlope}) for: " + Names(leakyConsistent) +
            "; with ReLU for: " + Names(reluSinConsistent) + ".");
        context.Record("consistent.relu_abs", reluConsistent);
        context.Record("consistent.leaky_abs_x_sin5x", leakyConsistent);
        context.Record("consistent.relu_abs_x_sin5x", reluSinConsistent);
    }

    /// <summary>Which readings of the course's cut-off line reproduce its numbers: the two Keras initialisers whose
    /// names start "Ran…" at their defaults, and LeakyReLU slopes other than 0.2. An exploration, stated as one: its
    /// settings are chosen to find the published numbers, so they are reported apart from the grid.</summary>
    private static void SearchCourseSettings(LabContext context, int threads)
    {
        context.Section($"Which settings give the course's numbers? (a search, {SearchRuns} runs per setting)");
        context.Paragraph(
            "The grid's three initialisers are the ones the issue names. The course's cut-off text reads \"kernel_initializer=initializers.Ran…\", which in Keras is " +
            "RandomNormal or RandomUniform; with no arguments they draw from N(0, 0.05²) and U(−0.05, 0.05). Its LeakyReLU slope is unknown too. " +
            "This section searches those readings on purpose, to see which reproduce 99.6% (ReLU, |x|) and 83.0% (|x·sin 5x|): it is tuned towards the published numbers, " +
            "so it says which settings are consistent, not what the course ran.");
        CollapseInit[] keras = [CollapseInit.KerasRandomNormal, CollapseInit.KerasRandomUniform];
        var setups = new List<CollapseSetup>();
        setups.AddRange(keras.Select(i => new CollapseSetup("relu", CollapseTarget.Abs, i)));
        setups.AddRange(keras.Select(i => new CollapseSetup("relu", CollapseTarget.AbsXSin5X, i)));
        foreach (var init in Inits.Concat(keras))
        {
            foreach (double slope in SearchSlopes.Append(CollapseSetup.LeakySlope).Order())
            {
                if (slope != CollapseSetup.LeakySlope || keras.Contains(init))
                {
                    setups.Add(new CollapseSetup("leaky_relu", CollapseTarget.AbsXSin5X, init, Slope: slope));
                }
            }
        }

        var jobs = Jobs(setups, SearchExperiment, SearchRuns);
        var clock = Stopwatch.StartNew();
        var outcomes = RunWithProgress(context, $"search: {jobs.Length:N0} runs", jobs, threads);
        context.Record("timing.search.seconds", clock.Elapsed.TotalSeconds);
        var summaries = setups.Select((s, c) => CellSummary.Of(s, outcomes.Where((_, i) => i % setups.Count == c).ToList())).ToList();
        var consistent = new List<string>();
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var summary in summaries)
        {
            double published = summary.Setup.Target == CollapseTarget.Abs ? DyingReluPublished.ReluCollapse.Value.Number!.Value : DyingReluPublished.LeakyCollapse.Value.Number!.Value;
            bool inside = summary.Collapsed.Contains(published);
            summary.Record(context, $"search.{summary.Setup.Key}");
            context.Record($"search.{summary.Setup.Key}.contains_published", inside);
            if (inside)
            {
                consistent.Add($"{summary.Setup.ActivationLabel} on {summary.Setup.Target.Label} under {summary.Setup.Init.Label} ({summary.Collapsed})");
            }

            rows.Add([summary.Setup.ActivationLabel, summary.Setup.Target.Label, summary.Setup.Init.Label, summary.Collapsed.ToString(), summary.CollapsedTolerance.ToString(),
                summary.BornDead.ToString(), FormattableString.Invariant($"{100 * published:0.0}%"), inside ? "yes" : "no"]);
        }

        context.Table("Search: collapse (exact) per setting, against the published value of its target",
            ["activation", "target", "initialiser", "collapsed (exact)", "collapsed (tolerance)", "born dead", "published", "inside the 95% interval"], rows);
        // The setting nearest each published value, measured by how far the value lies outside its interval.
        string Nearest(Func<CellSummary, bool> matchesCell, double published)
        {
            var best = summaries.Where(matchesCell).MinBy(s => Math.Max(0, Math.Max(s.Collapsed.Low - published, published - s.Collapsed.High)))!;
            return $"{best.Setup.ActivationLabel} under {best.Setup.Init.Label}, {best.Collapsed}";
        }

        string nearest = $" Nearest to 99.6%: {Nearest(s => s.Setup.Target == CollapseTarget.Abs, DyingReluPublished.ReluCollapse.Value.Number!.Value)}; " +
            $"nearest to 83.0%: {Nearest(s => s.Setup.Target == CollapseTarget.AbsXSin5X, DyingReluPublished.LeakyCollapse.Value.Number!.Value)}.";
        context.Finding((consistent.Count == 0
            ? "No searched setting puts the published value inside its 95% interval."
            : "Searched settings whose 95% interval holds the published value: " + string.Join("; ", consistent) + ".") + nearest);
    }

    private static PublishedComparison Compare(LabContext context, PublishedFigure figure, CellSummary cell, string qualifier, string? note = null)
    {
        var interval = cell.Collapsed;
        double published = figure.Value.Number!.Value;
        // published ∈ [low, high] ⟺ measured ∈ [published − (high − measured), published + (measured − low)].
        var tolerance = Tolerance.Between(published - (interval.High - interval.Fraction), published + (interval.Fraction - interval.Low),
            FormattableString.Invariant($"so that the published value lies in this run's 95% Wilson interval [{interval.Low:0.0000}, {interval.High:0.0000}] of {interval.Trials:N0} runs"));
        return context.Compare(figure, interval.Fraction, qualifier, tolerance,
            note ?? $"{cell.Setup.Label}: collapsed {interval}; by the tolerance criterion {cell.CollapsedTolerance}; born dead {cell.BornDead}.");
    }

    private static List<CellSummary> RunSweep(LabContext context, int threads, int runs, string axis, int experiment, List<CollapseSetup> setups, Func<CollapseSetup, int> position)
    {
        context.Section($"Collapse against {axis} ({string.Join(" and ", setups.Select(s => s.ActivationLabel).Distinct())} on |x|, Glorot uniform, {runs:N0} runs per point)");
        var jobs = Jobs(setups, experiment, runs);
        var clock = Stopwatch.StartNew();
        var outcomes = RunWithProgress(context, $"{axis} sweep: {jobs.Length:N0} runs", jobs, threads);
        double seconds = clock.Elapsed.TotalSeconds;
        context.Record($"timing.{axis}.seconds", seconds);
        context.Paragraph($"{jobs.Length:N0} runs in {seconds:F1} s ({1000 * seconds / jobs.Length:F2} ms per run).");
        var summaries = setups.Select((s, c) => CellSummary.Of(s, outcomes.Where((_, i) => i % setups.Count == c).ToList())).ToList();
        foreach (var summary in summaries)
        {
            summary.Record(context, $"{axis}.{summary.Setup.Activation}.{axis[0]}{position(summary.Setup)}");
        }

        string other = axis == "width" ? "depth 10" : "width 2";
        context.Table($"Collapse against {axis} ({other}, |x|, Glorot uniform)", CellHeaders("activation", axis),
            summaries.Select(s => CellRow([s.Setup.ActivationLabel, position(s.Setup)], s)));

        var series = new List<LineSeries>();
        foreach (string activation in setups.Select(s => s.Activation).Distinct())
        {
            var line = summaries.Where(s => s.Setup.Activation == activation).OrderBy(s => position(s.Setup)).ToList();
            string label = line[0].Setup.ActivationLabel;
            series.Add(new LineSeries($"{label}: collapsed", line.Select(s => (double)position(s.Setup)).ToList(), line.Select(s => s.Collapsed.Fraction).ToList(),
                line.Select(s => s.Collapsed.Low).ToList(), line.Select(s => s.Collapsed.High).ToList()));
            series.Add(new LineSeries($"{label}: born dead", line.Select(s => (double)position(s.Setup)).ToList(), line.Select(s => s.BornDead.Fraction).ToList()));
        }

        context.Figure(
            Charts.LineChart(series, $"Collapse against {axis} ({other})", axis == "width" ? "units per hidden layer" : "activated hidden layers", "fraction of runs",
                integerX: true, legend: axis == "width" ? ScottPlot.Alignment.UpperRight : ScottPlot.Alignment.LowerRight),
            $"{axis}-sweep",
            $"Share of {runs:N0} runs per point that collapse (exact equality; band: 95% Wilson interval) and that are constant before training (no band), against {axis}.");
        return summaries;
    }

    private static void SweepFindings(LabContext context, List<CellSummary> widths, List<CellSummary> depths)
    {
        foreach (string activation in widths.Select(s => s.Setup.Activation).Distinct())
        {
            var byWidth = widths.Where(s => s.Setup.Activation == activation).OrderBy(s => s.Setup.Width).ToList();
            var byDepth = depths.Where(s => s.Setup.Activation == activation).OrderBy(s => s.Setup.Depth).ToList();
            string label = byWidth[0].Setup.ActivationLabel;
            bool separated = byWidth[^1].Collapsed.High < byWidth[0].Collapsed.Low;
            context.Finding(
                $"{label}, depth 10: collapse falls from {byWidth[0].Collapsed} at width {byWidth[0].Setup.Width} to {byWidth[^1].Collapsed} at width {byWidth[^1].Setup.Width}" +
                (separated ? " (the 95% intervals do not overlap)" : " (the 95% intervals overlap)") +
                $"; width 2, depth {byDepth[0].Setup.Depth} → {byDepth[^1].Setup.Depth}: {byDepth[0].Collapsed} → {byDepth[^1].Collapsed}, " +
                $"born dead {Pct(byDepth[0].BornDead.Fraction)} → {Pct(byDepth[^1].BornDead.Fraction)}.");
        }

        context.Record("sweep.width_separated_relu",
            widths.Where(s => s.Setup.Activation == "relu").MaxBy(s => s.Setup.Width)!.Collapsed.High < widths.Where(s => s.Setup.Activation == "relu").MinBy(s => s.Setup.Width)!.Collapsed.Low);
    }

    /// <summary>Every run of every setting, run-major (run 0 of each setting, then run 1, …) so a batch's progress
    /// advances all settings together; run r of every setting draws from stream r of <paramref name="experiment"/>.</summary>
    private static CollapseJob[] Jobs(IReadOnlyList<CollapseSetup> setups, int experiment, int runs)
    {
        var jobs = new CollapseJob[setups.Count * runs];
        for (int r = 0; r < runs; r++)
        {
            for (int c = 0; c < setups.Count; c++)
            {
                jobs[r * setups.Count + c] = new CollapseJob(setups[c], CollapseExperiment.Stream(experiment, r));
            }
        }

        return jobs;
    }

    private static RunOutcome[] RunWithProgress(LabContext context, string description, CollapseJob[] jobs, int threads)
    {
        using var progress = context.Progress(description, jobs.Length);
        var gate = new Lock();
        int step = Math.Max(1, jobs.Length / 50);
        return CollapseExperiment.RunMany(jobs, context.Seed, threads, completed: done =>
        {
            if (done % step == 0 || done == jobs.Length)
            {
                lock (gate)
                {
                    progress.Report(done);
                }
            }
        });
    }

    private static string[] CellHeaders(string first, string second) =>
        [first, second, "runs", "collapsed (exact)", "collapsed (tolerance)", "born dead", "inactive units", "median test MSE"];

    private static IReadOnlyList<object?> CellRow(object?[] leading, CellSummary s) =>
        [.. leading, s.Runs, s.Collapsed.ToString(), s.CollapsedTolerance.ToString(), s.BornDead.ToString(), Pct(s.InactiveUnitFraction), s.MedianTestMse];

    private static string Names(List<string> names) => names.Count == 0 ? "none of the three initialisers" : string.Join(", ", names);

    private static string Pct(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
