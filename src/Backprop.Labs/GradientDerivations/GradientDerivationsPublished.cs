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

    public static PublishedFigure BlockX { get; } = Formula("block: ∂L/∂X", "(A∘B)W, A = (∂L/∂Y)V, B = h′(XWᵀ)", Block);

    public static PublishedFigure BlockW { get; } = Formula("block: ∂L/∂W", "(A∘B)ᵀX", Block);

    public static PublishedFigure BlockV { get; } = Formula("block: ∂L/∂V", "C = (∂L/∂Y)ᵀh(XWᵀ)", Block);

    public static PublishedFigure BlockB1 { get; } = Formula("block: ∂L/∂b₁", "through a constant-1 column appended to X", Block);

    public static PublishedFigure BlockB2 { get; } = Formula("block: ∂L/∂b₂", "through a constant-1 column appended to h(XWᵀ)", Block);

    public static PublishedFigure PReluTheta { get; } = Formula("PReLU: ∂L/∂θ", "Σᵢⱼ(∂L/∂Y ∘ min(0, X))ᵢⱼ", PRelu);

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

    public static PublishedFigure LinearDelta { get; } = Formula("δ for a linear output and ½ squared error", "ŷ − y (per sample)", Deltas);

    public static PublishedFigure SigmoidDelta { get; } = Formula("δ for a sigmoid output and binary cross-entropy", "ŷ − y (per sample)", Deltas);

    public static PublishedFigure SoftmaxDelta { get; } = Formula("δ for a softmax output and categorical cross-entropy", "ŷ − y (per sample)", Deltas);

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
