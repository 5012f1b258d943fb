using System.Numerics;
using System.Runtime.Intrinsics;
using Backprop.Kernels;
using Backprop.Tests.TestSupport;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary>The piecewise activation kernels against their one-value formulas written out naively here (as the
/// activations computed them before they were vectorised), bit for bit: whole vectors, the padded tail and the
/// thread split, the kinks and the values either side of them, ±0, ±∞, NaN and huge inputs, dy = ±∞ or NaN at flat
/// points, and the output written over an input. NaN outputs are compared as NaN (their payload is not part of the
/// contract).</summary>
[Collection(nameof(ThreadCountCollection))]
public class PiecewiseActivationKernelsTests
{
    public static TheoryData<int> Lengths => [1, 7, 33, 1000, 1003, 70_000, 70_003];

    /// <summary>(negative_slope, max_value, threshold) covering every branch of Keras's relu; 1e-50 rounds to 0 in
    /// float but still takes the thresholded branch (x &gt; t rather than max(x, 0)).</summary>
    private static readonly (double Slope, double? Max, double Threshold)[] s_reluSettings =
    [
        (0.1, 2, 0.5), (0, 6, 0), (0, null, 0.5), (0, 2, -0.5), (0.2, null, 0), (0.3, 6, -0.5), (0.1, 0, 0),
        (0, double.PositiveInfinity, 0.25), (0.1, null, 1e-50), (0, null, 1e-50), (0, 1e300, 0),
    ];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float_kernels_match_the_element_formulas(int length) => CheckAll<float>(length);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Double_kernels_match_the_element_formulas(int length) => CheckAll<double>(length);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float_swish_backward_matches_the_vector_sigmoid_formula(int length)
    {
        var (x, dy) = Inputs<float>(length);
        ForEachThreadCount(length, () => CheckBackward(
            "swish",
            x,
            dy,
            (xs, dys, dxs) => ActivationKernels.SwishBackward<float>(xs, dys, dxs),
            (v, g) =>
            {
                // VectorSigmoid gives the same bits at every width, so one lane of the narrowest stands for all.
                float s = VectorSigmoid.Sigmoid(Vector128.Create(v)).ToScalar();
                return g * s * (1f + v * (1f - s));
            }));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Swish_forward_is_x_times_the_backward_sigma(int length)
    {
        var (x, _) = Inputs<float>(length);
        ForEachThreadCount(length, () => CheckForward(
            "swish",
            x,
            (xs, ys) => ActivationKernels.SwishForward<float>(xs, ys),
            v => v * VectorSigmoid.Sigmoid(Vector128.Create(v)).ToScalar()));
        var (xd, _) = Inputs<double>(length);
        var yd = new double[length];
        ActivationKernels.SwishForward<double>(xd, yd);
        for (int i = 0; i < length; i++)
        {
            double want = xd[i] / (1 + Math.Exp(-xd[i]));
            if (!double.IsFinite(want))
            {
                Assert.True(want.Equals(yd[i]) || (double.IsNaN(want) && double.IsNaN(yd[i])), $"swish double x={xd[i]} at {i}: got {yd[i]}, want {want}");
                continue;
            }

            Assert.True(Math.Abs(yd[i] - want) <= 1e-15 * Math.Abs(want) + 1e-300, $"swish double x={xd[i]} at {i}: got {yd[i]}, want {want}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Double_swish_backward_is_within_a_few_ulp_of_the_scalar_formula(int length)
    {
        var (x, dy) = Inputs<double>(length);
        var dx = new double[length];
        ActivationKernels.SwishBackward<double>(x, dy, dx);
        for (int i = 0; i < length; i++)
        {
            double s = 1 / (1 + Math.Exp(-x[i]));
            double want = dy[i] * s * (1 + x[i] * (1 - s));
            if (double.IsNaN(want) || double.IsInfinity(want))
            {
                AssertSameBits(want, dx[i], $"swish double x={x[i]} dy={dy[i]} at {i}");
                continue;
            }

            // σ′-style cancellation near x ≈ −1.28 makes a relative bound meaningless; bound by the terms' size.
            double scale = Math.Abs(dy[i]) * (1 + Math.Abs(x[i]));
            Assert.True(Math.Abs(dx[i] - want) <= 1e-15 * scale, $"swish double x={x[i]} dy={dy[i]} at {i}: got {dx[i]}, want {want}");
        }
    }

    [Fact]
    public void Half_goes_through_the_float_kernels()
    {
        var (x, dy) = Inputs<float>(1003);
        Half[] xh = Array.ConvertAll(x, v => (Half)v), dyh = Array.ConvertAll(dy, v => (Half)v);
        float[] xf = Array.ConvertAll(xh, v => (float)v), dyf = Array.ConvertAll(dyh, v => (float)v);
        var kernels = new (string Name, ForwardKernel<Half> Half, ForwardKernel<float> Float, BackwardKernel<Half> HalfBackward, BackwardKernel<float> FloatBackward)[]
        {
            ("relu6", PiecewiseActivationKernels.Relu6Forward<Half>, PiecewiseActivationKernels.Relu6Forward<float>, PiecewiseActivationKernels.Relu6Backward<Half>, PiecewiseActivationKernels.Relu6Backward<float>),
            ("hard_sigmoid", PiecewiseActivationKernels.HardSigmoidForward<Half>, PiecewiseActivationKernels.HardSigmoidForward<float>, PiecewiseActivationKernels.HardSigmoidBackward<Half>, PiecewiseActivationKernels.HardSigmoidBackward<float>),
            ("hard_silu", PiecewiseActivationKernels.HardSwishForward<Half>, PiecewiseActivationKernels.HardSwishForward<float>, PiecewiseActivationKernels.HardSwishBackward<Half>, PiecewiseActivationKernels.HardSwishBackward<float>),
            ("softsign", PiecewiseActivationKernels.SoftsignForward<Half>, PiecewiseActivationKernels.SoftsignForward<float>, PiecewiseActivationKernels.SoftsignBackward<Half>, PiecewiseActivationKernels.SoftsignBackward<float>),
            ("relu(0.1, 6, 0.5)", (a, b) => PiecewiseActivationKernels.ReluForward<Half>(a, b, 0.1, 6, 0.5), (a, b) => PiecewiseActivationKernels.ReluForward<float>(a, b, 0.1, 6, 0.5),
                (a, b, c) => PiecewiseActivationKernels.ReluBackward<Half>(a, b, c, 0.1, 6, 0.5), (a, b, c) => PiecewiseActivationKernels.ReluBackward<float>(a, b, c, 0.1, 6, 0.5)),
        };
        foreach (var (name, half, single, halfBackward, singleBackward) in kernels)
        {
            Half[] yh = new Half[xh.Length], dxh = new Half[xh.Length];
            float[] yf = new float[xf.Length], dxf = new float[xf.Length];
            half(xh, yh);
            single(xf, yf);
            halfBackward(xh, dyh, dxh);
            singleBackward(xf, dyf, dxf);
            for (int i = 0; i < xh.Length; i++)
            {
                Assert.True(((Half)yf[i]).Equals(yh[i]), $"{name}({xh[i]}) = {yh[i]}, float kernel {yf[i]}");
                Assert.True(((Half)dxf[i]).Equals(dxh[i]), $"{name}'({xh[i]})·{dyh[i]} = {dxh[i]}, float kernel {dxf[i]}");
            }
        }

        Assert.Throws<ArgumentException>(() => PiecewiseActivationKernels.Relu6Forward<Half>(new Half[3], new Half[2]));
    }

    [Fact]
    public void Kernels_allocate_nothing_once_warm()
    {
        var (x, dy) = Inputs<float>(70_000);
        var output = new float[x.Length];
        void RunAll()
        {
            PiecewiseActivationKernels.Relu6Forward<float>(x, output);
            PiecewiseActivationKernels.Relu6Backward<float>(x, dy, output);
            PiecewiseActivationKernels.HardSigmoidForward<float>(x, output);
            PiecewiseActivationKernels.HardSigmoidBackward<float>(x, dy, output);
            PiecewiseActivationKernels.HardSwishForward<float>(x, output);
            PiecewiseActivationKernels.HardSwishBackward<float>(x, dy, output);
            PiecewiseActivationKernels.SoftsignForward<float>(x, output);
            PiecewiseActivationKernels.SoftsignBackward<float>(x, dy, output);
            PiecewiseActivationKernels.ReluForward<float>(x, output, 0.1, 6, 0.5);
            PiecewiseActivationKernels.ReluBackward<float>(x, dy, output, 0.1, 6, 0.5);
            ActivationKernels.SwishBackward<float>(x, dy, output);
            ActivationKernels.SwishForward<float>(x, output);
            PiecewiseActivationKernels.Relu6Forward<float>(x.AsSpan(0, 33), output.AsSpan(0, 33));
            PiecewiseActivationKernels.HardSwishBackward<float>(x.AsSpan(0, 33), dy.AsSpan(0, 33), output.AsSpan(0, 33));
        }

        WithThreads(2, () =>
        {
            RunAll();

            // Allocations.By: the least of a few runs, so a collection another test starts meanwhile cannot count.
            Assert.Equal(0, Allocations.By(() =>
            {
                for (int round = 0; round < 20; round++)
                {
                    RunAll();
                }
            }));
        });
    }

    private static void CheckAll<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
    {
        var (x, dy) = Inputs<T>(length);
        T zero = T.Zero, one = T.One, three = T.CreateChecked(3), six = T.CreateChecked(6);
        ForEachThreadCount(length, () =>
        {
            CheckForward("relu6", x, (xs, ys) => PiecewiseActivationKernels.Relu6Forward<T>(xs, ys), v => T.Clamp(v, zero, six));
            CheckBackward("relu6", x, dy, (xs, dys, dxs) => PiecewiseActivationKernels.Relu6Backward<T>(xs, dys, dxs),
                (v, g) => g * (v > zero && v < six ? one : zero));

            CheckForward("hard_sigmoid", x, (xs, ys) => PiecewiseActivationKernels.HardSigmoidForward<T>(xs, ys), HardSigmoid);
            CheckBackward("hard_sigmoid", x, dy, (xs, dys, dxs) => PiecewiseActivationKernels.HardSigmoidBackward<T>(xs, dys, dxs),
                (v, g) => g * (v > -three && v < three ? one / six : zero));

            CheckForward("hard_silu", x, (xs, ys) => PiecewiseActivationKernels.HardSwishForward<T>(xs, ys), v => v * HardSigmoid(v));
            CheckBackward("hard_silu", x, dy, (xs, dys, dxs) => PiecewiseActivationKernels.HardSwishBackward<T>(xs, dys, dxs),
                (v, g) => g * (v <= -three ? zero : v >= three ? one : (v + v + three) / six));

            CheckForward("softsign", x, (xs, ys) => PiecewiseActivationKernels.SoftsignForward<T>(xs, ys), v => v / (one + T.Abs(v)));
            CheckBackward("softsign", x, dy, (xs, dys, dxs) => PiecewiseActivationKernels.SoftsignBackward<T>(xs, dys, dxs),
                (v, g) =>
                {
                    T d = one + T.Abs(v);
                    return g * (one / (d * d));
                });

            foreach (var (slope, max, threshold) in s_reluSettings)
            {
                string name = $"relu(slope {slope}, max {max?.ToString() ?? "none"}, threshold {threshold})";
                CheckForward(name, x, (xs, ys) => PiecewiseActivationKernels.ReluForward<T>(xs, ys, slope, max, threshold),
                    v => ReluValue(v, slope, max ?? double.PositiveInfinity, threshold));
                CheckBackward(name, x, dy, (xs, dys, dxs) => PiecewiseActivationKernels.ReluBackward<T>(xs, dys, dxs, slope, max, threshold),
                    (v, g) => g * ReluDerivative(v, slope, max ?? double.PositiveInfinity, threshold));
            }
        });

        T HardSigmoid(T v) => T.Clamp(v + three, zero, six) / six;
    }

    // Keras's ReLU.static_call as the activation computed it one value at a time.
    private static T ReluValue<T>(T x, double negativeSlope, double maxValue, double threshold)
        where T : IFloatingPointIeee754<T>
    {
        T t = T.CreateChecked(threshold);
        T positive = threshold != 0 ? (x > t ? x : T.Zero) : T.Max(x, T.Zero);
        if (!double.IsPositiveInfinity(maxValue))
        {
            positive = T.Clamp(positive, T.Zero, T.CreateChecked(maxValue));
        }

        return negativeSlope == 0 ? positive : positive - T.CreateChecked(negativeSlope) * T.Max(t - x, T.Zero);
    }

    private static T ReluDerivative<T>(T x, double negativeSlope, double maxValue, double threshold)
        where T : IFloatingPointIeee754<T>
    {
        T t = T.CreateChecked(threshold);
        bool passes = threshold != 0 ? x > t : x > T.Zero;
        T positive = passes ? x : T.Zero;
        bool clipped = !double.IsPositiveInfinity(maxValue) && (positive < T.Zero || positive >= T.CreateChecked(maxValue));
        T derivative = passes && !clipped ? T.One : T.Zero;
        return x < t ? derivative + T.CreateChecked(negativeSlope) : derivative;
    }

    private delegate void ForwardKernel<T>(ReadOnlySpan<T> x, Span<T> y);

    private delegate void BackwardKernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx);

    private static void CheckForward<T>(string name, T[] x, ForwardKernel<T> kernel, Func<T, T> reference)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        kernel(x, y);
        var inPlace = (T[])x.Clone();
        kernel(inPlace, inPlace);
        for (int i = 0; i < x.Length; i++)
        {
            T want = reference(x[i]);
            AssertSameBits(want, y[i], $"{name} forward {typeof(T).Name} x={x[i]} at {i} of {x.Length}");
            AssertSameBits(want, inPlace[i], $"{name} forward in place {typeof(T).Name} x={x[i]} at {i} of {x.Length}");
        }
    }

    private static void CheckBackward<T>(string name, T[] x, T[] dy, BackwardKernel<T> kernel, Func<T, T, T> reference)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dx = new T[x.Length];
        kernel(x, dy, dx);
        var overDy = (T[])dy.Clone();
        kernel(x, overDy, overDy);
        for (int i = 0; i < x.Length; i++)
        {
            T want = reference(x[i], dy[i]);
            AssertSameBits(want, dx[i], $"{name} backward {typeof(T).Name} x={x[i]} dy={dy[i]} at {i} of {x.Length}");
            AssertSameBits(want, overDy[i], $"{name} backward over dy {typeof(T).Name} x={x[i]} dy={dy[i]} at {i} of {x.Length}");
        }
    }

    /// <summary>Runs the check on one thread and on three when the span is long enough to be split (three parts of
    /// whole cache lines fall unevenly, so part edges land mid-vector).</summary>
    private static void ForEachThreadCount(int length, Action check)
    {
        if (length < ActivationKernels.ParallelLength)
        {
            check();
            return;
        }

        WithThreads(1, check);
        WithThreads(3, check);
    }

    /// <summary>Random x in (−8, 8) and dy in (−1, 1), with the special values planted at a stride so that they fall
    /// both in vector lanes and in the tail: every kink (−3, 0, 3, 6, the relu thresholds and ceilings) and its two
    /// neighbouring values, ±0, ±∞, NaN, the largest and smallest values; dy is ±∞, NaN or ±0 at some points.</summary>
    private static (T[] X, T[] Dy) Inputs<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
    {
        var kinks = new List<T>();
        foreach (double kink in new[] { -3.0, 3.0, 6.0, 0.5, -0.5, 2.0, 0.25, 1e-50, -1.0 })
        {
            T k = T.CreateChecked(kink);
            kinks.AddRange([k, T.BitDecrement(k), T.BitIncrement(k)]);
        }

        T[] special =
        [
            T.Zero, T.NegativeZero, T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.MaxValue, T.MinValue, T.Epsilon,
            -T.Epsilon, T.CreateChecked(1e30), T.CreateChecked(-1e30), .. kinks,
        ];
        T[] specialDy = [T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.Zero, T.NegativeZero];
        var random = new System.Random(length);
        var x = new T[length];
        var dy = new T[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = i % 3 == 0 ? special[i / 3 % special.Length] : T.CreateChecked(random.NextDouble() * 16 - 8);
            dy[i] = i % 11 == 5 ? specialDy[i / 11 % specialDy.Length] : T.CreateChecked(random.NextDouble() * 2 - 1);
        }

        // The last element is special whatever the length, so a tail always holds one.
        x[^1] = special[length % special.Length];
        return (x, dy);
    }

    private static void AssertSameBits<T>(T want, T got, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool same = T.IsNaN(want) ? T.IsNaN(got) : want.Equals(got) && T.IsNegative(want) == T.IsNegative(got);
        Assert.True(same, $"{what}: got {got}, want {want}");
    }
}
