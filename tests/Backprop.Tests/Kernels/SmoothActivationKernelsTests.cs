using System.Numerics;
using System.Runtime.Intrinsics;
using Backprop.Kernels;
using Backprop.Tests.TestSupport;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>The smooth activations' passes against float64 references built from the runtime's scalar functions
/// (exp, tanh, atanh) and the series erfc of <see cref="SpecialFunctions"/>, on awkward lengths on both sides of the
/// thread split: double within a few units in the last place, float within one (both are computed in double and
/// rounded once). Also: the same bits at every vector width and thread count, the output written over an input,
/// NaN and infinities, and no allocation once warm.</summary>
[Collection(nameof(ThreadCountCollection))]
public unsafe class SmoothActivationKernelsTests
{
    public enum Kind
    {
        Elu,
        EluAlpha03,
        Selu,
        Gelu,
        GeluTanh,
        Softplus,
        Mish,
    }

    public static TheoryData<Kind, int> Cases()
    {
        var data = new TheoryData<Kind, int>();
        foreach (Kind kind in Enum.GetValues<Kind>())
        {
            foreach (int length in new[] { 1, 7, 33, 1000, SmoothActivationKernels.ParallelLength + 3 })
            {
                data.Add(kind, length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Values_and_gradients_match_the_float64_reference(Kind kind, int length)
    {
        double[] x = Inputs(length, (int)kind + length);
        double[] dy = Gradients(length, (int)kind - length);
        var (value, derivative) = Reference(kind);

        double[] y = new double[length], dx = new double[length];
        Forward<double>(kind, x, y);
        Backward<double>(kind, x, dy, dx);
        for (int i = 0; i < length; i++)
        {
            AssertClose(value(x[i]), y[i], DoubleTolerance(kind, x[i]), $"{kind}({x[i]:R})");
            // Against |dy| too: f′ is a difference of terms of order 1 where it is small (mish near −1.19).
            AssertClose(dy[i] * derivative(x[i]), dx[i], DoubleTolerance(kind, x[i]), $"{kind}'({x[i]:R})·{dy[i]:R}", Math.Abs(dy[i]));
        }

        float[] xf = Array.ConvertAll(x, v => (float)v), dyf = Array.ConvertAll(dy, v => (float)v);
        float[] yf = new float[length], dxf = new float[length];
        Forward<float>(kind, xf, yf);
        Backward<float>(kind, xf, dyf, dxf);
        for (int i = 0; i < length; i++)
        {
            AssertWithinOneUlp((float)value(xf[i]), yf[i], $"float {kind}({xf[i]:R})");
            string what = $"float {kind}'({xf[i]:R})·{dyf[i]:R}";
            if (kind == Kind.Gelu)
            {
                // Φ comes from the float output y/x, exact to 2⁻²⁴ relative: f′ = Φ + xφ to 2⁻²⁴·Φ absolute (its
                // terms cancel near x ≈ −0.75).
                double x64 = xf[i], want = dyf[i] * derivative(xf[i]);
                double terms = (0.5 * SpecialFunctions.Erfc(-x64 / Math.Sqrt(2))) + (Math.Abs(x64) * Math.Exp(-0.5 * x64 * x64) / Math.Sqrt(2 * Math.PI));
                double ulp = MathF.BitIncrement(MathF.Abs((float)want)) - MathF.Abs((float)want);
                Assert.True(Math.Abs(dxf[i] - want) <= (Math.Abs(dyf[i]) * terms * Math.Pow(2, -23)) + ulp, $"{what} = {dxf[i]:R}, reference {want:R}");
            }
            else
            {
                AssertWithinOneUlp((float)(dyf[i] * derivative(xf[i])), dxf[i], what);
            }
        }
    }

    [Theory]
    [InlineData(Kind.Elu)]
    [InlineData(Kind.Selu)]
    [InlineData(Kind.Gelu)]
    [InlineData(Kind.GeluTanh)]
    [InlineData(Kind.Softplus)]
    [InlineData(Kind.Mish)]
    public void Every_width_and_thread_count_gives_the_same_bits_and_the_output_may_overwrite_an_input(Kind kind)
    {
        int length = (3 * SmoothActivationKernels.ParallelLength) + 5;
        float[] x = Array.ConvertAll(Inputs(length, 77), v => (float)v);
        float[] dy = Array.ConvertAll(Gradients(length, 78), v => (float)v);
        float[] y = new float[length], dx = new float[length];
        WithThreads(1, () =>
        {
            Forward<float>(kind, x, y);
            Backward<float>(kind, x, dy, dx);
        });

        foreach (int threads in new[] { 2, 3 })
        {
            WithThreads(threads, () =>
            {
                float[] y2 = new float[length], dx2 = new float[length];
                Forward<float>(kind, x, y2);
                Backward<float>(kind, x, dy, dx2);
                AssertSameBits(y, y2, $"{kind} forward on {threads} threads");
                AssertSameBits(dx, dx2, $"{kind} backward on {threads} threads");
            });
        }

        float[] inPlace = (float[])x.Clone();
        Forward<float>(kind, inPlace, inPlace);
        AssertSameBits(y, inPlace, $"{kind} forward in place");
        float[] overDy = (float[])dy.Clone();
        Backward<float>(kind, x, overDy, overDy);
        AssertSameBits(dx, overDy, $"{kind} backward over dy");

        foreach (var (name, (forward, backward)) in Widths(kind, x, dy))
        {
            AssertSameBits(y, forward, $"{kind} forward, {name}");
            AssertSameBits(dx, backward, $"{kind} backward, {name}");
        }
    }

    [Fact]
    public void Nan_gives_nan_and_the_infinities_give_the_limits()
    {
        double[] x = [double.NaN, double.NegativeInfinity, double.PositiveInfinity, 0.0, -1000, 1000];
        double[] ones = [1, 1, 1, 1, 1, 1];
        var expected = new Dictionary<Kind, double[]>
        {
            [Kind.Elu] = [double.NaN, -1, double.PositiveInfinity, 0, -1, 1000],
            [Kind.Selu] = [double.NaN, -1.7580993408473766, double.PositiveInfinity, 0, -1.7580993408473766, 1050.7009873554805],
            [Kind.Gelu] = [double.NaN, double.NaN, double.PositiveInfinity, 0, -0.0, 1000],
            [Kind.GeluTanh] = [double.NaN, double.NaN, double.PositiveInfinity, 0, -0.0, 1000],
            [Kind.Softplus] = [double.NaN, 0, double.PositiveInfinity, Math.Log(2), 0, 1000],
            [Kind.Mish] = [double.NaN, double.NaN, double.PositiveInfinity, 0, -0.0, 1000],
        };
        foreach (var (kind, want) in expected)
        {
            double[] y = new double[x.Length], dx = new double[x.Length];
            Forward<double>(kind, x, y);
            Backward<double>(kind, x, ones, dx);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(want[i].Equals(y[i]) || Math.Abs(want[i] - y[i]) <= 1e-15 * Math.Abs(want[i]), $"{kind}({x[i]}) = {y[i]:R}, want {want[i]:R}");
            }

            Assert.True(double.IsNaN(dx[0]), $"{kind}'(NaN) = {dx[0]}");
            Assert.True(double.IsFinite(dx[4]) && double.IsFinite(dx[5]), $"{kind}' at ±1000: {dx[4]}, {dx[5]}");
        }
    }

    [Fact]
    public void Half_goes_through_double_one_value_at_a_time()
    {
        double[] x = Inputs(40, 9).Where(v => Math.Abs(v) < 60).ToArray();
        Half[] xh = Array.ConvertAll(x, v => (Half)v), yh = new Half[xh.Length], dxh = new Half[xh.Length];
        Half[] ones = Enumerable.Repeat((Half)1, xh.Length).ToArray();
        SmoothActivationKernels.MishForward<Half>(xh, yh);
        SmoothActivationKernels.MishBackward<Half>(xh, ones, dxh);
        var (value, derivative) = Reference(Kind.Mish);
        for (int i = 0; i < xh.Length; i++)
        {
            Assert.Equal((Half)value((double)xh[i]), yh[i]);
            Assert.Equal((Half)derivative((double)xh[i]), dxh[i]);
        }
    }

    [Fact]
    public void Passes_allocate_nothing_once_warm()
    {
        int length = SmoothActivationKernels.ParallelLength * 2;
        float[] x = Array.ConvertAll(Inputs(length, 5), v => (float)v), dy = new float[length], y = new float[length], dx = new float[length];
        Kind[] kinds = Enum.GetValues<Kind>();
        WithThreads(2, () =>
        {
            for (int warm = 0; warm < 3; warm++)
            {
                foreach (Kind kind in kinds)
                {
                    Forward<float>(kind, x, y);
                    Backward<float>(kind, x, dy, dx, y);
                    Forward<float>(kind, x.AsSpan(0, 33), y.AsSpan(0, 33));
                }
            }

            // Allocations.By: the least of a few runs, so a collection another test starts meanwhile cannot count.
            Assert.Equal(0, Allocations.By(() =>
            {
                foreach (Kind kind in kinds)
                {
                    Forward<float>(kind, x, y);
                    Backward<float>(kind, x, dy, dx, y);
                    Forward<float>(kind, x.AsSpan(0, 33), y.AsSpan(0, 33));
                }
            }));
        });
    }

    // Mostly where the functions bend (|x| < 6), some far out, the kinks of the formulas' ranges, and zeros.
    private static double[] Inputs(int length, int seed)
    {
        var random = new System.Random(seed);
        double[] special = [0, -0.0, 1.19, -1.19, 1.77, -1.77, 4.04, -4.04, 38, -38, 40, 41, -700, 700, 1e-12, -1e-12];
        var x = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (i % 11) switch
            {
                0 => special[i / 11 % special.Length],
                1 => (random.NextDouble() * 80) - 40,
                _ => (random.NextDouble() * 12) - 6,
            };
        }

        return x;
    }

    private static double[] Gradients(int length, int seed)
    {
        var random = new System.Random(seed);
        return Enumerable.Range(0, length).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
    }

    // The references, in float64 from the runtime's functions; each is written differently from the kernels.
    private static (Func<double, double> Value, Func<double, double> Derivative) Reference(Kind kind)
    {
        const double sqrt2OverPi = 0.79788456080286535587989211986876374;
        switch (kind)
        {
            case Kind.Elu:
            case Kind.EluAlpha03:
            case Kind.Selu:
                var (alpha, scale) = EluParameters(kind);
                return (x => scale * (x > 0 ? x : alpha * ExpM1(x)), x => scale * (x > 0 ? 1 : alpha * Math.Exp(x)));
            case Kind.Gelu:
                return (x => x * Phi(x), x => Phi(x) + (x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI)));
            case Kind.GeluTanh:
                // ½x(1 + tanh u) = x/(1 + e^(−2u)), free of the cancellation of 1 + tanh u for negative x.
                return (
                    x => x / (1 + Math.Exp(-2 * U(x))),
                    x =>
                    {
                        double e = Math.Exp(Math.Min(-2 * U(x), 700));
                        double s = 1 / (1 + e);
                        return s + (2 * x * s * (e / (1 + e)) * sqrt2OverPi * (1 + (3 * 0.044715 * x * x)));
                    });
            case Kind.Softplus:
                return (Softplus, x => 1 / (1 + Math.Exp(-x)));
            default:
                return (
                    x => x * Math.Tanh(Softplus(x)),
                    x =>
                    {
                        double t = Math.Tanh(Softplus(x));
                        return t + (x * (1 - (t * t)) / (1 + Math.Exp(-x)));
                    });
        }

        static double U(double x) => sqrt2OverPi * (x + (0.044715 * x * x * x));
        static double Phi(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));
        static double Softplus(double x) => Math.Max(x, 0) + (2 * Math.Atanh(Math.Exp(-Math.Abs(x)) / (2 + Math.Exp(-Math.Abs(x)))));
        static double ExpM1(double x)
        {
            if (Math.Abs(x) > 0.5)
            {
                return Math.Exp(x) - 1;
            }

            double t = Math.Tanh(x / 2);
            return 2 * t / (1 - t);
        }
    }

    // The reference's own error dominates for GELU (SpecialFunctions.Erfc is ≲ 1e-12 relative between 0.5 and 2.5);
    // for its tanh form, e^(−2u) far left amplifies the rounding of u (≈ |2u|·2⁻⁵³) in both computations.
    private static double DoubleTolerance(Kind kind, double x) => kind switch
    {
        Kind.Gelu => 4e-12,
        Kind.GeluTanh => 1e-13 + (4 * 2.2e-16 * 2 * 0.8 * Math.Abs(x + (0.044715 * x * x * x))),
        _ => 1e-13,
    };

    private static (double Alpha, double Scale) EluParameters(Kind kind) => kind switch
    {
        Kind.EluAlpha03 => (0.3, 1.0),
        Kind.Selu => (Backprop.Activations.Selu.Alpha, Backprop.Activations.Selu.Scale),
        _ => (1.0, 1.0),
    };

    private static void Forward<T>(Kind kind, Span<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Gelu or Kind.GeluTanh:
                SmoothActivationKernels.GeluForward<T>(x, y, kind == Kind.GeluTanh);
                break;
            case Kind.Softplus:
                SmoothActivationKernels.SoftplusForward<T>(x, y);
                break;
            case Kind.Mish:
                SmoothActivationKernels.MishForward<T>(x, y);
                break;
            default:
                var (alpha, scale) = EluParameters(kind);
                SmoothActivationKernels.EluForward<T>(x, y, alpha, scale);
                break;
        }
    }

    // GELU's backward reads the forward output: the given y, or computed here when none is given.
    private static void Backward<T>(Kind kind, Span<T> x, Span<T> dy, Span<T> dx, T[]? y = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Gelu or Kind.GeluTanh:
                if (y is null)
                {
                    y = new T[x.Length];
                    SmoothActivationKernels.GeluForward<T>(x, y, kind == Kind.GeluTanh);
                }

                SmoothActivationKernels.GeluBackward<T>(x, y.AsSpan(0, x.Length), dy, dx, kind == Kind.GeluTanh);
                break;
            case Kind.Softplus:
                SmoothActivationKernels.SoftplusBackward<T>(x, dy, dx);
                break;
            case Kind.Mish:
                SmoothActivationKernels.MishBackward<T>(x, dy, dx);
                break;
            default:
                var (alpha, scale) = EluParameters(kind);
                SmoothActivationKernels.EluBackward<T>(x, dy, dx, alpha, scale);
                break;
        }
    }

    // Each vector width this machine has, and one double at a time, through the same pass on the same data.
    private static IEnumerable<(string Name, (float[] Forward, float[] Backward) Result)> Widths(Kind kind, float[] x, float[] dy)
    {
        yield return ("one double at a time", RunWidth<double, ScalarLane>(kind, x, dy));
        if (Lanes128.IsUsable)
        {
            yield return ("128-bit", RunWidth<Vector128<double>, Lanes128>(kind, x, dy));
        }

        if (Lanes256.IsUsable)
        {
            yield return ("256-bit", RunWidth<Vector256<double>, Lanes256>(kind, x, dy));
        }

        if (Lanes512.IsUsable)
        {
            yield return ("512-bit", RunWidth<Vector512<double>, Lanes512>(kind, x, dy));
        }
    }

    private static (float[] Forward, float[] Backward) RunWidth<V, L>(Kind kind, float[] x, float[] dy)
        where V : struct
        where L : IDoubleLanes<V>
    {
        var (alpha, scale) = EluParameters(kind);
        return kind switch
        {
            Kind.Gelu => RunWidth<SmoothActivationKernels.GeluErf, V, L>(default, x, dy),
            Kind.GeluTanh => RunWidth<SmoothActivationKernels.GeluTanh, V, L>(default, x, dy),
            Kind.Softplus => RunWidth<SmoothActivationKernels.Softplus, V, L>(default, x, dy),
            Kind.Mish => RunWidth<SmoothActivationKernels.Mish, V, L>(default, x, dy),
            _ => RunWidth<SmoothActivationKernels.Elu, V, L>(new SmoothActivationKernels.Elu(alpha, scale), x, dy),
        };
    }

    private static (float[] Forward, float[] Backward) RunWidth<TFunction, V, L>(TFunction function, float[] x, float[] dy)
        where TFunction : struct, SmoothActivationKernels.ILaneFunction
        where V : struct
        where L : IDoubleLanes<V>
    {
        float[] y = new float[x.Length], dx = new float[x.Length];
        fixed (float* px = x, pdy = dy, py = y, pdx = dx)
        {
            SmoothActivationKernels.Pass<float, TFunction, V, L>(function, px, null, null, py, x.Length, backward: false);
            SmoothActivationKernels.Pass<float, TFunction, V, L>(function, px, py, pdy, pdx, x.Length, backward: true);
        }

        return (y, dx);
    }

    private static void AssertClose(double want, double got, double relative, string what, double scale = 0)
    {
        if (want.Equals(got))
        {
            return;
        }

        Assert.True(Math.Abs(got - want) <= (relative * (Math.Abs(want) + scale)) + 1e-300, $"{what} = {got:R}, reference {want:R}");
    }

    private static void AssertWithinOneUlp(float want, float got, string what)
    {
        if (want.Equals(got))
        {
            return;
        }

        float ulp = MathF.Max(MathF.BitIncrement(MathF.Abs(want)) - MathF.Abs(want), float.Epsilon);
        Assert.True(MathF.Abs(got - want) <= ulp, $"{what} = {got:R}, reference {want:R}");
    }

    private static void AssertSameBits(float[] want, float[] got, string what)
    {
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(want[i]) == BitConverter.SingleToInt32Bits(got[i]), $"{what}: at {i} {got[i]:R}, want {want[i]:R}");
        }
    }
}
