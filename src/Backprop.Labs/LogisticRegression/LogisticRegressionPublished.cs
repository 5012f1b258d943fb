namespace Backprop.Labs.LogisticRegression;

/// <summary>Course 004, §1.1 a) publishes no numbers (no data set, no training settings). The reference this lab
/// compares with is scikit-learn's <c>LogisticRegression</c> on the lab's own splits, measured by
/// <c>bench/peers/logistic_regression_reference.py</c> (scikit-learn 1.2.1, numpy 1.24.2, Python 3.11.2, Debian's
/// packages; deterministic lbfgs, so the figures repeat on any machine): with its defaults (L2 penalty, C = 1) and
/// without a penalty (the unregularised cross-entropy the lab minimises). Tolerances, fixed before the lab first ran:
/// 2 percentage points on Digits (9 of 450 test digits) and 3 on Iris (1 of 38 test flowers), since the lab trains
/// by mini-batch SGD for a fixed number of epochs where scikit-learn runs lbfgs to convergence.</summary>
public static class LogisticRegressionPublished
{
    private const string Script = "scikit-learn 1.2.1 LogisticRegression(max_iter=5000) on the same split, bench/peers/logistic_regression_reference.py";

    private static readonly Tolerance s_digits = Tolerance.Absolute(0.02, "9 of 450 test digits: SGD for a fixed number of epochs against lbfgs to convergence");
    private static readonly Tolerance s_iris = Tolerance.Absolute(0.03, "1 of 38 test flowers");

    /// <summary>Digits, defaults (C = 1): 436 of 450 test digits, 0.96889.</summary>
    public static PublishedFigure DigitsDefault { get; } = new("Digits: test accuracy against scikit-learn's default (L2, C = 1)", 0.9688888888888889, Script + ", defaults", s_digits);

    /// <summary>Digits, penalty=None: 438 of 450, 0.97333.</summary>
    public static PublishedFigure DigitsUnpenalised { get; } = new("Digits: test accuracy against scikit-learn without penalty", 0.9733333333333334, Script + ", penalty=None", s_digits);

    /// <summary>Iris, defaults: 38 of 38.</summary>
    public static PublishedFigure IrisDefault { get; } = new("Iris: test accuracy against scikit-learn's default (L2, C = 1)", 1.0, Script + ", defaults", s_iris);

    /// <summary>Iris, penalty=None: 38 of 38.</summary>
    public static PublishedFigure IrisUnpenalised { get; } = new("Iris: test accuracy against scikit-learn without penalty", 1.0, Script + ", penalty=None", s_iris);

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [DigitsDefault, DigitsUnpenalised, IrisDefault, IrisUnpenalised];
}
