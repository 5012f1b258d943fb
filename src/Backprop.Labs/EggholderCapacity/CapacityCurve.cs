namespace Backprop.Labs.EggholderCapacity;

/// <summary>Reading a depth's measured models as a curve over the parameter count.</summary>
internal static class CapacityCurve
{
    /// <summary>y at <paramref name="at"/>, linear in log₁₀(x) between the two neighbouring points (x ascending);
    /// NaN outside [x₀, x_last].</summary>
    public static double Interpolate(double[] x, double[] y, double at)
    {
        if (x.Length == 0 || at < x[0] || at > x[^1])
        {
            return double.NaN;
        }

        for (int i = 0; i + 1 < x.Length; i++)
        {
            if (at <= x[i + 1])
            {
                double t = (Math.Log10(at) - Math.Log10(x[i])) / (Math.Log10(x[i + 1]) - Math.Log10(x[i]));
                return y[i] + (t * (y[i + 1] - y[i]));
            }
        }

        return y[^1];
    }

    /// <summary>The least-squares slope of y against x.</summary>
    public static double Slope(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        return sxy / sxx;
    }
}
