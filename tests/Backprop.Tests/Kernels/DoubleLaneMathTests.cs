using System.Globalization;
using System.Runtime.Intrinsics;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The vector functions of <see cref="DoubleLaneMath"/> against independent references — the runtime's
/// scalar exp, expm1 through tanh, log1p through atanh, Python's math.erfc (Fixtures/erf_values.csv) and the
/// series/continued-fraction erfc of <see cref="SpecialFunctions"/> — over random and extreme arguments, in units in
/// the last place; and every vector width giving the bits of the one-double lane.</summary>
public unsafe class DoubleLaneMathTests
{
    public enum Function
    {
        Exp,
        ExpM1,
        Log1PUnit,
        Sigmoid,
        Erfc,
    }

    [Fact]
    public void Exp_is_within_one_ulp_of_the_runtime_exp_down_to_subnormals_and_up_to_overflow()
    {
        var random = new System.Random(11);
        var xs = new List<double> { 0, -0.0, 1, -1, 1e-300, -1e-300, 709.78, 709.7827, -708.39, -740, -744.4, -745.13, 0.34657359, -0.34657359 };
        for (int i = 0; i < 20_000; i++)
        {
            xs.Add((random.NextDouble() * 1455) - 745);
            xs.Add((random.NextDouble() * 2) - 1);
        }

        double[] got = Apply(Function.Exp, xs.ToArray());
        for (int i = 0; i < xs.Count; i++)
        {
            AssertUlps(Math.Exp(xs[i]), got[i], 1, $"exp({xs[i]:R})");
        }

        Assert.Equal([0.0, double.PositiveInfinity, double.PositiveInfinity, 0.0, 1.0], Apply(Function.Exp, [double.NegativeInfinity, double.PositiveInfinity, 710, -746, 0]));
    }

    [Fact]
    public void ExpM1_keeps_relative_accuracy_near_zero()
    {
        var random = new System.Random(12);
        var xs = new List<double> { 1e-300, -1e-300, 1e-17, -1e-17, 1e-10, -1e-10, 0.3465, -0.3465, 0.3466, -0.3466, 0.5, -0.5, -40, 40, -700 };
        for (int i = 0; i < 20_000; i++)
        {
            xs.Add((random.NextDouble() * 2) - 1);
            xs.Add(((random.NextDouble() * 2) - 1) * Math.Pow(10, -random.Next(1, 20)));
            xs.Add((random.NextDouble() * 80) - 60);
        }

        double[] got = Apply(Function.ExpM1, xs.ToArray());
        for (int i = 0; i < xs.Count; i++)
        {
            AssertUlps(ExpM1Reference(xs[i]), got[i], 4, $"expm1({xs[i]:R})");
        }
    }

    [Fact]
    public void Log1PUnit_keeps_relative_accuracy_for_tiny_arguments()
    {
        var random = new System.Random(13);
        var ts = new List<double> { 0, double.Epsilon, 1e-300, 1e-17, 1e-9, 0.5, Math.BitIncrement(0.5), Math.BitDecrement(0.5), 1 };
        for (int i = 0; i < 20_000; i++)
        {
            ts.Add(random.NextDouble());
            ts.Add(Math.Exp(-random.NextDouble() * 740));
        }

        double[] got = Apply(Function.Log1PUnit, ts.ToArray());
        for (int i = 0; i < ts.Count; i++)
        {
            // log1p(t) = 2·atanh(t/(2 + t)) exactly; the runtime's atanh is accurate where log(1 + t) would not be.
            AssertUlps(2 * Math.Atanh(ts[i] / (2 + ts[i])), got[i], 3, $"log1p({ts[i]:R})");
        }
    }

    [Fact]
    public void Sigmoid_matches_the_scalar_formula()
    {
        var random = new System.Random(14);
        double[] xs = Enumerable.Range(0, 20_000).Select(_ => (random.NextDouble() * 100) - 50).Concat([0, 36, 37, 40, -700, -709, -745, 800, -800]).ToArray();
        double[] got = Apply(Function.Sigmoid, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            AssertUlps(1 / (1 + Math.Exp(-xs[i])), got[i], 4, $"σ({xs[i]:R})");
        }
    }

    [Fact]
    public void Erfc_matches_python_math_erfc_in_both_tails()
    {
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "erf_values.csv")).Skip(1)
            .Select(line => line.Split(',')).Select(r => (X: Parse(r[0]), Erfc: Parse(r[2]))).ToArray();
        double[] got = Apply(Function.Erfc, rows.Select(r => r.X).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            AssertUlps(rows[i].Erfc, got[i], 4, $"erfc({rows[i].X:R})");
        }

        Assert.True(rows.Length >= 180);
    }

    [Fact]
    public void Erfc_matches_the_series_and_continued_fraction_reference_on_random_arguments()
    {
        var random = new System.Random(15);
        var xs = new List<double> { 0, 0.84375, Math.BitDecrement(0.84375), 1.25, Math.BitDecrement(1.25), 2.8571414947509766, 6, -6, 27, 27.9, 0.25, -0.25, 1e-20, -1e-20 };
        for (int i = 0; i < 20_000; i++)
        {
            xs.Add((random.NextDouble() * 14) - 6);
            xs.Add((random.NextDouble() * 26) + 1);
        }

        double[] got = Apply(Function.Erfc, xs.ToArray());
        for (int i = 0; i < xs.Count; i++)
        {
            double x = xs[i];
            double want = SpecialFunctions.Erfc(x);

            // The reference's own accuracy: ≲ 1e-12 relative between 0.5 and 2.5 (there it is 1 − erf), ≲ 1e-15 on
            // the left, and on the right the rounding of x² in its e^(−x²), up to x²·2⁻⁵³.
            double tolerance = x is > 0.5 and < 2.5 ? 2e-12 : 1e-14 + (x * x * 2.3e-16);
            Assert.True(Math.Abs(got[i] - want) <= (tolerance * Math.Abs(want)) + (4 * double.Epsilon), $"erfc({x:R}) = {got[i]:R}, reference {want:R}");
        }

        Assert.Equal([1.0, 0.0, 2.0, 0.0, 2.0], Apply(Function.Erfc, [0, double.PositiveInfinity, double.NegativeInfinity, 30, -30]));
    }

    [Theory]
    [InlineData(Function.Exp)]
    [InlineData(Function.ExpM1)]
    [InlineData(Function.Log1PUnit)]
    [InlineData(Function.Sigmoid)]
    [InlineData(Function.Erfc)]
    public void Every_width_gives_the_bits_of_one_double_at_a_time(Function function)
    {
        var random = new System.Random((int)function);
        double[] xs = new double[4096];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = function == Function.Log1PUnit ? random.NextDouble() : ((random.NextDouble() * 60) - 30) * Math.Pow(2, -random.Next(0, 30));
        }

        double[] scalar = Apply<double, ScalarLane>(function, xs);
        var widths = new List<double[]>();
        if (Lanes128.IsUsable)
        {
            widths.Add(Apply<Vector128<double>, Lanes128>(function, xs));
        }

        if (Lanes256.IsUsable)
        {
            widths.Add(Apply<Vector256<double>, Lanes256>(function, xs));
        }

        if (Lanes512.IsUsable)
        {
            widths.Add(Apply<Vector512<double>, Lanes512>(function, xs));
        }

        Assert.NotEmpty(widths);
        foreach (double[] vector in widths)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(scalar[i]) == BitConverter.DoubleToInt64Bits(vector[i]), $"{function}({xs[i]:R}): scalar {scalar[i]:R}, vector {vector[i]:R}");
            }
        }
    }

    // e^x − 1 = 2·tanh(x/2)/(1 − tanh(x/2)) without cancellation for |x| ≤ ½ (within 2 ulp); beyond, exp(x) − 1
    // loses at most a factor 2.5 of exp's accuracy.
    private static double ExpM1Reference(double x)
    {
        if (Math.Abs(x) > 0.5)
        {
            return Math.Exp(x) - 1;
        }

        double t = Math.Tanh(x / 2);
        return 2 * t / (1 - t);
    }

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static void AssertUlps(double want, double got, int ulps, string what)
    {
        if (want == got)
        {
            return;
        }

        double ulp = Math.Max(Math.BitIncrement(Math.Abs(want)) - Math.Abs(want), double.Epsilon);
        Assert.True(Math.Abs(got - want) <= ulps * ulp, $"{what} = {got:R}, want {want:R} ({Math.Abs(got - want) / ulp:F1} ulp)");
    }

    // The widest vectors this machine has, as the kernels use them.
    private static double[] Apply(Function function, double[] xs) =>
        Lanes512.IsUsable ? Apply<Vector512<double>, Lanes512>(function, xs)
        : Lanes256.IsUsable ? Apply<Vector256<double>, Lanes256>(function, xs)
        : Apply<double, ScalarLane>(function, xs);

    private static double[] Apply<V, L>(Function function, double[] xs)
        where V : struct
        where L : IDoubleLanes<V>
    {
        int w = L.Count;
        double[] padded = new double[(xs.Length + w - 1) / w * w];
        xs.CopyTo(padded, 0);
        double[] result = new double[padded.Length];
        fixed (double* source = padded, destination = result)
        {
            for (int i = 0; i < padded.Length; i += w)
            {
                V x = L.Load(source + i);
                V y = function switch
                {
                    Function.Exp => DoubleLaneMath.Exp<V, L>(x),
                    Function.ExpM1 => DoubleLaneMath.ExpM1<V, L>(x),
                    Function.Log1PUnit => DoubleLaneMath.Log1PUnit<V, L>(x),
                    Function.Sigmoid => DoubleLaneMath.Sigmoid<V, L>(x),
                    _ => DoubleLaneMath.Erfc<V, L>(x),
                };
                L.Store(destination + i, y);
            }
        }

        return result[..xs.Length];
    }
}
