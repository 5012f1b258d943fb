namespace Backprop.Labs.VanishingGradients;

/// <summary>What course 001, Exercise 4 published (lines 856–1222; the MNIST split's class counts from the sheet's
/// remark, lines 28–33): the final loss and accuracy on train, validation and test of ten configurations (one
/// unseeded run each), its failed rescues, and its claims in words.</summary>
public static class VanishingGradientsPublished
{
    private const string Exercise = "course 001, Exercise 4";

    /// <summary>The six metrics of each published row, in the course's column order.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"];

    /// <summary>The course's table, verbatim: configuration key → train loss, train acc, val loss, val acc, test loss, test acc.</summary>
    public static IReadOnlyDictionary<string, double[]> Table { get; } = new Dictionary<string, double[]>
    {
        ["sigmoid_1"] = [0.159168, 0.954880, 0.156789, 0.956200, 0.159964, 0.954000],
        ["sigmoid_5"] = [0.617239, 0.831420, 0.552177, 0.857500, 0.577704, 0.852800],
        ["sigmoid_6"] = [2.302763, 0.110340, 2.304596, 0.106400, 2.302881, 0.113500],
        ["relu_6"] = [0.013037, 0.995540, 0.104106, 0.977900, 0.102228, 0.977600],
        ["sigmoid_6_bn"] = [0.127679, 0.960480, 0.071721, 0.979000, 0.071740, 0.977400],
        ["sigmoid_6_uniform"] = [0.124293, 0.962560, 0.175328, 0.949100, 0.177092, 0.946200],
        ["sigmoid_6_uniform_l1"] = [5.152094, 0.960780, 5.146176, 0.956600, 5.146333, 0.952500],
        ["sigmoid_6_uniform_l2"] = [2.824241, 0.962200, 2.822695, 0.951200, 2.826861, 0.951900],
        ["sigmoid_6_bn_uniform_l1"] = [5.356184, 0.889180, 5.145382, 0.942400, 5.152021, 0.939700],
        ["relu_6_bn_uniform_l1"] = [5.376817, 0.881740, 5.126177, 0.949500, 5.132136, 0.944700],
    };

    /// <summary>The class counts of the three parts (digits 0–9), verbatim.</summary>
    public static IReadOnlyDictionary<string, long[]> ClassCounts { get; } = new Dictionary<string, long[]>
    {
        ["train"] = [4932, 5678, 4968, 5101, 4859, 4506, 4951, 5175, 4842, 4988],
        ["validation"] = [991, 1064, 990, 1030, 983, 915, 967, 1090, 1009, 961],
        ["test"] = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    };

    /// <summary>Accuracies must come within 1 point ("matches"), losses within 5%; otherwise within two standard
    /// deviations of this run's seeds is "within spread". The course ran each configuration once, unseeded.</summary>
    public static Tolerance MatchTolerance(string metric) =>
        metric.EndsWith("accuracy", StringComparison.Ordinal)
            ? Tolerance.Absolute(0.01, "one point of accuracy")
            : Tolerance.Relative(0.05, "5% of the loss");

    /// <summary>The figure of one metric of one published configuration.</summary>
    public static PublishedFigure Figure(VanishingConfig config, string metric)
    {
        ArgumentNullException.ThrowIfNull(config);
        return s_figures.TryGetValue((config.Key, metric), out var figure)
            ? figure
            : throw new ArgumentException($"The course published no {metric} for '{config.Key}'.", nameof(metric));
    }

    private static readonly Dictionary<(string, string), PublishedFigure> s_figures = VanishingConfig.Published
        .SelectMany(c => Metrics.Select((m, i) => (c, m, i)))
        .ToDictionary(t => (t.c.Key, t.m), t => new PublishedFigure(
            $"{t.c.Label}: final {t.m.Replace('_', ' ')}",
            Table[t.c.Key][t.i],
            $"{Exercise}, table of final results (6 printed decimals)",
            Tolerance.WithinSpread(2, matches: MatchTolerance(t.m))));

    /// <summary>One figure per part: its class counts, judged by how many of the ten classes differ.</summary>
    public static PublishedFigure ClassCountFigure(string part) => s_classFigures[part];

    private static readonly Dictionary<string, PublishedFigure> s_classFigures = ClassCounts.ToDictionary(kv => kv.Key, kv => new PublishedFigure(
        $"{kv.Key} part: digits 0–9 whose count differs from the course's",
        string.Join(" ", kv.Value),
        "course 001, sheet remark (lines 28–33), class-count table",
        Tolerance.Between(0, 0, "every class count equal")));

    /// <summary>"Did not lead to a successful training": dropout 0.2, L1 0.01 or 0.0001, learning rate ×10 or ÷10.</summary>
    public static PublishedFigure FailedRescue { get; } = new(
        "6 sigmoid layers with one change: final validation accuracy",
        "did not lead to a successful training",
        $"{Exercise}, line 1207 (dropout 0.2, L1 0.01 or 0.0001, learning rate ×10 or ÷10)",
        Tolerance.AtMost(0.5, "at most half the digits right, far from the 0.95 of the networks that train"));

    /// <summary>"The weights barely change": the 6-layer sigmoid net's first layer.</summary>
    public static PublishedFigure FirstLayerBarelyChanges { get; } = new(
        "6 sigmoid layers: relative change of the first layer's weights ‖ΔW₁‖/‖W₁‖, over the 1-layer sigmoid net's",
        "the first-layer weight histogram and weight images barely change",
        $"{Exercise}, discussion of the 6-layer sigmoid baseline",
        Tolerance.AtMost(0.1, "a tenth of what a network that trains changes"));

    /// <summary>"Bias values are only minimally modified".</summary>
    public static PublishedFigure BiasesBarelyChange { get; } = new(
        "6 sigmoid layers: mean |Δb₁| of the first layer's biases, over the 1-layer sigmoid net's",
        "bias values are only minimally modified",
        $"{Exercise}, discussion of the 6-layer sigmoid baseline",
        Tolerance.AtMost(0.1, "a tenth of what a network that trains changes"));

    /// <summary>"6 ReLU layers significantly outperform a single layer with sigmoid".</summary>
    public static PublishedFigure ReluOutperforms { get; } = new(
        "test accuracy of 6 ReLU layers minus that of 1 sigmoid layer",
        "6 ReLU layers significantly outperform a single layer with sigmoid",
        $"{Exercise}, discussion of the ReLU baseline",
        Tolerance.AtLeast(0.01, "at least one point better"));

    /// <summary>"L1 makes the final weights smaller than L2".</summary>
    public static PublishedFigure L1SmallerThanL2 { get; } = new(
        "RandomUniform(−1, 1) nets: mean |w| after training with L1 1e-4 over that with L2 1e-4",
        "L1 makes the final weights smaller than L2",
        $"{Exercise}, discussion of part (c)",
        Tolerance.AtMost(1, "smaller"));

    /// <summary>Every figure above, in the order the report lists them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        .. ClassCounts.Keys.Select(ClassCountFigure),
        .. VanishingConfig.Published.SelectMany(c => Metrics.Select(m => s_figures[(c.Key, m)])),
        FailedRescue, FirstLayerBarelyChanges, BiasesBarelyChange, ReluOutperforms, L1SmallerThanL2,
    ];
}
