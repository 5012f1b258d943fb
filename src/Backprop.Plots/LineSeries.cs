namespace Backprop.Plots;

/// <summary>One line of <see cref="Charts.LineChart"/>: points (x, y) joined in the order given, optionally with a
/// shaded band from <paramref name="Lower"/> to <paramref name="Upper"/> around them (a 95% interval, mean ± std),
/// like <c>plt.plot(x, y, label=name); plt.fill_between(x, lower, upper, alpha=0.2)</c>.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="X">Positions on the x axis (any numbers: widths, depths, parameter counts).</param>
/// <param name="Y">Values, one per x.</param>
/// <param name="Lower">Lower edge of the band, one per x, or null for no band.</param>
/// <param name="Upper">Upper edge of the band, one per x; given exactly when <paramref name="Lower"/> is.</param>
public sealed record LineSeries(
    string Name,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    IReadOnlyList<double>? Lower = null,
    IReadOnlyList<double>? Upper = null);
