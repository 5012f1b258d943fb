using Backprop.Optimizers;

namespace Backprop.Labs.Eckerle4Regression;

/// <summary>One row of course 001's Eckerle4 table: a topology, an optimiser and dropout, with what the course
/// published for it (null values: "did not work").</summary>
/// <param name="Number">The row's number in course-experiments.md §1.4 (1–16).</param>
/// <param name="Hidden">Hidden Dense(relu) sizes.</param>
/// <param name="OptimizerName">As the table names it.</param>
/// <param name="CreateOptimizer">A fresh optimiser for one run.</param>
/// <param name="Dropout">Dropout rate after the first hidden layer (0: none).</param>
/// <param name="TrainMean">Published mean final training MSE (null: did not work).</param>
/// <param name="TrainStd">Published std (ddof = 1).</param>
/// <param name="TestMean">Published mean test MSE.</param>
/// <param name="TestStd">Published std.</param>
internal sealed record Eckerle4Config(
    int Number, int[] Hidden, string OptimizerName, Func<Optimizer> CreateOptimizer, double Dropout,
    double? TrainMean, double? TrainStd, double? TestMean, double? TestStd)
{
    public bool DidNotWork => TrainMean is null;

    public string Label => $"#{Number} [{string.Join(", ", Hidden)}] {OptimizerName}{(Dropout > 0 ? $", dropout {Dropout}" : "")}";

    /// <summary>The sixteen rows, with the table's default learning rate 0.01 wherever a row names none.</summary>
    public static IReadOnlyList<Eckerle4Config> Course { get; } =
    [
        new(1, [128, 64, 64], "Adam (lr 0.01)", () => new Adam(0.01), 0, 0.003549, 0.003338, 0.004714, 0.003150),
        new(2, [128, 64, 64], "Nadam (lr 0.01)", () => new Nadam(0.01), 0, 0.032714, 0.031355, 0.054301, 0.067254),
        new(3, [128, 64, 64], "SGD (lr 0.01)", () => new SGD(0.01), 0, null, null, null, null),
        new(4, [128, 64, 64], "SGD, momentum 0.9", () => new SGD(0.01, momentum: 0.9), 0, 0.005706, 0.003427, 0.006498, 0.001497),
        new(5, [128, 64, 64], "SGD, momentum 0.99", () => new SGD(0.01, momentum: 0.99), 0, null, null, null, null),
        new(6, [128, 64, 64], "SGD, momentum 0.99, Nesterov", () => new SGD(0.01, momentum: 0.99, nesterov: true), 0, 0.012909, 0.019525, 0.017825, 0.028983),
        new(7, [128, 64, 64], "AdaGrad (lr 0.01)", () => new Adagrad(0.01), 0, 0.042178, 0.001065, 0.077668, 0.001648),
        new(8, [128, 64, 64], "RMSProp (lr 0.01)", () => new RMSprop(0.01), 0, 0.025404, 0.015329, 0.032808, 0.036858),
        new(9, [128, 64, 64], "Adam (lr 0.001)", () => new Adam(0.001), 0, 0.004335, 0.002864, 0.004631, 0.002735),
        new(10, [128, 64, 64], "Adam (lr 0.001)", () => new Adam(0.001), 0.2, 0.010163, 0.002472, 0.006441, 0.002854),
        new(11, [128, 64, 64, 64], "Adam (lr 0.001)", () => new Adam(0.001), 0, 0.006767, 0.003907, 0.009295, 0.004876),
        new(12, [128, 64], "Adam (lr 0.001)", () => new Adam(0.001), 0, 0.030075, 0.005764, 0.057578, 0.014727),
        new(13, [128, 128, 64], "Adam (lr 0.001)", () => new Adam(0.001), 0, 0.002878, 0.001552, 0.003066, 0.001185),
        new(14, [128, 128, 64], "Adam (lr 0.001)", () => new Adam(0.001), 0.2, 0.012437, 0.007885, 0.017331, 0.018948),
        new(15, [128, 128, 128], "Adam (lr 0.001)", () => new Adam(0.001), 0, 0.005922, 0.005861, 0.003174, 0.000957),
        new(16, [128, 128, 64], "Adam (lr 0.001), second experiment", () => new Adam(0.001), 0, 0.004220, 0.004908, 0.003175, 0.001020),
    ];
}
