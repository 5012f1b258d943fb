namespace Backprop.Tests.TestSupport;

/// <summary>Central-difference gradients in float64 and the comparison torch.autograd.gradcheck uses
/// (ε = 1e-6, |analytic − numeric| ≤ atol + rtol·|numeric| with atol 1e-5, rtol 1e-3).</summary>
public static class NumericalGradient
{
    public const double Step = 1e-6;
    public const double AbsoluteTolerance = 1e-5;
    public const double RelativeTolerance = 1e-3;

    /// <summary>∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ))/(2ε) for every i; x is restored afterwards.</summary>
    public static double[] Of(Func<double[], double> f, double[] x, double step = Step)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + step;
            double plus = f(x);
            x[i] = saved - step;
            double minus = f(x);
            x[i] = saved;
            gradient[i] = (plus - minus) / (2 * step);
        }

        return gradient;
    }

    /// <summary>Asserts analytic ≈ numeric element-wise within gradcheck's tolerances, naming the first bad index.</summary>
    public static void AssertClose(double[] analytic, double[] numeric, string what,
        double atol = AbsoluteTolerance, double rtol = RelativeTolerance)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        for (int i = 0; i < numeric.Length; i++)
        {
            double allowed = atol + rtol * Math.Abs(numeric[i]);
            if (!(Math.Abs(analytic[i] - numeric[i]) <= allowed))
            {
                Assert.Fail($"{what}: gradient element {i} is {analytic[i]:R}, numerically {numeric[i]:R} (allowed ±{allowed:G3}).");
            }
        }
    }

    /// <summary>Uniform values in [low, high) that keep at least <paramref name="margin"/> from every kink.</summary>
    public static double[] RandomAwayFrom(System.Random random, int count, double low, double high, double[] kinks, double margin = 0.02)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v;
            do
            {
                v = low + (high - low) * random.NextDouble();
            }
            while (kinks.Any(k => Math.Abs(v - k) < margin));

            values[i] = v;
        }

        return values;
    }
}
