using System.Globalization;

namespace Backprop.Labs.GradientDerivations;

/// <summary>The closed-form gradients the courses ask students to derive — the linear–activation–linear block and
/// PReLU (course 002 §3), the twelve derivatives of a one-hidden-layer computational graph (course 004 §3) and the
/// output-layer identity δ = ŷ − y (course 001 Ex. 1b, course 000 Q3(b)) — each computed from its formula with plain
/// tensor operations and compared with the engine's backward pass and with float64 central differences. The course's
/// computational-graph chain carries a sign slip; the lab shows the check catches it.</summary>
public sealed class GradientDerivationsLab : ILab
{
    /// <summary>The largest error against the engine that counts as agreement: float64 rounding of the same sums.</summary>
    public const double EngineBound = 1e-10;

    /// <summary>The name typed on the command line: <c>gradient-derivations</c>.</summary>
    public string Name => "gradient-derivations";

    /// <summary>One line for <c>backprop lab list</c> and the top of the report.</summary>
    public string Summary =>
        "Gradient formulas from the courses (a linear–activation–linear block, PReLU, a computational graph, δ = ŷ − y) checked against the engine and central differences.";

    /// <summary>The course's published figures this lab compares with.</summary>
    public IReadOnlyList<PublishedFigure> Published => GradientDerivationsPublished.All;

    /// <summary>The block instances: awkward sizes (1, 7, 33) under tanh and sigmoid.</summary>
    public static IReadOnlyList<BlockCase> BlockCases { get; } =
    [
        .. new[] { "tanh", "sigmoid" }.SelectMany((activation, a) => new BlockCase[]
        {
            new(1, 1, 1, 1, activation, (ulong)(11 + a)),
            new(7, 5, 4, 3, activation, (ulong)(21 + a)),
            new(33, 17, 9, 5, activation, (ulong)(31 + a)),
        }),
    ];

    /// <summary>The PReLU instances, with PyTorch's default slope θ = 0.25 and a larger one.</summary>
    public static IReadOnlyList<PReluCase> PReluCases { get; } = [new(1, 7, 0.25, 41), new(7, 5, 0.25, 42), new(33, 17, 0.6, 43)];

    /// <summary>The computational-graph instances.</summary>
    public static IReadOnlyList<GraphCase> GraphCases { get; } = [new(1, 1, 51), new(5, 7, 52), new(17, 33, 53)];

    /// <summary>The output-layer instances: each pair on batches of 1, 7 and 33.</summary>
    public static IReadOnlyList<OutputCase> OutputCases { get; } =
    [
        .. new[] { 1, 7, 33 }.SelectMany(n => new OutputCase[]
        {
            new(OutputPair.LinearHalfSquaredError, n, 3, (ulong)(60 + n)),
            new(OutputPair.SigmoidBinaryCrossentropy, n, 1, (ulong)(70 + n)),
            new(OutputPair.SoftmaxCategoricalCrossentropy, n, 10, (ulong)(80 + n)),
        }),
    ];

    /// <summary>Runs the experiment (a reduced version with <see cref="LabContext.Quick"/>), writing every table, figure, finding and comparison to <paramref name="context"/>.</summary>
    public void Run(LabContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Setting("central_difference_step", CentralDifferences.Step);
        context.Setting("dtype", "float64");
        context.Setting("engine_bound", EngineBound);
        context.Setting("central_difference_bound", GradientDerivationsPublished.Bound);

        context.Section("How each formula is checked");
        context.Paragraph(
            "Every derivative is computed three ways in float64: from its closed-form formula with plain tensor operations (Ops.MatMul, element-wise arithmetic); " +
            "by the engine, running the library's own layers and losses forward and then backward; and by central differences (f(v + ε) − f(v − ε)) / 2ε with ε = 1e-5 " +
            "on a forward pass written as plain loops, which shares no code with the other two. " +
            "An error is max |formula − reference| divided by max(1, max |reference|): absolute for gradients up to 1, relative for larger ones. " +
            $"The formula and the engine evaluate the same sums in another order, so they should agree to float64 rounding (≤ {Sci(EngineBound)}); " +
            $"central differences carry their own error of about 1e-10, so a formula counts as right within {Sci(GradientDerivationsPublished.Bound)} of them. " +
            "Every check runs on several random instances of awkward sizes (1, 7, 33), seeded, so the numbers repeat.");
        if (context.Quick)
        {
            context.Paragraph("--quick runs the full lab: the checks take well under a second.");
        }

        var engineErrors = new List<double>();
        CheckBlock(context, engineErrors);
        CheckPRelu(context, engineErrors);
        CheckGraph(context, engineErrors);
        CheckOutputDeltas(context, engineErrors);

        double worst = engineErrors.Max();
        context.Record("max_engine_error", worst);
        context.Headline("largest formula − engine difference", Sci(worst));
        context.Section("Summary");
        context.Finding(
            $"Over {engineErrors.Count} derivatives the formulas and the engine's backward passes agree to {Sci(worst)} at most, " +
            (worst <= EngineBound ? $"within the float64 rounding bound {Sci(EngineBound)}." : $"ABOVE the float64 rounding bound {Sci(EngineBound)}: the engine and the formula compute different numbers."));
    }

    private static void CheckBlock(LabContext context, List<double> engineErrors)
    {
        context.Section("(1) The linear–activation–linear block");
        context.Paragraph(
            "Y = h(XWᵀ + b₁)Vᵀ + b₂ with X ∈ ℝ^{S×M}, W ∈ ℝ^{F×M}, V ∈ ℝ^{N×F}, h = tanh or sigmoid, and L the mean squared error against random targets. " +
            "With A = (∂L/∂Y)V, B = h′(XWᵀ + b₁) and C = (∂L/∂Y)ᵀh(XWᵀ + b₁): ∂L/∂X = (A∘B)W, ∂L/∂W = (A∘B)ᵀX, ∂L/∂V = C. " +
            "The biases come from the same formulas with a constant-1 column appended to X and to h: ∂L/∂b₁ and ∂L/∂b₂ are the last columns of (A∘B)ᵀ[X | 1] and (∂L/∂Y)ᵀ[h | 1]. " +
            "The engine is Dense(F, h) → Dense(N) with the library's MeanSquaredError; a Dense kernel is the transpose of W (Keras stores (inputs, units)).");
        var checks = BlockCases.SelectMany(BlockGradients.Check).ToList();
        Table(context, "Block gradients: formula against the engine and central differences", checks);
        engineErrors.AddRange(checks.Where(c => c.EngineError is not null).Select(c => c.EngineError!.Value));
        context.Record("block.checks", checks);
        var figures = new (string Derivative, PublishedFigure Figure)[]
        {
            ("∂L/∂X", GradientDerivationsPublished.BlockX), ("∂L/∂W", GradientDerivationsPublished.BlockW), ("∂L/∂V", GradientDerivationsPublished.BlockV),
            ("∂L/∂b₁", GradientDerivationsPublished.BlockB1), ("∂L/∂b₂", GradientDerivationsPublished.BlockB2),
        };
        foreach (var (derivative, figure) in figures)
        {
            context.Compare(figure, checks.Where(c => c.Derivative == derivative).Max(c => c.CentralDifferenceError), $"{BlockCases.Count} instances");
        }
    }

    private static void CheckPRelu(LabContext context, List<double> engineErrors)
    {
        context.Section("(2) PReLU");
        context.Paragraph(
            "Y = hθ(X) element-wise, hθ(z) = z for z ≥ 0 and θz for z < 0, one θ for the layer. With L = Σ Y ∘ R for a fixed random R (so ∂L/∂Y = R): " +
            "∂L/∂θ = Σᵢⱼ(∂L/∂Y ∘ min(0, X))ᵢⱼ and ∂L/∂X = ∂L/∂Y ∘ E with Eᵢⱼ = 1 if Xᵢⱼ ≥ 0 else θ. " +
            "The engine is the library's PReLU with α shared over the features (sharedAxes: [1]), α initialised to θ. " +
            "Central differences step over the kink at 0 only if an entry lies within ε of it; none of the random entries does.");
        var checks = PReluCases.SelectMany(PReluGradients.Check).ToList();
        Table(context, "PReLU gradients: formula against the engine and central differences", checks);
        engineErrors.AddRange(checks.Select(c => c.EngineError!.Value));
        context.Record("prelu.checks", checks);
        context.Compare(GradientDerivationsPublished.PReluTheta, checks.Where(c => c.Derivative == "∂L/∂θ").Max(c => c.CentralDifferenceError), $"{PReluCases.Count} instances");
        context.Compare(GradientDerivationsPublished.PReluX, checks.Where(c => c.Derivative == "∂L/∂X").Max(c => c.CentralDifferenceError), $"{PReluCases.Count} instances");
    }

    private static void CheckGraph(LabContext context, List<double> engineErrors)
    {
        context.Section("(3) The computational graph of a one-hidden-layer network");
        context.Paragraph(
            "z1 = xW1, z2 = z1 + b1, z3 = σ(z2), z4 = z3W2, ŷ = z4 + b2, l = (y − ŷ)², with x a row of D inputs and H hidden units. " +
            "Each of the twelve derivatives follows from the one before it by the chain rule. In this row layout ∂l/∂W2 = z3ᵀ ∂l/∂z4 (H × 1, the shape of W2), " +
            "∂l/∂W1 = xᵀ ∂l/∂z1 (D × H) and ∂l/∂x = ∂l/∂z1 W1ᵀ (1 × D); the course writes some of them in the column layout (W2ᵀ·z3, W1ᵀ·x), which the shapes here settle. " +
            "Central differences perturb each variable, or each intermediate node after it is computed, and recompute l from there. " +
            "The engine is Dense(H) → Activation(sigmoid) → Dense(1) with the library's MeanSquaredError (one sample, one output: (ŷ − y)²); a Dense layer adds its bias itself, " +
            "so its input gradient serves for ∂l/∂z1 = ∂l/∂z2 and ∂l/∂z4 = ∂l/∂ŷ, and it has no gradient for l itself or for the target y.");
        var correct = new List<(GraphCase Case, GraphDerivative Derivative)>();
        var published = new List<(GraphCase Case, GraphDerivative Derivative)>();
        foreach (var c in GraphCases)
        {
            var (right, asPublished) = ComputationalGraph.Check(c);
            correct.AddRange(right.Select(d => (c, d)));
            published.AddRange(asPublished.Select(d => (c, d)));
        }

        var checks = correct.Select(p => ToCheck(p.Case, p.Derivative)).ToList();
        Table(context, "The twelve derivatives: formula against the engine and central differences", checks);
        engineErrors.AddRange(checks.Where(c => c.EngineError is not null).Select(c => c.EngineError!.Value));
        context.Record("graph.checks", checks);

        var slipped = published.Select(p => ToCheck(p.Case, p.Derivative)).ToList();
        context.Table("The course's chain from (iv) on, with ∂l/∂ŷ carried as +2(y − ŷ)",
            ["instance", "derivative", "as the chain computes it", "error against the engine", "error against central differences"],
            slipped.Select(c => (IReadOnlyList<object?>)[c.Case, c.Derivative, c.Formula, Sci(c.EngineError!.Value), Sci(c.CentralDifferenceError)]));
        context.Record("graph.published_chain_checks", slipped);

        for (int i = 0; i < GradientDerivationsPublished.GraphChain.Length; i++)
        {
            string number = Numerals[i];
            context.Compare(GradientDerivationsPublished.GraphChain[i],
                correct.Where(p => p.Derivative.Number == number).Max(p => ToCheck(p.Case, p.Derivative).CentralDifferenceError), $"{GraphCases.Count} instances");
        }

        var slipRow = context.Compare(GradientDerivationsPublished.GraphSignSlip,
            slipped.Where(c => c.Derivative.StartsWith("(iv)", StringComparison.Ordinal)).Max(c => c.CentralDifferenceError), $"{GraphCases.Count} instances",
            note: "(ii) ∂l/∂y = 2(y − ŷ) and (iii) ∂l/∂ŷ = −2(y − ŷ) differ only in sign; carrying (ii)'s expression into (iv) flips the sign of every derivative from ∂l/∂b2 down to ∂l/∂x, " +
                "so each one is off by twice its size (error 2 relative to the gradient, or 2|g| when |g| < 1).");
        double smallest = slipped.Min(c => c.CentralDifferenceError);
        context.Finding(
            $"The twelve formulas, written from the correct ∂l/∂ŷ = −2(y − ŷ), agree with central differences to {Sci(checks.Max(c => c.CentralDifferenceError))} and with the engine to " +
            $"{Sci(checks.Where(c => c.EngineError is not null).Max(c => c.EngineError!.Value))}. The course's chain, which carries ∂l/∂ŷ on as +2(y − ŷ), {slipRow.Verdict.ToText()}: " +
            $"its ∂l/∂b2 is off by {Sci(slipRow.Measured.Value!.Value)}, and every derivative from (iv) to (xii) fails the check (smallest error {Sci(smallest)}, against the bound {Sci(GradientDerivationsPublished.Bound)}).");
    }

    private static void CheckOutputDeltas(LabContext context, List<double> engineErrors)
    {
        context.Section("(4) δ = ŷ − y at the output layer");
        context.Paragraph(
            "For a linear output with the halved squared error ½(ŷ − y)², a sigmoid output with binary cross-entropy and a softmax output with categorical cross-entropy, " +
            "the gradient of the per-sample loss with respect to the output layer's pre-activation z is the same, δ = ŷ − y: the activation's derivative cancels against the loss's. " +
            "Averaged over a batch of n, ∂L/∂z = (ŷ − y)/n. The engine's δ is the loss's Backward followed by the activation layer's Backward (not the fused shortcut Fit uses); " +
            "the halved squared error is the lab-defined HalfSquaredError of backprop-step, since Keras's MSE has no ½.");
        var checks = OutputCases.Select(OutputDeltas.Check).ToList();
        Table(context, "Output-layer δ: (ŷ − y)/n against the engine and central differences", checks);
        engineErrors.AddRange(checks.Select(c => c.EngineError!.Value));
        context.Record("deltas.checks", checks);
        foreach (var pair in Enum.GetValues<OutputPair>())
        {
            var rows = OutputCases.Select((c, i) => (c, checks[i])).Where(p => p.c.Pair == pair).Select(p => p.Item2).ToList();
            context.Compare(GradientDerivationsPublished.DeltaOf(pair), rows.Max(c => c.CentralDifferenceError), $"{rows.Count} instances");
        }
    }

    private static readonly string[] Numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"];

    private static DerivativeCheck ToCheck(GraphCase c, GraphDerivative d) => new(
        c.ToString(), $"({d.Number}) {d.Name}", d.Formula, Derivation.ShapeText(d.Value.Length),
        d.Engine is null ? null : Errors.Scaled(d.Value, d.Engine), Errors.Scaled(d.Value, d.CentralDifference));

    private static void Table(LabContext context, string title, IReadOnlyList<DerivativeCheck> checks) =>
        context.Table(title, ["instance", "derivative", "formula", "shape", "error against the engine", "error against central differences"],
            checks.Select(c => (IReadOnlyList<object?>)[c.Case, c.Derivative, c.Formula, c.Shape, c.EngineError is { } e ? Sci(e) : "— (no engine gradient)", Sci(c.CentralDifferenceError)]));

    private static string Sci(double value) => value == 0 ? "0" : value.ToString("0.##E+0", CultureInfo.InvariantCulture);
}
