namespace Backprop.Plots;

/// <summary>A rectangle in data coordinates.</summary>
/// <param name="XMin">Left edge.</param>
/// <param name="XMax">Right edge.</param>
/// <param name="YMin">Bottom edge.</param>
/// <param name="YMax">Top edge.</param>
public readonly record struct PlotRange(double XMin, double XMax, double YMin, double YMax)
{
    /// <summary>Throws unless both sides are finite and ascending.</summary>
    internal void Validate(string parameterName)
    {
        if (!double.IsFinite(XMin) || !double.IsFinite(XMax) || !double.IsFinite(YMin) || !double.IsFinite(YMax)
            || XMax <= XMin || YMax <= YMin)
        {
            throw new ArgumentException($"Plot range {this} must be finite with XMin < XMax and YMin < YMax.", parameterName);
        }
    }
}
