namespace Backprop.Labs.PerceptronHinge;

/// <summary>What course 003, Problem 1 printed for its one unseeded draw of 20 training and 1,000 test points:
/// the learned weights and the test accuracy of the perceptron criterion (1.1) and of the hinge loss (1.2), and its
/// answer to 1.3 (the hinge loss is better). A single random draw: this run judges each figure by the spread over
/// its fresh training sets, and the accuracies to their printed three decimals.</summary>
public static class PerceptronHingePublished
{
    private const string Perceptron = "course 003, P1.1 (perceptron criterion, a = 0, 50 epochs): printed";
    private const string Hinge = "course 003, P1.2 (hinge loss, a = 1, 200 epochs): printed";

    /// <summary>The perceptron's w₁: 0.06943906675610265.</summary>
    public static PublishedFigure PerceptronW1 { get; } = new("perceptron: w₁", 0.06943906675610265, Perceptron + " w[0]", Tolerance.WithinSpread(2));

    /// <summary>The perceptron's w₂: −0.09107289548530381.</summary>
    public static PublishedFigure PerceptronW2 { get; } = new("perceptron: w₂", -0.09107289548530381, Perceptron + " w[1]", Tolerance.WithinSpread(2));

    /// <summary>The perceptron's accuracy on 1,000 test points: 0.902.</summary>
    public static PublishedFigure PerceptronAccuracy { get; } = new("perceptron: test accuracy (1,000 points)", 0.902, Perceptron + " accuracy",
        Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(3)));

    /// <summary>The hinge loss's w₁: 7.061454974712272.</summary>
    public static PublishedFigure HingeW1 { get; } = new("hinge: w₁", 7.061454974712272, Hinge + " w[0]", Tolerance.WithinSpread(2));

    /// <summary>The hinge loss's w₂: −7.848020193905932.</summary>
    public static PublishedFigure HingeW2 { get; } = new("hinge: w₂", -7.848020193905932, Hinge + " w[1]", Tolerance.WithinSpread(2));

    /// <summary>The hinge loss's accuracy on 1,000 test points: 0.955.</summary>
    public static PublishedFigure HingeAccuracy { get; } = new("hinge: test accuracy (1,000 points)", 0.955, Hinge + " accuracy",
        Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(3)));

    /// <summary>1.3 in words: the hinge loss classifies better. Measured as the share of fresh training sets on
    /// which the hinge loss's exact accuracy beats the perceptron's; "better" needs it in most of them.</summary>
    public static PublishedFigure HingeBetter { get; } = new(
        "share of training sets where the hinge loss's exact accuracy beats the perceptron's",
        "Hinge loss is better because hinge loss handles points closer to the boundary",
        "course 003, P1.3 answer (prose, no numbers)",
        Tolerance.AtLeast(0.5, "better on most training sets"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
        [PerceptronW1, PerceptronW2, PerceptronAccuracy, HingeW1, HingeW2, HingeAccuracy, HingeBetter];
}
