namespace Backprop.Labs.SineCapacity;

/// <summary>What course 004, §2 reports: one number (the linear model's "accuracy" 0.50623, on data it never states)
/// and claims in words about its figures (absent). Each claim is measured by a ratio of this lab's mean squared
/// errors, averaged over its seeds, with a range fixed before the lab first ran. Different data, so the claims are
/// tested on this lab's sinusoid, not the course's.</summary>
public static class SineCapacityPublished
{
    private const string Report = "course 004, §2 report text (as paraphrased in course-experiments.md §1.9)";

    /// <summary>The only number: the linear model's "accuracy" 0.50623 (probably a training error; units unknown).</summary>
    public static PublishedFigure LinearModelError { get; } = new(
        "MLP without hidden units (linear model): training error", 0.50623, "course 004, §2 (b): \"a MLP without hidden units, which has an accuracy of 0.50623\"",
        Tolerance.Relative(0.1));

    /// <summary>(b) Repeated training of 2 hidden units ends in different local optima.</summary>
    public static PublishedFigure TwoUnitOptima { get; } = new(
        "2 hidden units, 6 restarts: distinct optima (final training MSEs more than 5% apart)",
        "repeated training with 2 hidden neurons leads to different local optima (Figure 1 (a)–(f))",
        Report + " (b)", Tolerance.AtLeast(2, "more than one optimum"));

    /// <summary>(b) The worst 2-unit restart is only slightly better than the linear model.</summary>
    public static PublishedFigure WorstTwoUnitNearLinear { get; } = new(
        "worst of the 6 two-unit restarts: training MSE ÷ the linear model's",
        "figure 1(f) … is only slightly better than a MLP without hidden units",
        Report + " (b)", Tolerance.Between(0.8, 1.0, "slightly below the linear model"));

    /// <summary>(c) 10 units train slightly better than 3.</summary>
    public static PublishedFigure TenTrainsBetterThanThree { get; } = new(
        "10 hidden units: training MSE ÷ 3 hidden units' training MSE",
        "10 neurons: training error slightly better than with 3 neurons",
        Report + " (c), Figure 2(d)", Tolerance.AtMost(1, "lower training error"));

    /// <summary>(c) …but test worse.</summary>
    public static PublishedFigure TenTestsWorseThanThree { get; } = new(
        "10 hidden units: test MSE ÷ 3 hidden units' test MSE",
        "10 neurons: … but worse test error (overfitting in the interval [8, 9])",
        Report + " (c), Figure 2(d)", Tolerance.AtLeast(1, "higher test error"));

    /// <summary>(c) 50 and 100 units overfit: significantly worse test error than 10.</summary>
    public static PublishedFigure HundredOverfits { get; } = new(
        "100 hidden units: test MSE ÷ 10 hidden units' test MSE",
        "50 and 100 neurons: better training error, significantly worse test error (strong overfitting)",
        Report + " (c), Figures 2(e), 2(f)", Tolerance.AtLeast(1.2, "significantly worse: at least 20% higher"));

    /// <summary>(c) …with better training error.</summary>
    public static PublishedFigure HundredTrainsBetter { get; } = new(
        "100 hidden units: training MSE ÷ 10 hidden units' training MSE",
        "50 and 100 neurons: better training error",
        Report + " (c), Figures 2(e), 2(f)", Tolerance.AtMost(1, "lower training error"));

    /// <summary>(e) ReLU and sigmoid [3, 5, 4]: fairly similar test error.</summary>
    public static PublishedFigure ReluSigmoidSimilar { get; } = new(
        "three layers [3, 5, 4]: sigmoid test MSE ÷ ReLU test MSE",
        "fairly similar test error",
        Report + " (e), Figure 6", Tolerance.Between(2.0 / 3, 1.5, "within a factor 1.5"));

    /// <summary>(e) …sigmoid with the smaller train–test gap.</summary>
    public static PublishedFigure SigmoidSmallerGap { get; } = new(
        "three layers [3, 5, 4]: (test − training MSE) of sigmoid minus that of ReLU",
        "the sigmoid network has a smaller gap between training and test error",
        Report + " (e), Figure 6", Tolerance.AtMost(0, "sigmoid's gap smaller"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        LinearModelError, TwoUnitOptima, WorstTwoUnitNearLinear, TenTrainsBetterThanThree, TenTestsWorseThanThree,
        HundredOverfits, HundredTrainsBetter, ReluSigmoidSimilar, SigmoidSmallerGap,
    ];
}
