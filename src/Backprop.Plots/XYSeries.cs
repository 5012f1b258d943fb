namespace Backprop.Plots;

/// <summary>One line of <see cref="Charts.XYPlot"/>: y against a numeric x (hidden units, parameter counts, …),
/// drawn through its points in the order given.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="X">x values.</param>
/// <param name="Y">y values, one per x.</param>
public sealed record XYSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
