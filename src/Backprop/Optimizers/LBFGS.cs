using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Config;

namespace Backprop.Optimizers;

/// <summary>Why an L-BFGS search stopped (<see cref="LBFGS.Minimize"/>, or <see cref="LBFGS.Result"/> after
/// <see cref="LBFGS.Step"/>s).</summary>
public enum LbfgsStopReason
{
    /// <summary>The search has not stopped: more steps can follow (its caller, e.g. Fit after its last epoch, ended
    /// it).</summary>
    Running,

    /// <summary>max |∂f/∂xᵢ| ≤ tol (scipy: "NORM OF PROJECTED GRADIENT &lt;= PGTOL").</summary>
    GradientTolerance,

    /// <summary>(f_prev − f)/max(|f_prev|, |f|, 1) ≤ ftol (scipy: "RELATIVE REDUCTION OF F &lt;= FACTR*EPSMCH").</summary>
    FunctionTolerance,

    /// <summary>maxIterations iterations done (scikit-learn then warns ConvergenceWarning).</summary>
    MaxIterations,

    /// <summary>More than maxFunctionEvaluations evaluations.</summary>
    MaxFunctionEvaluations,

    /// <summary>The line search failed from a steepest-descent direction (scipy: "ABNORMAL_TERMINATION_IN_LNSRCH").</summary>
    LineSearchFailed,

    /// <summary>The progress callback returned false.</summary>
    StoppedByCallback,
}

/// <summary>One completed L-BFGS iteration, passed to the progress callback of <see cref="LBFGS.Minimize"/>.</summary>
/// <param name="Iteration">1-based iteration number.</param>
/// <param name="FunctionEvaluations">Loss-and-gradient evaluations so far, including line-search trials.</param>
/// <param name="Loss">The loss at the new iterate.</param>
/// <param name="GradientMaxNorm">max |∂f/∂xᵢ| at the new iterate.</param>
public readonly record struct LbfgsProgress(int Iteration, int FunctionEvaluations, double Loss, double GradientMaxNorm);

/// <summary>The outcome of an L-BFGS search (<see cref="LBFGS.Minimize"/>), or its state so far
/// (<see cref="LBFGS.Result"/>).</summary>
/// <param name="Loss">The loss at the final parameters.</param>
/// <param name="Iterations">Iterations completed (scikit-learn's <c>n_iter_</c>).</param>
/// <param name="FunctionEvaluations">Loss-and-gradient evaluations.</param>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Message">A readable account of the stop.</param>
public sealed record LbfgsResult(double Loss, int Iterations, int FunctionEvaluations, LbfgsStopReason Reason, string Message)
{
    /// <summary>True when a tolerance was met (scipy's <c>success</c>).</summary>
    public bool Converged => Reason is LbfgsStopReason.GradientTolerance or LbfgsStopReason.FunctionTolerance;
}

/// <summary>Limited-memory BFGS for full-batch training, as scikit-learn's MLP <c>solver="lbfgs"</c> runs it
/// (scipy's L-BFGS-B without bounds). Not a Keras optimiser: the name "lbfgs" is Backprop's.
/// <para>Each iteration builds the direction <c>d = −H·g</c> by the two-loop recursion over the last
/// <c>historySize</c> pairs (s, y) with <c>H₀ = (sᵀy / yᵀy)·I</c> — the same direction L-BFGS-B's compact form
/// gives without bounds — and finds a step α with the Moré–Thuente line search (MINPACK-2 <c>dcsrch</c>, strong
/// Wolfe with ftol 1e-3, gtol 0.9, xtol 0.1, at most 20 trials; L-BFGS-B's constants). The first trial is
/// α = min(1/‖d‖, 1e10) when the memory is empty and α = 1 otherwise. A pair is stored only if
/// <c>sᵀy &gt; ε_mach·(−gᵀd·α)</c>. A failed line search restores the previous iterate, clears the memory and
/// retries along −g; a failure from −g ends the run. After restarts L-BFGS-B keeps α = 1 for the first trial where
/// Backprop uses 1/‖d‖.</para>
/// <para>Stopping, in scipy's order: max|g| ≤ <see cref="Tolerance"/> (scikit-learn passes its <c>tol</c>, 1e-4,
/// as scipy's <c>gtol</c>); relative loss reduction ≤ <see cref="FunctionTolerance"/> (scipy's default
/// <c>ftol</c> = 1e7·ε_mach); then <see cref="MaxIterations"/> (scikit-learn <c>max_iter</c> = 200) and more than
/// <see cref="MaxFunctionEvaluations"/> evaluations (<c>max_fun</c> = 15000).</para>
/// <para>It is a full-batch optimiser driven by a closure, PyTorch's <c>LBFGS.step(closure)</c>: each
/// <see cref="Step"/> is one iteration (the first also evaluates the starting point), and the search — curvature
/// pairs, iterate, stop reason — carries over from one Step to the next until <see cref="Restart"/>. Fit trains with
/// it on one batch of the whole training set, one iteration per epoch, and stops when <see cref="StopReason"/> is
/// set; <see cref="Minimize"/> runs a whole search in one call. <see cref="Optimizer.LearningRate"/> (default 1, as
/// PyTorch's <c>lr</c>) scales the first trial step of every line search.</para></summary>
public sealed class LBFGS : Optimizer
{
    private const double StepMax = 1e10;

    private Search? _search;

    /// <param name="maxIterations">Iteration limit (scikit-learn <c>max_iter</c>, default 200).</param>
    /// <param name="maxFunctionEvaluations">Evaluation limit (scikit-learn <c>max_fun</c>, default 15000).</param>
    /// <param name="tolerance">Stop when max |∂f/∂xᵢ| ≤ this (scikit-learn <c>tol</c> = scipy <c>gtol</c>, 1e-4).</param>
    /// <param name="functionTolerance">Stop when the relative loss reduction of an iteration is ≤ this (scipy
    /// <c>ftol</c>, 2.22e-9).</param>
    /// <param name="historySize">Stored (s, y) pairs m (scipy <c>maxcor</c>, 10).</param>
    /// <param name="maxLineSearchSteps">Trials per line search (scipy <c>maxls</c>, 20).</param>
    /// <param name="learningRate">Scales the first trial step of each line search (PyTorch <c>lr</c>, 1).</param>
    public LBFGS(
        int maxIterations = 200,
        int maxFunctionEvaluations = 15000,
        double tolerance = 1e-4,
        double functionTolerance = 2.220446049250313e-09,
        int historySize = 10,
        int maxLineSearchSteps = 20,
        double learningRate = 1.0)
        : base(learningRate)
    {
        MaxIterations = maxIterations >= 1 ? maxIterations : throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "maxIterations must be ≥ 1.");
        MaxFunctionEvaluations = maxFunctionEvaluations >= 1
            ? maxFunctionEvaluations
            : throw new ArgumentOutOfRangeException(nameof(maxFunctionEvaluations), maxFunctionEvaluations, "maxFunctionEvaluations must be ≥ 1.");
        Tolerance = CheckNonNegative(tolerance, nameof(tolerance));
        FunctionTolerance = CheckNonNegative(functionTolerance, nameof(functionTolerance));
        HistorySize = historySize >= 1 ? historySize : throw new ArgumentOutOfRangeException(nameof(historySize), historySize, "historySize must be ≥ 1.");
        MaxLineSearchSteps = maxLineSearchSteps >= 1
            ? maxLineSearchSteps
            : throw new ArgumentOutOfRangeException(nameof(maxLineSearchSteps), maxLineSearchSteps, "maxLineSearchSteps must be ≥ 1.");
    }

    /// <summary>The iteration limit (scikit-learn <c>max_iter</c>, default 200).</summary>
    public int MaxIterations { get; }

    /// <summary>The limit on loss-and-gradient evaluations (scikit-learn <c>max_fun</c>, default 15000).</summary>
    public int MaxFunctionEvaluations { get; }

    /// <summary>Stop when max |∂f/∂xᵢ| ≤ this (scikit-learn <c>tol</c> = scipy <c>gtol</c>, default 1e-4).</summary>
    public double Tolerance { get; }

    /// <summary>Stop when an iteration reduces the loss by a relative amount ≤ this (scipy <c>ftol</c>, default 2.22e-9).</summary>
    public double FunctionTolerance { get; }

    /// <summary>How many (s, y) curvature pairs are kept (scipy <c>maxcor</c>, default 10).</summary>
    public int HistorySize { get; }

    /// <summary>Trial steps allowed per line search (scipy <c>maxls</c>, default 20).</summary>
    public int MaxLineSearchSteps { get; }

    /// <inheritdoc/>
    public override string Name => "lbfgs";

    /// <summary>True: every evaluation must see the whole training set (the line search compares losses of one
    /// fixed objective).</summary>
    public override bool RequiresFullBatch => true;

    /// <summary>The state of the current search (loss, iterations, evaluations, and why it stopped, or
    /// <see cref="LbfgsStopReason.Running"/>); null before the first <see cref="Step"/> after a restart.</summary>
    public LbfgsResult? Result => _search?.Result;

    /// <summary>The stop message once the current search has stopped on its own (a tolerance met, a limit reached,
    /// the line search failed); null while it can go on.</summary>
    public override string? StopReason => _search?.Result is { Reason: not LbfgsStopReason.Running } result ? result.Message : null;

    /// <summary>One L-BFGS iteration on the full-batch objective <paramref name="lossAndGradients"/> (the first call
    /// of a search also evaluates the starting point), continuing the search of the previous Step. Returns the loss
    /// at the new iterate; once the search has stopped (<see cref="StopReason"/>) it changes nothing and returns the
    /// last loss. The closure contract is <see cref="Minimize"/>'s.</summary>
    /// <exception cref="NonFiniteGradientException">The loss or gradient at the starting point is not finite.</exception>
    public override double Step(Func<double> lossAndGradients, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(lossAndGradients);
        ArgumentNullException.ThrowIfNull(parameters);
        if (_search is null || !_search.Problem.Covers(parameters))
        {
            _search = new Search(this, parameters);
        }

        _search.Problem.LossAndGradients = lossAndGradients;
        if (_search.Iterate())
        {
            _search.CheckLimits();
        }

        return _search.Loss;
    }

    /// <summary>Forgets the search: the next <see cref="Step"/> starts from the parameters' current values with
    /// an empty memory (Fit does this when it begins).</summary>
    public override void Restart() => _search = null;

    /// <summary>The search in progress, if any, under <c>search/</c>: the float64 iterate and its gradient, the
    /// curvature pairs, the counters and how it ended; restoring it continues the same search bit for bit.</summary>
    protected override void WriteState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names)
    {
        if (_search is not null)
        {
            _search.Export(state);
        }
    }

    /// <inheritdoc/>
    protected override Action ReadState(StateDict state, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, ISet<string> used)
    {
        if (!state.Keys.Any(k => k.StartsWith("search/", StringComparison.Ordinal)))
        {
            return () => _search = null;
        }

        var search = Search.Import(this, parameters, state, used);
        return () => _search = search;
    }

    /// <summary>Forgets the search and the iteration count.</summary>
    public override void Reset()
    {
        _search = null;
        base.Reset();
    }

    /// <summary>Minimises a full-batch loss over the trainable parameters.
    /// <para>Contract with the caller: before every call of <paramref name="lossAndGradient"/>, Minimize writes
    /// the trial point into the trainable parameters' <see cref="Parameter.Value"/>s and zeroes their
    /// <see cref="Parameter.Gradient"/>s. The callback must run the forward and backward pass over the whole
    /// training set at those values, accumulate ∂loss/∂value into the Gradients, and return the loss — the same
    /// scalar whose gradient it produced (data loss plus regularisation penalties). It must not change the
    /// trainable values itself. Non-trainable parameters are neither read nor written. On return the trainable
    /// Values hold the best point found and their Gradients its gradient; constraints are not applied.</para>
    /// <para>The search runs in float64; float32 parameters are rounded at each trial point, which limits the
    /// attainable accuracy to float32's (prefer a float64 model for tight tolerances).</para></summary>
    /// <param name="lossAndGradient">Loss and gradient of the full batch at the current parameter values.</param>
    /// <param name="parameters">The model's parameters (trainable ones are optimised).</param>
    /// <param name="onIteration">Called after each iteration; return false to stop.</param>
    /// <exception cref="NonFiniteGradientException">The loss or gradient at the starting point is not finite.</exception>
    public LbfgsResult Minimize(Func<double> lossAndGradient, IReadOnlyList<Parameter> parameters, Func<LbfgsProgress, bool>? onIteration = null)
    {
        ArgumentNullException.ThrowIfNull(lossAndGradient);
        ArgumentNullException.ThrowIfNull(parameters);
        var search = new Search(this, parameters);
        search.Problem.LossAndGradients = lossAndGradient;
        while (search.Iterate())
        {
            if (onIteration is not null && !onIteration(search.Progress))
            {
                return search.Finish(LbfgsStopReason.StoppedByCallback, "stopped by the progress callback");
            }

            if (search.CheckLimits())
            {
                break;
            }
        }

        return search.Result;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["name"] = Name,
        ["max_iter"] = MaxIterations,
        ["max_fun"] = MaxFunctionEvaluations,
        ["tol"] = Tolerance,
        ["ftol"] = FunctionTolerance,
        ["history_size"] = HistorySize,
        ["max_line_search_steps"] = MaxLineSearchSteps,
        ["learning_rate"] = LearningRateConfig,
    };

    internal static LBFGS FromConfig(ConfigReader config) => new(
        config.Int("max_iter", 200), config.Int("max_fun", 15000), config.Double("tol", 1e-4),
        config.Double("ftol", 2.220446049250313e-09), config.Int("history_size", 10), config.Int("max_line_search_steps", 20),
        config.Double("learning_rate", 1.0));

    private bool LineSearch(Problem problem, double[] x, double[] g, double[] xStart, double[] d, double f0, double gd0, ref double step, ref double f)
    {
        var search = new MoreThuenteLineSearch(ftol: 1e-3, gtol: 0.9, xtol: 0.1, stepMin: 0, stepMax: StepMax);
        var status = search.Start(step, f0, gd0);
        for (int trial = 0; trial < MaxLineSearchSteps && status == MoreThuenteLineSearch.Status.Evaluate; trial++)
        {
            double alpha = search.Step;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = xStart[i] + alpha * d[i];
            }

            f = problem.Evaluate(x, g);
            if (!double.IsFinite(f) || !AllFinite(g))
            {
                // Overshot into a region where the loss overflows: restart the search from a shorter step.
                status = search.Start(alpha * 0.1, f0, gd0);
                continue;
            }

            status = search.Next(f, Dot(g, d));
        }

        step = search.Step;
        return status is MoreThuenteLineSearch.Status.Converged or MoreThuenteLineSearch.Status.Warning;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (double v in a)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    private static bool AllFinite(double[] a)
    {
        foreach (double v in a)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One search: the iterate x with its loss f and gradient g, the curvature memory, and how it ended.
    /// <see cref="Iterate"/> advances it by one iteration (the first call evaluates the starting point first).</summary>
    private sealed class Search(LBFGS owner, IReadOnlyList<Parameter> parameters)
    {
        private readonly double[] _x = new double[Count(parameters)];
        private readonly double[] _g = new double[Count(parameters)];
        private readonly double[] _d = new double[Count(parameters)];
        private readonly double[] _xPrevious = new double[Count(parameters)];
        private readonly double[] _gPrevious = new double[Count(parameters)];
        private readonly History _memory = new(owner.HistorySize, Count(parameters));
        private bool _started;
        private int _iteration;
        private double _gradientMax;
        private LbfgsResult? _finished;

        public Problem Problem { get; } = new(parameters);

        public double Loss { get; private set; }

        public LbfgsProgress Progress => new(_iteration, Problem.Evaluations, Loss, _gradientMax);

        public LbfgsResult Result => _finished ?? new LbfgsResult(Loss, _iteration, Problem.Evaluations, LbfgsStopReason.Running,
            $"running after {_iteration} iteration(s)");

        /// <summary>One iteration; false when the search stopped (now or before) instead of completing one.</summary>
        public bool Iterate()
        {
            if (_finished is not null)
            {
                return false;
            }

            int n = _x.Length;
            if (!_started)
            {
                _started = true;
                Problem.Gather(_x);
                Loss = Problem.Evaluate(_x, _g);
                if (!double.IsFinite(Loss) || !AllFinite(_g))
                {
                    throw new NonFiniteGradientException($"L-BFGS: the loss ({Loss}) or its gradient is not finite at the starting point.");
                }

                _gradientMax = MaxAbs(_g);
                if (_gradientMax <= owner.Tolerance)
                {
                    Finish(LbfgsStopReason.GradientTolerance, "the gradient is already below tol at the start");
                    return false;
                }
            }

            while (true)
            {
                _memory.Direction(_g, _d);
                double gd = Dot(_g, _d);
                if (!(gd < 0))
                {
                    _memory.Clear();
                    for (int i = 0; i < n; i++)
                    {
                        _d[i] = -_g[i];
                    }

                    gd = -Dot(_g, _g);
                }

                double step = (_memory.Count == 0 ? Math.Min(1.0 / Math.Sqrt(Dot(_d, _d)), StepMax) : 1.0) * owner.LearningRate;
                double fPrevious = Loss;
                _x.CopyTo(_xPrevious, 0);
                _g.CopyTo(_gPrevious, 0);
                double f = fPrevious;
                if (!owner.LineSearch(Problem, _x, _g, _xPrevious, _d, fPrevious, gd, ref step, ref f))
                {
                    _xPrevious.CopyTo(_x, 0);
                    _gPrevious.CopyTo(_g, 0);
                    if (_memory.Count == 0)
                    {
                        Finish(LbfgsStopReason.LineSearchFailed, "the line search found no acceptable step along the steepest-descent direction");
                        return false;
                    }

                    _memory.Clear();
                    continue;
                }

                Loss = f;
                _iteration++;
                owner.AdvanceIterations();
                _gradientMax = MaxAbs(_g);
                if (_gradientMax <= owner.Tolerance)
                {
                    Finish(LbfgsStopReason.GradientTolerance, "max |gradient| ≤ tol");
                    return false;
                }

                if (fPrevious - f <= owner.FunctionTolerance * Math.Max(Math.Max(Math.Abs(fPrevious), Math.Abs(f)), 1.0))
                {
                    Finish(LbfgsStopReason.FunctionTolerance, "relative reduction of the loss ≤ ftol");
                    return false;
                }

                _memory.Push(_x, _xPrevious, _g, _gPrevious, -gd * step);
                Problem.Store(_x, _g);
                return true;
            }
        }

        /// <summary>Ends the search at the iteration or evaluation limit; true when it did.</summary>
        public bool CheckLimits()
        {
            if (_iteration >= owner.MaxIterations)
            {
                Finish(LbfgsStopReason.MaxIterations, $"reached maxIterations = {owner.MaxIterations}");
                return true;
            }

            if (Problem.Evaluations > owner.MaxFunctionEvaluations)
            {
                Finish(LbfgsStopReason.MaxFunctionEvaluations, $"more than maxFunctionEvaluations = {owner.MaxFunctionEvaluations} evaluations");
                return true;
            }

            return false;
        }

        /// <summary>Stops the search: the parameters get the iterate and its gradient.</summary>
        public LbfgsResult Finish(LbfgsStopReason reason, string message)
        {
            Problem.Store(_x, _g);
            _finished = new LbfgsResult(Loss, _iteration, Problem.Evaluations, reason, message);
            return _finished;
        }

        private static int Count(IReadOnlyList<Parameter> parameters) => Problem.CountTrainable(parameters);

        public void Export(StateDict state)
        {
            state.Set("search/x", Tensor<double>.Wrap((double[])_x.Clone(), new Shape(_x.Length)));
            state.Set("search/gradient", Tensor<double>.Wrap((double[])_g.Clone(), new Shape(_g.Length)));
            _memory.Export(state);
            state.SetInt64("search/started", _started ? 1 : 0);
            state.SetInt64("search/iteration", _iteration);
            state.SetInt64("search/evaluations", Problem.Evaluations);
            state.SetDouble("search/loss", Loss);
            state.SetDouble("search/gradient_max", _gradientMax);
            state.SetInt64("search/reason", _finished is null ? -1 : (long)_finished.Reason);
            if (_finished is not null)
            {
                byte[] message = System.Text.Encoding.UTF8.GetBytes(_finished.Message);
                state.Set("search/message", Tensor<byte>.Wrap(message, new Shape(message.Length)));
            }
        }

        public static Search Import(LBFGS owner, IReadOnlyList<Parameter> parameters, StateDict state, ISet<string> used)
        {
            var search = new Search(owner, parameters);
            int n = search._x.Length;
            Vector(state, "search/x", n).CopyTo(search._x, 0);
            Vector(state, "search/gradient", n).CopyTo(search._g, 0);
            search._memory.Import(state, used);
            search._started = Count(state, "search/started", 0, 1) == 1;
            search._iteration = (int)Count(state, "search/iteration", 0, int.MaxValue);
            search.Problem.Evaluations = (int)Count(state, "search/evaluations", 0, int.MaxValue);
            search.Loss = state.GetDouble("search/loss");
            search._gradientMax = state.GetDouble("search/gradient_max");
            long reason = Count(state, "search/reason", -1, (long)LbfgsStopReason.StoppedByCallback);
            if (reason >= 0)
            {
                string message = state.TryGet("search/message", out var text) && text is Tensor<byte> bytes
                    ? System.Text.Encoding.UTF8.GetString(bytes.AsSpan())
                    : "";
                search._finished = new LbfgsResult(search.Loss, search._iteration, search.Problem.Evaluations, (LbfgsStopReason)reason, message);
                used.Add("search/message");
            }

            foreach (string key in new[] { "search/x", "search/gradient", "search/started", "search/iteration", "search/evaluations", "search/loss", "search/gradient_max", "search/reason" })
            {
                used.Add(key);
            }

            return search;
        }

        internal static double[] Vector(StateDict state, string key, int length) =>
            state[key] is Tensor<double> t && t.Rank == 1 && t.Length == length
                ? t.AsSpan().ToArray()
                : throw new ArgumentException($"lbfgs state entry '{key}' must be float64 ({length},); got {state[key].DType.Name()} {state[key].Shape}.");

        internal static long Count(StateDict state, string key, long min, long max)
        {
            long value = state.GetInt64(key);
            return value >= min && value <= max
                ? value
                : throw new ArgumentException($"lbfgs state entry '{key}' must be in [{min}, {max}]; got {value}.");
        }
    }

    /// <summary>The last m correction pairs in a ring, and the two-loop recursion over them.</summary>
    private sealed class History(int capacity, int length)
    {
        private readonly double[][] _s = CreateRows(capacity, length);
        private readonly double[][] _y = CreateRows(capacity, length);
        private readonly double[] _rho = new double[capacity];
        private readonly double[] _alpha = new double[capacity];
        private int _newest = -1;
        private double _gamma = 1.0;

        public int Count { get; private set; }

        public void Clear()
        {
            Count = 0;
            _newest = -1;
        }

        /// <summary>Stores s = x − xPrev, y = g − gPrev unless the curvature sᵀy ≤ ε_mach·(−gᵀd·α).</summary>
        public void Push(double[] x, double[] xPrevious, double[] g, double[] gPrevious, double decrease)
        {
            int slot = (_newest + 1) % capacity;
            var s = _s[slot];
            var y = _y[slot];
            double sy = 0;
            double yy = 0;
            for (int i = 0; i < length; i++)
            {
                s[i] = x[i] - xPrevious[i];
                y[i] = g[i] - gPrevious[i];
                sy += s[i] * y[i];
                yy += y[i] * y[i];
            }

            if (!(sy > 2.220446049250313e-16 * decrease) || !(yy > 0))
            {
                return;
            }

            _rho[slot] = 1.0 / sy;
            _gamma = sy / yy;
            _newest = slot;
            Count = Math.Min(Count + 1, capacity);
        }

        /// <summary>d = −H·g by the two-loop recursion (d = −g with an empty memory).</summary>
        public void Direction(double[] g, double[] d)
        {
            Array.Copy(g, d, length);
            if (Count > 0)
            {
                for (int k = 0, slot = _newest; k < Count; k++, slot = (slot - 1 + capacity) % capacity)
                {
                    _alpha[slot] = _rho[slot] * Dot(_s[slot], d);
                    Axpy(-_alpha[slot], _y[slot], d);
                }

                for (int i = 0; i < length; i++)
                {
                    d[i] *= _gamma;
                }

                for (int k = 0, slot = (_newest - Count + 1 + capacity) % capacity; k < Count; k++, slot = (slot + 1) % capacity)
                {
                    double beta = _rho[slot] * Dot(_y[slot], d);
                    Axpy(_alpha[slot] - beta, _s[slot], d);
                }
            }

            for (int i = 0; i < length; i++)
            {
                d[i] = -d[i];
            }
        }

        private static void Axpy(double a, double[] x, double[] y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] += a * x[i];
            }
        }

        public void Export(StateDict state)
        {
            state.Set("search/s", Matrix(_s));
            state.Set("search/y", Matrix(_y));
            state.Set("search/rho", Tensor<double>.Wrap((double[])_rho.Clone(), new Shape(capacity)));
            state.SetInt64("search/newest", _newest);
            state.SetInt64("search/count", Count);
            state.SetDouble("search/gamma", _gamma);
        }

        public void Import(StateDict state, ISet<string> used)
        {
            ReadMatrix(state, "search/s", _s);
            ReadMatrix(state, "search/y", _y);
            Search.Vector(state, "search/rho", capacity).CopyTo(_rho, 0);
            _newest = (int)Search.Count(state, "search/newest", -1, capacity - 1);
            Count = (int)Search.Count(state, "search/count", 0, capacity);
            _gamma = state.GetDouble("search/gamma");
            foreach (string key in new[] { "search/s", "search/y", "search/rho", "search/newest", "search/count", "search/gamma" })
            {
                used.Add(key);
            }
        }

        private Tensor<double> Matrix(double[][] rows)
        {
            var t = new Tensor<double>(capacity, length);
            for (int i = 0; i < capacity; i++)
            {
                rows[i].CopyTo(t.RowSpan(i));
            }

            return t;
        }

        private void ReadMatrix(StateDict state, string key, double[][] rows)
        {
            if (state[key] is not Tensor<double> t || t.Rank != 2 || t.Shape[0] != capacity || t.Shape[1] != length)
            {
                throw new ArgumentException($"lbfgs state entry '{key}' must be float64 ({capacity}, {length}); got {state[key].DType.Name()} {state[key].Shape}.");
            }

            for (int i = 0; i < capacity; i++)
            {
                t.RowSpan(i).CopyTo(rows[i]);
            }
        }

        private static double[][] CreateRows(int rows, int columns)
        {
            var result = new double[rows][];
            for (int i = 0; i < rows; i++)
            {
                result[i] = new double[columns];
            }

            return result;
        }
    }

    /// <summary>The flattened view of the trainable parameters and the caller's closure.</summary>
    private sealed class Problem
    {
        private readonly Parameter[] _trainable;

        public Problem(IReadOnlyList<Parameter> parameters)
        {
            _trainable = parameters.Where(p => p.Trainable).ToArray();
        }

        /// <summary>The closure of the current step.</summary>
        public Func<double> LossAndGradients { get; set; } = () => throw new InvalidOperationException("L-BFGS: no closure.");

        public int Evaluations { get; set; }

        public void Gather(double[] x)
        {
            int offset = 0;
            foreach (var p in _trainable)
            {
                offset += p.Value switch
                {
                    Tensor<float> t => Copy<float>(t.AsSpan(), x.AsSpan(offset)),
                    Tensor<double> t => Copy<double>(t.AsSpan(), x.AsSpan(offset)),
                    _ => 0,
                };
            }
        }

        public double Evaluate(double[] x, double[] g)
        {
            Scatter(x, gradient: false);
            foreach (var p in _trainable)
            {
                p.ZeroGradient();
            }

            double loss = LossAndGradients();
            Evaluations++;
            int offset = 0;
            foreach (var p in _trainable)
            {
                offset += p.Gradient switch
                {
                    Tensor<float> t => Copy<float>(t.AsSpan(), g.AsSpan(offset)),
                    Tensor<double> t => Copy<double>(t.AsSpan(), g.AsSpan(offset)),
                    _ => 0,
                };
            }

            return loss;
        }

        /// <summary>Writes the iterate into the parameters' values and its gradient into their gradients.</summary>
        public void Store(double[] x, double[] g)
        {
            Scatter(x, gradient: false);
            Scatter(g, gradient: true);
        }

        /// <summary>True when <paramref name="parameters"/> has the same trainable parameters, in order.</summary>
        public bool Covers(IReadOnlyList<Parameter> parameters)
        {
            int k = 0;
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Trainable && (k >= _trainable.Length || !ReferenceEquals(parameters[i], _trainable[k++])))
                {
                    return false;
                }
            }

            return k == _trainable.Length;
        }

        public static int CountTrainable(IReadOnlyList<Parameter> parameters) => parameters.Where(p => p.Trainable).Sum(p => p.Shape.Length);

        private void Scatter(double[] source, bool gradient)
        {
            int offset = 0;
            foreach (var p in _trainable)
            {
                var target = gradient ? p.Gradient : p.Value;
                offset += target switch
                {
                    Tensor<float> t => CopyBack(source.AsSpan(offset), t.AsSpan()),
                    Tensor<double> t => CopyBack(source.AsSpan(offset), t.AsSpan()),
                    _ => 0,
                };
            }
        }

        private static int Copy<T>(ReadOnlySpan<T> source, Span<double> destination) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = double.CreateTruncating(source[i]);
            }

            return source.Length;
        }

        private static int CopyBack<T>(ReadOnlySpan<double> source, Span<T> destination) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = T.CreateTruncating(source[i]);
            }

            return destination.Length;
        }
    }
}
