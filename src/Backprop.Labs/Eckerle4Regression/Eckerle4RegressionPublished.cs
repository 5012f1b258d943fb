namespace Backprop.Labs.Eckerle4Regression;

/// <summary>Course 001, Exercise 2b's Eckerle4 table (course-experiments.md §1.4): for each configuration the mean ±
/// std (ddof = 1) over 4 runs of the final training MSE and the test MSE on the [0, 1]-scaled data, "Did not work" for
/// plain SGD and SGD with momentum 0.99, and L-BFGS "found to yield good results" without numbers. The course's
/// runs were unseeded: a mean is judged within 2 standard deviations of the difference, √(s²_this run + s²_course),
/// the spread of both sets of 4 runs.</summary>
public static class Eckerle4RegressionPublished
{
    private const string Table = "course 001, Ex. 2b, results table (lines 377–437; the means and stds as printed)";

    /// <summary>The final training MSE of each configuration with published numbers, by row number.</summary>
    public static IReadOnlyDictionary<int, PublishedFigure> TrainingMse { get; } = Eckerle4Config.Course.Where(c => !c.DidNotWork).ToDictionary(
        c => c.Number,
        c => new PublishedFigure($"{c.Label}: final training MSE", c.TrainMean!.Value, $"{Table}, row {c.Number} ({Mean(c.TrainMean.Value, c.TrainStd!.Value)})", Tolerance.WithinSpread(2)));

    /// <summary>The test MSE of each configuration with published numbers, by row number.</summary>
    public static IReadOnlyDictionary<int, PublishedFigure> TestMse { get; } = Eckerle4Config.Course.Where(c => !c.DidNotWork).ToDictionary(
        c => c.Number,
        c => new PublishedFigure($"{c.Label}: test MSE", c.TestMean!.Value, $"{Table}, row {c.Number} ({Mean(c.TestMean.Value, c.TestStd!.Value)})", Tolerance.WithinSpread(2)));

    /// <summary>"Did not work" (rows 3 and 5), measured by the collapse rule: the share of runs whose predictions over
    /// the 35 inputs spread less than a tenth of the targets'.</summary>
    public static IReadOnlyDictionary<int, PublishedFigure> DidNotWork { get; } = Eckerle4Config.Course.Where(c => c.DidNotWork).ToDictionary(
        c => c.Number,
        c => new PublishedFigure($"{c.Label}: share of runs predicting nearly the same value for every input", "Did not work",
            $"{Table}, row {c.Number}; \"the network predicted (nearly) the same value for each input\"",
            Tolerance.AtLeast(0.5, "most runs collapse: prediction std < 0.1 × target std")));

    /// <summary>L-BFGS "has been found to yield good results": its mean test MSE at most 0.01, the better half of the
    /// course's working configurations (0.0031–0.0093; the rest reach 0.017–0.078).</summary>
    public static PublishedFigure LbfgsGood { get; } = new(
        "L-BFGS, [128, 128, 64]: test MSE", "L-BFGS (scikit-learn MLP) has been found to yield good results",
        "course 001, Ex. 2b conclusions (no numbers, no settings)", Tolerance.AtMost(0.01, "as good as the better half of the course's table"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        .. Eckerle4Config.Course.SelectMany(c => c.DidNotWork ? new[] { DidNotWork[c.Number] } : [TrainingMse[c.Number], TestMse[c.Number]]),
        LbfgsGood,
    ];

    private static string Mean(double mean, double std) =>
        $"{mean.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)} ± {std.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)}";
}
