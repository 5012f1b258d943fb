namespace Backprop.Labs.EggholderCapacity;

/// <summary>Course 003, Problem 4 reports no numbers (its results are plots, absent from the material); it states
/// claims in words. Each is measured here by a statistic fixed before the lab first ran, on the course's RMSE (BN in
/// training mode on the test set) and training times: RMSE and time are compared at equal parameter counts by
/// interpolating each depth's curve linearly in log₁₀(parameters) between its measured models.</summary>
public static class EggholderCapacityPublished
{
    private const string Source = "course 003, P4 discussion of the plots (prose, no numbers)";

    /// <summary>2 layers beat 1 per parameter: RMSE₂/RMSE₁ at 2,000 parameters (inside both ranges) below 1.</summary>
    public static PublishedFigure TwoLayersBeatOne { get; } = new(
        "RMSE of 2 layers ÷ RMSE of 1 layer at 2,000 parameters",
        "2 layers better than 1 per parameter (paraphrase; the course's sentence is cut off)",
        Source, Tolerance.AtMost(1, "2 layers lower"));

    /// <summary>Depth buys more RMSE per parameter: RMSE₃/RMSE₂, averaged over 1,000–50,000 parameters, below 1.</summary>
    public static PublishedFigure ThreeLayersBeatTwo { get; } = new(
        "RMSE of 3 layers ÷ RMSE of 2 layers, mean over 1,000, 2,000, 5,000, 10,000, 20,000 and 50,000 parameters",
        "with a small increase in the number of parameters in the 3 layer model there is high decrease in the RMSE",
        Source, Tolerance.AtMost(1, "3 layers lower"));

    /// <summary>The 2-layer time is "very close but slightly lesser" than the 3-layer one: t₂/t₃ at equal parameter
    /// counts (mean over 1,000–50,000) between 0.75 and 1.</summary>
    public static PublishedFigure TwoLayerTimeSlightlyLess { get; } = new(
        "training time of 2 layers ÷ 3 layers, mean over 1,000, 2,000, 5,000, 10,000, 20,000 and 50,000 parameters",
        "very close but slightly lesser than that of the 3 layer model (the 2-layer training time)",
        Source, Tolerance.Between(0.75, 1, "close, and below 1"));

    /// <summary>The 1-layer time-against-parameters slope is the steepest: its least-squares slope over the larger of
    /// the 2- and 3-layer slopes at least 1.</summary>
    public static PublishedFigure OneLayerSteepestTime { get; } = new(
        "slope of training time against parameters: 1 layer ÷ the larger of 2 and 3 layers",
        "the 1-layer training time against parameters has the steepest slope (paraphrase)",
        Source, Tolerance.AtLeast(1, "1 layer steepest"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [TwoLayersBeatOne, ThreeLayersBeatTwo, TwoLayerTimeSlightlyLess, OneLayerSteepestTime];
}
