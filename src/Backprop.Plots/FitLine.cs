namespace Backprop.Plots;

/// <summary>One line in <see cref="Charts.FunctionFit"/>: a model's predictions or the true function, drawn through its points sorted by x.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="X">Inputs.</param>
/// <param name="Y">Outputs, one per input.</param>
/// <param name="Dashed">Dashed line, e.g. for the ground-truth function.</param>
public sealed record FitLine(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false);
