namespace Backprop.Labs.BackpropStep;

/// <summary>Every number of the course's solution to the backprop-step exercise (course 001, Exercise 2a): the
/// forward table, the deltas, the weights after the step, and the one entry of its intermediate b¹ working that
/// disagrees with its own final table. All are short binary fractions, so float64 must reproduce them exactly.
/// The course's deltas Δ are per sample (∂ℓᵢ/∂z, no 1/m); its update divides by m = 2 instead.</summary>
public static class BackpropStepPublished
{
    private const string Forward = "course 001, Ex. 2a solution: forward table";
    private const string Deltas = "course 001, Ex. 2a solution: deltas";
    private const string Result = "course 001, Ex. 2a solution: result table (t = 1)";

    /// <summary>z¹ per sample: (−1, 1, −2, 2) and (−2, 3, 1, −8).</summary>
    public static PublishedFigure[][] PreActivations { get; } = PerSample("z¹", [[-1, 1, -2, 2], [-2, 3, 1, -8]], Forward);

    /// <summary>a¹ = relu(z¹) per sample: (0, 1, 0, 2) and (0, 3, 1, 0).</summary>
    public static PublishedFigure[][] Activations { get; } = PerSample("a¹", [[0, 1, 0, 2], [0, 3, 1, 0]], Forward);

    /// <summary>ŷ per sample: 2 and −3.</summary>
    public static PublishedFigure[] Outputs { get; } = [Exact("ŷ, sample 1", 2, Forward), Exact("ŷ, sample 2", -3, Forward)];

    /// <summary>Δ² = ŷ − y per sample: 1 and −2.</summary>
    public static PublishedFigure[] OutputDeltas { get; } = [Exact("Δ² = ŷ − y, sample 1", 1, Deltas), Exact("Δ² = ŷ − y, sample 2", -2, Deltas)];

    /// <summary>f′(z¹) per sample: (0, 1, 0, 1) and (0, 1, 1, 0).</summary>
    public static PublishedFigure[][] ReluDerivatives { get; } = PerSample("f′(z¹)", [[0, 1, 0, 1], [0, 1, 1, 0]], Deltas);

    /// <summary>Δ¹ per sample: (0, 0, 0, 2) and (0, 0, 2, 0).</summary>
    public static PublishedFigure[][] HiddenDeltas { get; } = PerSample("Δ¹", [[0, 0, 0, 2], [0, 0, 2, 0]], Deltas);

    /// <summary>W¹ after the step, row j = weights into hidden unit j: [[1, 2], [0, −1], [−2, −2.5], [−1.5, 1.5]].</summary>
    public static PublishedFigure[][] UpdatedW1 { get; } =
    [
        .. new double[][] { [1, 2], [0, -1], [-2, -2.5], [-1.5, 1.5] }
            .Select((row, j) => row.Select((v, i) => Exact($"W¹[{j + 1},{i + 1}] after the step", v, Result)).ToArray()),
    ];

    /// <summary>b¹ after the step: (−2, 2, −0.5, −2.5).</summary>
    public static PublishedFigure[] UpdatedB1 { get; } = Vector("b¹", [-2, 2, -0.5, -2.5], Result);

    /// <summary>W² after the step: (1, 1.25, −0.5, 1.5).</summary>
    public static PublishedFigure[] UpdatedW2 { get; } = Vector("W²", [1, 1.25, -0.5, 1.5], Result);

    /// <summary>b² after the step: −1.75.</summary>
    public static PublishedFigure UpdatedB2 { get; } = Exact("b² after the step", -1.75, Result);

    /// <summary>The course's intermediate working for b¹ ends in (−2, 2, 0, −2.5): its third entry, 0, leaves out
    /// sample 2's Δ¹₃ = 2; the final table's −0.5 is right.</summary>
    public static PublishedFigure WorkingB1Third { get; } = Exact(
        "b¹[3] after the step, as the intermediate working writes it", 0, "course 001, Ex. 2a solution: working for b¹(t = 1), which ends in (−2, 2, 0, −2.5)");

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        .. PreActivations.SelectMany(s => s), .. Activations.SelectMany(s => s), .. Outputs,
        .. OutputDeltas, .. ReluDerivatives.SelectMany(s => s), .. HiddenDeltas.SelectMany(s => s),
        .. UpdatedW1.SelectMany(r => r), .. UpdatedB1, .. UpdatedW2, UpdatedB2, WorkingB1Third,
    ];

    private static PublishedFigure Exact(string quantity, double value, string source) => new(quantity, value, source, Tolerance.Exact);

    private static PublishedFigure[][] PerSample(string name, double[][] values, string source) =>
    [
        .. values.Select((sample, s) => sample.Select((v, j) => Exact($"{name}[{j + 1}], sample {s + 1}", v, source)).ToArray()),
    ];

    private static PublishedFigure[] Vector(string name, double[] values, string source) =>
        [.. values.Select((v, j) => Exact($"{name}[{j + 1}] after the step", v, source))];
}
