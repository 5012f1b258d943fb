namespace Backprop.Labs.DyingRelu;

/// <summary>How one training run of the collapse experiment ended.</summary>
/// <param name="BornDead">The 100 test predictions were exactly equal already at initialisation.</param>
/// <param name="BornDeadTolerance">At initialisation their range was below 1e-6 of the targets' range.</param>
/// <param name="Collapsed">After training all 100 test predictions are exactly equal (float32): the course's criterion.</param>
/// <param name="CollapsedTolerance">After training their range is below 1e-6 of the targets' range.</param>
/// <param name="InactiveUnits">Hidden units (of width·depth) whose output is ≤ 0 for every test input after training: dead for ReLU.</param>
/// <param name="TestMse">Mean squared error on the 100 test points after training.</param>
/// <param name="PredictionHash">A hash of the bits of the final test predictions, to check that runs reproduce exactly.</param>
public readonly record struct RunOutcome(
    bool BornDead,
    bool BornDeadTolerance,
    bool Collapsed,
    bool CollapsedTolerance,
    int InactiveUnits,
    double TestMse,
    ulong PredictionHash);
