namespace Backprop.Labs.BostonHousing;

/// <summary>What course 000, Question 1 published for its one (unseeded) run of the standardised network (b):
/// the training log of all 42 epochs and the evaluation of the restored weights. Each figure is a single draw, so
/// this run judges it by the spread of its seeds; within the printed digits it matches.</summary>
public static class BostonHousingPublished
{
    private const string Log = "course 000, Q1(b): training log";

    /// <summary>The best validation MAE: 2.1990 at epoch 12 ("Validation MAE: 2.199040651321411" on the restored weights).</summary>
    public static PublishedFigure BestValidationMae { get; } = new(
        "(b) best validation MAE", 2.1990, Log + ", epoch 12 (evaluate: 2.199040651321411)",
        Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    /// <summary>The validation MSE at that epoch: 9.1605 ("Validation MSE: 9.16053581237793").</summary>
    public static PublishedFigure ValidationMse { get; } = new(
        "(b) validation MSE of the restored weights", 9.1605, Log + ", epoch 12 (evaluate: 9.16053581237793)",
        Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    /// <summary>The epoch whose weights early stopping restored: 12.</summary>
    public static PublishedFigure BestEpoch { get; } = new(
        "(b) epoch of the best validation MAE", 12, Log + " (lowest val MAE at epoch 12)",
        Tolerance.WithinSpread(2, matches: Tolerance.Exact));

    /// <summary>The epochs trained before early stopping fired: 42 = 12 + patience 30.</summary>
    public static PublishedFigure EpochsTrained { get; } = new(
        "(b) epochs trained before early stopping", 42, Log + " (stops after epoch 42 = 12 + patience 30)",
        Tolerance.WithinSpread(2, matches: Tolerance.Exact));

    /// <summary>Epoch 1's training MSE: 500.8671 (the mean of the epoch's batch losses, as Keras logs it).</summary>
    public static PublishedFigure FirstEpochLoss { get; } = new(
        "(b) epoch 1 training MSE", 500.8671, Log + ", epoch 1", Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    /// <summary>Epoch 1's training MAE: 20.0420.</summary>
    public static PublishedFigure FirstEpochMae { get; } = new(
        "(b) epoch 1 training MAE", 20.0420, Log + ", epoch 1", Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    /// <summary>Epoch 1's validation MSE: 235.7174.</summary>
    public static PublishedFigure FirstEpochValidationMse { get; } = new(
        "(b) epoch 1 validation MSE", 235.7174, Log + ", epoch 1", Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    /// <summary>Epoch 1's validation MAE: 12.5556.</summary>
    public static PublishedFigure FirstEpochValidationMae { get; } = new(
        "(b) epoch 1 validation MAE", 12.5556, Log + ", epoch 1", Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4)));

    /// <summary>Q1(c) in words: raw features train worse. Measured as the share of seeds in which (c) ends with a
    /// higher best validation MAE than (b) with the same seed, or diverges.</summary>
    public static PublishedFigure RawFeaturesWorse { get; } = new(
        "(c) share of seeds where raw features end worse than (b)",
        "without standardisation, convergence is slower and less stable; large-scale features dominate",
        "course 000, Q1(c) answer (prose, no numbers)",
        Tolerance.AtLeast(0.6, "worse in most seeds"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        BestValidationMae, ValidationMse, BestEpoch, EpochsTrained,
        FirstEpochLoss, FirstEpochMae, FirstEpochValidationMse, FirstEpochValidationMae, RawFeaturesWorse,
    ];
}
