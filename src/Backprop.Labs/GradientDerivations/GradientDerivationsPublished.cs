namespace Backprop.Labs.GradientDerivations;

/// <summary>The closed-form gradients the courses ask students to derive, as formulas. Each is judged by how far it
/// lands from float64 central differences (the independent reference): central differences with ε = 1e-5 agree
/// with a right formula to about 1e-10, while a wrong formula (a sign, a transpose, a missing factor) is off by order
/// one, so the bound 1e-6 separates the two with room on both sides.</summary>
public static class GradientDerivationsPublished
{
    /// <summary>The bound on the scaled error against central differences.</summary>
    public const double Bound = 1e-6;

    private const string Block = "course 002, §3 (a)–(d) (the question; expected answer as derived in the course notes)";
    private const string PRelu = "course 002, §3 (e)–(f) (the question; expected answer as derived in the course notes)";
    private const string Graph = "course 004, §3 computational graph, derivative ";
    private const string Deltas = "course 001, Ex. 1b (output activation and loss pairs) and course 000, Q3(b)";

    private static readonly Tolerance s_agreement = Tolerance.AtMost(Bound, "error against central differences");

    /// <summary>∂L/∂X of the linear–activation–linear block Y = h(XWᵀ)Vᵀ: (A∘B)W with A = (∂L/∂Y)V and B = h′(XWᵀ) (course 002 §3).</summary>
    public static PublishedFigure BlockX { get; } = Formula("block: ∂L/∂X", "(A∘B)W, A = (∂L/∂Y)V, B = h′(XWᵀ)", Block);

    /// <summary>∂L/∂W of the block: (A∘B)ᵀX (course 002 §3).</summary>
    public static PublishedFigure BlockW { get; } = Formula("block: ∂L/∂W", "(A∘B)ᵀX", Block);

    /// <summary>∂L/∂V of the block: (∂L/∂Y)ᵀh(XWᵀ) (course 002 §3).</summary>
    public static PublishedFigure BlockV { get; } = Formula("block: ∂L/∂V", "C = (∂L/∂Y)ᵀh(XWᵀ)", Block);

    /// <summary>∂L/∂b₁ of the block, obtained through a constant-1 column appended to X (course 002 §3).</summary>
    public static PublishedFigure BlockB1 { get; } = Formula("block: ∂L/∂b₁", "through a constant-1 column appended to X", Block);

    /// <summary>∂L/∂b₂ of the block, obtained through a constant-1 column appended to h(XWᵀ) (course 002 §3).</summary>
    public static PublishedFigure BlockB2 { get; } = Formula("block: ∂L/∂b₂", "through a constant-1 column appended to h(XWᵀ)", Block);

    /// <summary>∂L/∂θ of PReLU: Σᵢⱼ(∂L/∂Y ∘ min(0, X))ᵢⱼ (course 002 §3).</summary>
    public static PublishedFigure PReluTheta { get; } = Formula("PReLU: ∂L/∂θ", "Σᵢⱼ(∂L/∂Y ∘ min(0, X))ᵢⱼ", PRelu);

    /// <summary>∂L/∂X of PReLU: ∂L/∂Y ∘ E with Eᵢⱼ = 1 where Xᵢⱼ ≥ 0, else θ (course 002 §3).</summary>
    public static PublishedFigure PReluX { get; } = Formula("PReLU: ∂L/∂X", "∂L/∂Y ∘ E, Eᵢⱼ = 1 if Xᵢⱼ ≥ 0 else θ", PRelu);

    /// <summary>The twelve derivatives (i)–(xii) of course 004 §3, in order.</summary>
    public static PublishedFigure[] GraphChain { get; } =
    [
        Formula("graph (i): ∂l/∂l", "1", Graph + "(i)"),
        Formula("graph (ii): ∂l/∂y", "2(y − ŷ)", Graph + "(ii)"),
        Formula("graph (iii): ∂l/∂ŷ", "−2(y − ŷ)", Graph + "(iii)"),
        Formula("graph (iv): ∂l/∂b2", "∂l/∂ŷ", Graph + "(iv)"),
        Formula("graph (v): ∂l/∂z4", "∂l/∂ŷ", Graph + "(v)"),
        Formula("graph (vi): ∂l/∂W2", "∂l/∂z4 · z3", Graph + "(vi)"),
        Formula("graph (vii): ∂l/∂z3", "∂l/∂z4 · W2ᵀ", Graph + "(vii)"),
        Formula("graph (viii): ∂l/∂z2", "∂l/∂z3 · σ′(z2)", Graph + "(viii)"),
        Formula("graph (ix): ∂l/∂b1", "∂l/∂z2", Graph + "(ix)"),
        Formula("graph (x): ∂l/∂z1", "∂l/∂z2", Graph + "(x)"),
        Formula("graph (xi): ∂l/∂W1", "∂l/∂z1 · x", Graph + "(xi)"),
        Formula("graph (xii): ∂l/∂x", "∂l/∂z1 · W1ᵀ", Graph + "(xii)"),
    ];

    /// <summary>The course's chain as it carries on from (iv): ∂l/∂b2 = ∂l/∂ŷ taken with the sign of (ii), +2(y − ŷ).</summary>
    public static PublishedFigure GraphSignSlip { get; } = Formula(
        "graph (iv) as the course's chain carries it on: ∂l/∂b2", "∂l/∂ŷ used as +2(y − ŷ), the sign of (ii)", "course 004, §3 computational graph, derivatives (ii)–(iv)");

    /// <summary>The output delta of a linear output with ½ squared error: ŷ − y per sample.</summary>
    public static PublishedFigure LinearDelta { get; } = Formula("δ for a linear output and ½ squared error", "ŷ − y (per sample)", Deltas);

    /// <summary>The output delta of a sigmoid output with binary cross-entropy: ŷ − y per sample.</summary>
    public static PublishedFigure SigmoidDelta { get; } = Formula("δ for a sigmoid output and binary cross-entropy", "ŷ − y (per sample)", Deltas);

    /// <summary>The output delta of a softmax output with categorical cross-entropy: ŷ − y per sample.</summary>
    public static PublishedFigure SoftmaxDelta { get; } = Formula("δ for a softmax output and categorical cross-entropy", "ŷ − y (per sample)", Deltas);

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        BlockX, BlockW, BlockV, BlockB1, BlockB2, PReluTheta, PReluX, .. GraphChain, GraphSignSlip, LinearDelta, SigmoidDelta, SoftmaxDelta,
    ];

    /// <summary>The figure for an output pair.</summary>
    public static PublishedFigure DeltaOf(OutputPair pair) => pair switch
    {
        OutputPair.LinearHalfSquaredError => LinearDelta,
        OutputPair.SigmoidBinaryCrossentropy => SigmoidDelta,
        _ => SoftmaxDelta,
    };

    private static PublishedFigure Formula(string quantity, string formula, string source) =>
        new($"{quantity}, largest error against central differences", formula, source, s_agreement);
}
