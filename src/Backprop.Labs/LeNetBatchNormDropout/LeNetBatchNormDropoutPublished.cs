namespace Backprop.Labs.LeNetBatchNormDropout;

/// <summary>What course 003, Problem 3 published for its four LeNet-5 models: each trained once (unseeded) and
/// evaluated on the 10,000 test digits, plus the dropout model's four epochs at chance. Each figure is a single draw,
/// so this run judges it by the spread of its seeds; within the printed digits it matches.</summary>
public static class LeNetBatchNormDropoutPublished
{
    private const string Course = "course 003, Problem 3";

    /// <summary>"Standard norm" (a never-adapted Normalization layer first, hidden BN): test accuracy 0.9511.</summary>
    public static PublishedFigure StandardNormTestAccuracy { get; } = new(
        "standard norm: test accuracy", 0.9511, Course + ".2 \"Standard norm\", evaluate: 0.9510999917984009", Spread());

    /// <summary>"Batch Normalization" (BN as the input layer, hidden BN): test accuracy 0.9772.</summary>
    public static PublishedFigure BatchNormTestAccuracy { get; } = new(
        "batch norm: test accuracy", 0.9772, Course + ".3 \"Batch Normalization\", evaluate: 0.9771999716758728", Spread());

    /// <summary>"Dropout" (Dropout 0.2 on the input, 0.5 after every hidden sigmoid, no BN): test accuracy 0.9601.</summary>
    public static PublishedFigure DropoutTestAccuracy { get; } = new(
        "dropout: test accuracy", 0.9601, Course + " \"Dropout\", evaluate: 0.960099995136261", Spread());

    /// <summary>"Dropout + normalization" (BN then Dropout 0.2 first, hidden BN and dropout): test accuracy 0.9795.</summary>
    public static PublishedFigure BatchNormDropoutTestAccuracy { get; } = new(
        "batch norm + dropout: test accuracy", 0.9795, Course + " \"Dropout + normalization\", evaluate: 0.9794999957084656", Spread());

    /// <summary>"Standard norm": test loss 0.1521.</summary>
    public static PublishedFigure StandardNormTestLoss { get; } = new(
        "standard norm: test loss", 0.1521, Course + ".2 \"Standard norm\", evaluate: 0.15214568376541138", Spread());

    /// <summary>"Batch Normalization": test loss 0.0780.</summary>
    public static PublishedFigure BatchNormTestLoss { get; } = new(
        "batch norm: test loss", 0.0780, Course + ".3 \"Batch Normalization\", evaluate: 0.07803839445114136", Spread());

    /// <summary>"Dropout": test loss 0.1255.</summary>
    public static PublishedFigure DropoutTestLoss { get; } = new(
        "dropout: test loss", 0.1255, Course + " \"Dropout\", evaluate: 0.12549354135990143", Spread());

    /// <summary>"Dropout + normalization": test loss 0.0626.</summary>
    public static PublishedFigure BatchNormDropoutTestLoss { get; } = new(
        "batch norm + dropout: test loss", 0.0626, Course + " \"Dropout + normalization\", evaluate: 0.06260231882333755", Spread());

    /// <summary>The dropout model's validation accuracy stayed at chance (0.1050) for epochs 1–4 and jumped to 0.8658 in
    /// epoch 5.</summary>
    public static PublishedFigure DropoutEpochsAtChance { get; } = new(
        "dropout: first epochs with validation accuracy at chance (< 0.2)", 4,
        Course + " \"Dropout\" training log: val_accuracy 0.1050 in epochs 1–4, 0.8658 in epoch 5",
        Tolerance.WithinSpread(2, matches: Tolerance.Exact));

    /// <summary>The four test accuracies, in the course's order.</summary>
    public static IReadOnlyList<PublishedFigure> TestAccuracies { get; } =
        [StandardNormTestAccuracy, BatchNormTestAccuracy, DropoutTestAccuracy, BatchNormDropoutTestAccuracy];

    /// <summary>The four test losses, in the course's order.</summary>
    public static IReadOnlyList<PublishedFigure> TestLosses { get; } =
        [StandardNormTestLoss, BatchNormTestLoss, DropoutTestLoss, BatchNormDropoutTestLoss];

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } = [.. TestAccuracies, .. TestLosses, DropoutEpochsAtChance];

    /// <summary>The course's per-epoch training logs (loss, accuracy, val_loss, val_accuracy, verbatim), shown beside
    /// this run's curves; not compared row by row (one unseeded run each).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<CourseEpoch>> Logs { get; } = new Dictionary<string, IReadOnlyList<CourseEpoch>>
    {
        ["standard_norm"] =
        [
            new(0.5432, 0.9003, 2.4032, 0.2858), new(0.1335, 0.9714, 0.4917, 0.8350), new(0.0851, 0.9788, 0.1243, 0.9650),
            new(0.0658, 0.9826, 0.3090, 0.9020), new(0.0566, 0.9839, 0.1413, 0.9550),
        ],
        ["batchnorm_input"] =
        [
            new(0.5366, 0.9100, 1.1415, 0.6973), new(0.1342, 0.9736, 0.2600, 0.9245), new(0.0865, 0.9792, 0.1320, 0.9598),
            new(0.0669, 0.9824, 0.0691, 0.9823), new(0.0561, 0.9847, 0.0682, 0.9808),
        ],
        ["dropout"] =
        [
            new(2.3300, 0.1034, 2.3018, 0.1050), new(2.3028, 0.1071, 2.3019, 0.1050), new(2.3020, 0.1125, 2.3020, 0.1050),
            new(2.3013, 0.1129, 2.3013, 0.1050), new(1.6285, 0.4072, 0.4646, 0.8658), new(0.6692, 0.7841, 0.2809, 0.9220),
            new(0.5391, 0.8336, 0.2260, 0.9340), new(0.4713, 0.8561, 0.1890, 0.9447), new(0.4268, 0.8706, 0.1650, 0.9503),
            new(0.3940, 0.8790, 0.1453, 0.9580), new(0.3631, 0.8897, 0.1311, 0.9607), new(0.3433, 0.8980, 0.1203, 0.9632),
            new(0.3278, 0.9018, 0.1116, 0.9653), new(0.3114, 0.9081, 0.1047, 0.9687), new(0.2983, 0.9104, 0.1026, 0.9707),
        ],
        ["batchnorm_dropout"] =
        [
            new(1.7867, 0.3861, 0.7698, 0.8473), new(1.0900, 0.6402, 0.4531, 0.8973), new(0.8197, 0.7383, 0.2889, 0.9327),
            new(0.6366, 0.8014, 0.2146, 0.9437), new(0.5101, 0.8440, 0.1392, 0.9630), new(0.4327, 0.8706, 0.1141, 0.9673),
            new(0.3844, 0.8842, 0.0934, 0.9730), new(0.3489, 0.8956, 0.0860, 0.9745), new(0.3217, 0.9046, 0.0727, 0.9797),
            new(0.2991, 0.9111, 0.0707, 0.9788), new(0.2910, 0.9150, 0.0717, 0.9793), new(0.2734, 0.9186, 0.0642, 0.9813),
            new(0.2653, 0.9230, 0.0651, 0.9782), new(0.2490, 0.9277, 0.0627, 0.9800), new(0.2476, 0.9276, 0.0561, 0.9842),
        ],
    };

    /// <summary>The published test accuracy of a model by its lab key, or null when the course did not train it.</summary>
    public static PublishedFigure? TestAccuracyOf(string key) => key switch
    {
        "standard_norm" => StandardNormTestAccuracy,
        "batchnorm_input" => BatchNormTestAccuracy,
        "dropout" => DropoutTestAccuracy,
        "batchnorm_dropout" => BatchNormDropoutTestAccuracy,
        _ => null,
    };

    /// <summary>The published test loss of a model by its lab key, or null when the course did not train it.</summary>
    public static PublishedFigure? TestLossOf(string key) => key switch
    {
        "standard_norm" => StandardNormTestLoss,
        "batchnorm_input" => BatchNormTestLoss,
        "dropout" => DropoutTestLoss,
        "batchnorm_dropout" => BatchNormDropoutTestLoss,
        _ => null,
    };

    // A figure printed to four decimals from one unseeded run.
    private static Tolerance Spread() => Tolerance.WithinSpread(2, matches: Tolerance.PublishedDecimals(4));
}

/// <summary>One epoch of a course training log, as Keras printed it.</summary>
public sealed record CourseEpoch(double Loss, double Accuracy, double ValLoss, double ValAccuracy);
