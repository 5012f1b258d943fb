namespace Backprop.Labs.MnistHyperparameters;

/// <summary>What course 001, Exercise 3 published (lines 500–855 and the sheet remark, lines 9–33): the class counts
/// of its split, the stage-1 learning-rate study (4 repetitions, mean ± std), configurations A–U (one unseeded run
/// each), the parameter counts it listed, the printed model summary of its [100, 100] example, and its timings.</summary>
public static class MnistHyperparametersPublished
{
    private const string Source = "course 001, Ex. 3";

    /// <summary>The class-count table (lines 28–33): train, validation, test rows, digits 0–9.</summary>
    internal static readonly IReadOnlyDictionary<string, int[]> ClassCountTable = new Dictionary<string, int[]>
    {
        ["train"] = [4932, 5678, 4968, 5101, 4859, 4506, 4951, 5175, 4842, 4988],
        ["validation"] = [991, 1064, 990, 1030, 983, 915, 967, 1090, 1009, 961],
        ["test"] = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    };

    /// <summary>Stage 1 (mean over 4 repetitions, lines 655–705): width → learning rate → (val acc mean, test acc mean, train loss mean).</summary>
    internal static readonly IReadOnlyDictionary<(int Width, double LearningRate), (double ValAccuracy, double TestAccuracy)> Stage1Means =
        new Dictionary<(int, double), (double, double)>
        {
            [(50, 0.001)] = (0.974575, 0.972875),
            [(50, 0.01)] = (0.977375, 0.974550),
            [(50, 0.1)] = (0.611500, 0.593050),
            [(100, 0.001)] = (0.978775, 0.978175),
            [(100, 0.01)] = (0.979875, 0.981650),
            [(100, 0.1)] = (0.655200, 0.641425),
        };

    /// <summary>Configurations A–U (stages 2–4): train loss, train acc, val loss, val acc, test loss, test acc.</summary>
    internal static readonly IReadOnlyDictionary<string, double[]> Configurations = new Dictionary<string, double[]>
    {
        ["A"] = [0.012859, 0.995900, 0.136605, 0.971900, 0.147408, 0.972600],
        ["B"] = [0.000902, 1.000000, 0.093322, 0.979300, 0.086790, 0.979700],
        ["C"] = [0.000721, 1.000000, 0.076720, 0.983800, 0.070349, 0.983000],
        ["D"] = [0.009871, 0.996900, 0.138232, 0.979600, 0.121062, 0.981000],
        ["E"] = [0.020172, 0.993760, 0.147756, 0.972800, 0.144868, 0.973300],
        ["F"] = [0.016737, 0.995020, 0.119888, 0.977900, 0.128177, 0.976000],
        ["G"] = [0.727100, 0.861640, 1.257219, 0.864800, 1.682080, 0.857300],
        ["H"] = [0.068415, 0.982160, 0.095219, 0.972600, 0.093076, 0.972400],
        ["I"] = [0.267616, 0.925260, 0.243221, 0.930900, 0.254327, 0.930100],
        ["J"] = [0.847191, 0.973760, 1.757821, 0.963500, 1.660859, 0.965500],
        ["K"] = [0.000695, 1.000000, 0.071323, 0.983800, 0.066822, 0.982900],
        ["L"] = [0.000666, 1.000000, 0.069209, 0.984700, 0.064297, 0.983900],
        ["M"] = [0.000657, 1.000000, 0.068998, 0.983600, 0.061477, 0.983900],
        ["N"] = [0.000635, 1.000000, 0.066217, 0.984900, 0.059083, 0.984200],
        ["O"] = [0.000627, 1.000000, 0.067720, 0.983800, 0.057673, 0.984500],
        ["P"] = [0.187101, 0.891420, 0.077229, 0.985100, 0.061507, 0.985300],
        ["Q"] = [0.023458, 0.995620, 0.071826, 0.978600, 0.068080, 0.978400],
        ["R"] = [0.220987, 0.886130, 0.064576, 0.982300, 0.058527, 0.980700],
        ["S"] = [0.023576, 0.995840, 0.066890, 0.979500, 0.065112, 0.980200],
        ["T"] = [0.230429, 0.934460, 0.223759, 0.936400, 0.230059, 0.932700],
        ["U"] = [0.025358, 0.992040, 0.081662, 0.980800, 0.068359, 0.982900],
    };

    /// <summary>The parameter counts the course listed for A–Q.</summary>
    internal static readonly IReadOnlyDictionary<string, long> ParameterCounts = new Dictionary<string, long>
    {
        ["A"] = 39760, ["B"] = 79510, ["C"] = 159010, ["D"] = 89610, ["E"] = 99710, ["F"] = 109810, ["G"] = 79510, ["H"] = 79510,
        ["I"] = 79510, ["J"] = 79510, ["K"] = 238510, ["L"] = 397510, ["M"] = 596260, ["N"] = 795010, ["O"] = 1192510, ["P"] = 795010,
        ["Q"] = 795010,
    };

    /// <summary>The six figures of a configuration row, in the table's order.</summary>
    internal static readonly string[] RowQuantities = ["train loss", "train accuracy", "validation loss", "validation accuracy", "test loss", "test accuracy"];

    private static readonly Tolerance s_accuracy = Tolerance.Absolute(0.005,
        "one unseeded run: ±0.005 accuracy, about ten times the spread of the course's own 4 repetitions at lr 0.01");

    private static readonly Tolerance s_loss = Tolerance.Relative(0.5,
        "one unseeded run: the course's 4 repetitions of the same setting spread the loss by a factor up to 3, so within ±50%");

    /// <summary>A class count: split, digit.</summary>
    public static PublishedFigure ClassCount(string split, int digit) => s_classCounts[(split, digit)];

    /// <summary>Stage 1: mean validation accuracy over the 4 repetitions.</summary>
    public static PublishedFigure Stage1ValAccuracy(int width, double learningRate) => s_stage1[(width, learningRate, "validation")];

    /// <summary>Stage 1: mean test accuracy over the 4 repetitions.</summary>
    public static PublishedFigure Stage1TestAccuracy(int width, double learningRate) => s_stage1[(width, learningRate, "test")];

    /// <summary>Stage 1: the best learning rate by mean validation accuracy ("Optimal learning rate for this configuration: 0.01").</summary>
    public static PublishedFigure BestLearningRate(int width) => s_bestRate[width];

    /// <summary>One figure of a configuration's row (index into <see cref="RowQuantities"/>).</summary>
    public static PublishedFigure Configuration(string name, int quantity) => s_configurations[(name, quantity)];

    /// <summary>The parameter count the course listed for a configuration (A–Q).</summary>
    public static PublishedFigure Parameters(string name) => s_parameters[name];

    /// <summary>The printed summary of the [100, 100] example: total parameters.</summary>
    public static PublishedFigure ExampleTotal { get; } = new("[100, 100] example (L1L2, Dropout, BN): total params", 90410, Source + ", printed summary (lines 557–623)", Tolerance.Exact);

    /// <summary>The printed summary: trainable parameters.</summary>
    public static PublishedFigure ExampleTrainable { get; } = new("[100, 100] example: trainable params", 90010, Source + ", printed summary", Tolerance.Exact);

    /// <summary>The printed summary: non-trainable parameters.</summary>
    public static PublishedFigure ExampleNonTrainable { get; } = new("[100, 100] example: non-trainable params", 400, Source + ", printed summary", Tolerance.Exact);

    /// <summary>"Mostly, the computation time was between 50 and 70 seconds per epoch (for a batch size 1)".</summary>
    public static PublishedFigure SecondsPerEpochBatch1 { get; } = new("seconds per epoch at batch size 1", "between 50 and 70 seconds per epoch",
        Source + ", stage 2 findings", Tolerance.Between(50, 70, "the course's range in words"));

    /// <summary>"For a batch size of 8, with a single hidden layer with 100 neurons and SGD solver, … only 7 seconds".</summary>
    public static PublishedFigure SecondsPerEpochBatch8 { get; } = new("seconds per epoch, [100], SGD, batch size 8", 7,
        Source + ", stage 2 findings", Tolerance.Relative(0.25));

    /// <summary>"The optimal test accuracy achieved was 0.985 (with a batch size of 1)".</summary>
    public static PublishedFigure BestTestAccuracy { get; } = new("best test accuracy at batch size 1", 0.985, Source + ", summary", s_accuracy);

    private static readonly Dictionary<(string, int), PublishedFigure> s_classCounts = ClassCountTable
        .SelectMany(row => row.Value.Select((count, digit) => (row.Key, digit, count)))
        .ToDictionary(t => (t.Key, t.digit), t => new PublishedFigure($"class count, {t.Key}, digit {t.digit}", t.count, Source + ", class-count table (sheet lines 28–33)", Tolerance.Exact));

    private static readonly Dictionary<(int, double, string), PublishedFigure> s_stage1 = Stage1Means
        .SelectMany(kv => new[]
        {
            ((kv.Key.Width, kv.Key.LearningRate, "validation"), kv.Value.ValAccuracy),
            ((kv.Key.Width, kv.Key.LearningRate, "test"), kv.Value.TestAccuracy),
        })
        .ToDictionary(t => t.Item1, t => new PublishedFigure(
            $"stage 1, [{t.Item1.Width}], lr {t.Item1.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}: mean {t.Item1.Item3} accuracy",
            t.Item2, Source + $", stage 1 [{t.Item1.Width}] table, mean of 4 repetitions",
            Tolerance.WithinSpread(2, matches: Tolerance.Absolute(0.002, "±0.002, about four times the course's own spread at lr 0.001 and 0.01"))));

    private static readonly Dictionary<int, PublishedFigure> s_bestRate = new[] { 50, 100 }.ToDictionary(w => w, w => new PublishedFigure(
        $"stage 1, [{w}]: best learning rate by mean validation accuracy", 0.01, Source + $", stage 1 [{w}] (\"Optimal learning rate for this configuration: 0.01\")", Tolerance.Exact));

    private static readonly Dictionary<(string, int), PublishedFigure> s_configurations = Configurations
        .SelectMany(kv => kv.Value.Select((value, i) => (kv.Key, i, value)))
        .ToDictionary(t => (t.Key, t.i), t => new PublishedFigure(
            $"{t.Key}: {RowQuantities[t.i]}", t.value, Source + $", stages 2–4 table, configuration {t.Key}", RowQuantities[t.i].EndsWith("accuracy", StringComparison.Ordinal) ? s_accuracy : s_loss));

    private static readonly Dictionary<string, PublishedFigure> s_parameters = ParameterCounts.ToDictionary(kv => kv.Key, kv => new PublishedFigure(
        $"{kv.Key}: parameters", kv.Value, Source + $", configuration list ({kv.Key})", Tolerance.Exact));

    /// <summary>Every figure, in the order the report compares them.</summary>
    public static IReadOnlyList<PublishedFigure> All { get; } =
    [
        .. s_classCounts.Values,
        .. s_stage1.Values,
        .. s_bestRate.Values,
        .. s_configurations.Values,
        .. s_parameters.Values,
        ExampleTotal, ExampleTrainable, ExampleNonTrainable,
        SecondsPerEpochBatch1, SecondsPerEpochBatch8, BestTestAccuracy,
    ];
}
