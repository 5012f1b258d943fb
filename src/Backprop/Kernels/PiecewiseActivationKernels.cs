using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Kernels;

/// <summary>Vectorised forward and backward passes of the piecewise activations: relu6, hard_sigmoid, hard_silu,
/// softsign and relu with Keras's negative_slope / max_value / threshold. Each evaluates the element formula of its
/// activation with the same operations in the same order in T, so every element has the bits the one-value formula
/// gives, at the kinks, for ±0 and ±∞ and for NaN alike. Long spans are split over threads
/// (<see cref="ActivationKernels.ParallelLength"/>); every output span may be one of the inputs.</summary>
/// <remarks><see cref="Vector.Clamp{T}"/> and <see cref="Vector.Max{T}"/> are IEEE 754-2019 minimum/maximum as
/// <c>T.Clamp</c> and <c>T.Max</c> are: NaN in gives that NaN out, and −0 counts as less than +0, so clamping −0 to
/// [0, 6] gives +0. Element types without <see cref="Vector{T}"/> (Half) go through the float kernels. The backward passes multiply dy by the derivative, never select dy, so dy = ±∞ or NaN at a flat
/// point gives NaN (∞·0), and a negative dy there gives −0, as dy·f′(x) does.</remarks>
public static class PiecewiseActivationKernels
{
    /// <summary>y = clamp(x, 0, 6) (Keras <c>relu6</c>). NaN gives NaN; −0 gives +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu6Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, y, static (a, b) => Relu6Forward<float>(a, b));
            return;
        }

        VectorActivationLoops.Forward(default(Relu6<T>), x, y);
    }

    /// <summary>dx = dy·[0 &lt; x &lt; 6]: f′ = 0 at both kinks and for NaN x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu6Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, dy, dx, static (a, b, c) => Relu6Backward<float>(a, b, c));
            return;
        }

        VectorActivationLoops.Backward(default(Relu6<T>), x, dy, dx);
    }

    /// <summary>y = clamp(x + 3, 0, 6)/6 (Keras 3 <c>hard_sigmoid</c>, PyTorch <c>Hardsigmoid</c>), in that order:
    /// not x/6 + ½, whose roundings differ. NaN gives NaN; −3 and below give +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HardSigmoidForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, y, static (a, b) => HardSigmoidForward<float>(a, b));
            return;
        }

        VectorActivationLoops.Forward(default(HardSigmoid<T>), x, y);
    }

    /// <summary>dx = dy·(1/6)·[−3 &lt; x &lt; 3], with 1/6 rounded in T: f′ = 0 at ±3 and for NaN x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HardSigmoidBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, dy, dx, static (a, b, c) => HardSigmoidBackward<float>(a, b, c));
            return;
        }

        VectorActivationLoops.Backward(default(HardSigmoid<T>), x, dy, dx);
    }

    /// <summary>y = x·(clamp(x + 3, 0, 6)/6) (Keras <c>hard_silu</c>/<c>hard_swish</c>, PyTorch <c>Hardswish</c>).
    /// NaN gives NaN; x ≤ −3 gives x·(+0), so −0 for finite x and NaN for −∞; −0 gives −0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HardSwishForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, y, static (a, b) => HardSwishForward<float>(a, b));
            return;
        }

        VectorActivationLoops.Forward(default(HardSwish<T>), x, y);
    }

    /// <summary>dx = dy·f′(x) with f′ = 0 for x ≤ −3, 1 for x ≥ 3 and (x + x + 3)/6 between (the one-sided values
    /// at the kinks that PyTorch takes). NaN x gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HardSwishBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, dy, dx, static (a, b, c) => HardSwishBackward<float>(a, b, c));
            return;
        }

        VectorActivationLoops.Backward(default(HardSwish<T>), x, dy, dx);
    }

    /// <summary>y = x/(1 + |x|) (Keras <c>softsign</c>). NaN gives NaN, ±∞ gives NaN (∞/∞, as the formula does),
    /// ±0 gives ±0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftsignForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, y, static (a, b) => SoftsignForward<float>(a, b));
            return;
        }

        VectorActivationLoops.Forward(default(Softsign<T>), x, y);
    }

    /// <summary>dx = dy·(1/(d·d)) with d = 1 + |x|. NaN x gives NaN; ±∞ gives dy·0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftsignBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ViaSingle(x, dy, dx, static (a, b, c) => SoftsignBackward<float>(a, b, c));
            return;
        }

        VectorActivationLoops.Backward(default(Softsign<T>), x, dy, dx);
    }

    /// <summary>Keras <c>relu(x, negative_slope, max_value, threshold)</c>: with t = threshold, the positive part
    /// p = x·[x &gt; t] (max(x, 0) when t = 0), clamped to [0, max_value] when max_value is set, and
    /// y = p − negative_slope·max(t − x, 0) (just p when negative_slope = 0). The constants are rounded to T once,
    /// but which branch applies is decided on the doubles given, as Keras does on its Python floats. NaN gives NaN
    /// when t = 0 or negative_slope ≠ 0, else 0 (x &gt; t fails). −0 gives what +0 gives, except that with t &lt; 0
    /// and no max_value it stays −0 (p = x, and −0 − 0 = −0).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs; may be <paramref name="x"/>.</param>
    /// <param name="negativeSlope">The slope below the threshold.</param>
    /// <param name="maxValue">The ceiling of the positive part, or null (or +∞) for none.</param>
    /// <param name="threshold">Where the positive part starts.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluForward<T>(ReadOnlySpan<T> x, Span<T> y, double negativeSlope, double? maxValue, double threshold)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ReluViaSingle(x, default, y, negativeSlope, maxValue, threshold, backward: false);
            return;
        }

        VectorActivationLoops.Forward(new GeneralRelu<T>(negativeSlope, maxValue, threshold), x, y);
    }

    /// <summary>dx = dy·f′(x) for <see cref="ReluForward{T}"/>, with the left derivative at every kink as Keras and
    /// PyTorch take it: with p = x where x passes the threshold test (x &gt; t, or x &gt; 0 when t = 0) and 0
    /// elsewhere, f′ = [passes and not clipped] + negative_slope·[x &lt; t], clipped meaning p &lt; 0 or
    /// p ≥ max_value. NaN x gives dy·0.</summary>
    /// <param name="x">The forward inputs.</param>
    /// <param name="dy">The gradient of the outputs.</param>
    /// <param name="dx">The gradient of the inputs; may be <paramref name="dy"/> or <paramref name="x"/>.</param>
    /// <param name="negativeSlope">The slope below the threshold.</param>
    /// <param name="maxValue">The ceiling of the positive part, or null (or +∞) for none.</param>
    /// <param name="threshold">Where the positive part starts.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, double negativeSlope, double? maxValue, double threshold)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector<T>.IsSupported)
        {
            ReluViaSingle(x, dy, dx, negativeSlope, maxValue, threshold, backward: true);
            return;
        }

        VectorActivationLoops.Backward(new GeneralRelu<T>(negativeSlope, maxValue, threshold), x, dy, dx);
    }

    // Element types without Vector<T> (Half) run the float kernels: widened exactly, computed, rounded back once.
    private delegate void SingleForward(ReadOnlySpan<float> x, Span<float> y);

    private delegate void SingleBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);

    private static void ViaSingle<T>(ReadOnlySpan<T> x, Span<T> y, SingleForward kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        float[] output = new float[y.Length];
        kernel(Widen(x), output);
        Narrow(output, y);
    }

    private static void ViaSingle<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, SingleBackward kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        float[] output = new float[dx.Length];
        kernel(Widen(x), Widen(dy), output);
        Narrow(output, dx);
    }

    // A method of its own, so the closure over the arguments is only allocated on this path.
    private static void ReluViaSingle<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> output, double negativeSlope, double? maxValue, double threshold, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (backward)
        {
            ViaSingle(x, dy, output, (a, b, c) => ReluBackward<float>(a, b, c, negativeSlope, maxValue, threshold));
        }
        else
        {
            ViaSingle(x, output, (a, b) => ReluForward<float>(a, b, negativeSlope, maxValue, threshold));
        }
    }

    private static float[] Widen<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        float[] widened = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            widened[i] = float.CreateTruncating(values[i]);
        }

        return widened;
    }

    private static void Narrow<T>(float[] values, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = T.CreateTruncating(values[i]);
        }
    }

    /// <summary>1 where the mask is set, else 0, as a factor for dy (so that dy·0 keeps IEEE's NaN and −0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Indicator<T>(Vector<T> mask) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(mask, Vector<T>.One, Vector<T>.Zero);

    private readonly struct Relu6<T> : IVectorActivationValue<T>, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Value(Vector<T> x) => Vector.Clamp(x, Vector<T>.Zero, new Vector<T>(T.CreateChecked(6)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Gradient(Vector<T> x, Vector<T> dy) =>
            dy * Indicator(Vector.GreaterThan(x, Vector<T>.Zero) & Vector.LessThan(x, new Vector<T>(T.CreateChecked(6))));
    }

    private readonly struct HardSigmoid<T> : IVectorActivationValue<T>, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Value(Vector<T> x)
        {
            var six = new Vector<T>(T.CreateChecked(6));
            return Vector.Clamp(x + new Vector<T>(T.CreateChecked(3)), Vector<T>.Zero, six) / six;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Gradient(Vector<T> x, Vector<T> dy)
        {
            var three = new Vector<T>(T.CreateChecked(3));
            var inside = Vector.GreaterThan(x, -three) & Vector.LessThan(x, three);
            return dy * Vector.ConditionalSelect(inside, new Vector<T>(T.One / T.CreateChecked(6)), Vector<T>.Zero);
        }
    }

    private readonly struct HardSwish<T> : IVectorActivationValue<T>, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Value(Vector<T> x) => x * default(HardSigmoid<T>).Value(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Gradient(Vector<T> x, Vector<T> dy)
        {
            var three = new Vector<T>(T.CreateChecked(3));
            var between = (x + x + three) / new Vector<T>(T.CreateChecked(6));
            var aboveLow = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, three), Vector<T>.One, between);
            return dy * Vector.ConditionalSelect(Vector.LessThanOrEqual(x, -three), Vector<T>.Zero, aboveLow);
        }
    }

    private readonly struct Softsign<T> : IVectorActivationValue<T>, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Value(Vector<T> x) => x / (Vector<T>.One + Vector.Abs(x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Gradient(Vector<T> x, Vector<T> dy)
        {
            var d = Vector<T>.One + Vector.Abs(x);
            return dy * (Vector<T>.One / (d * d));
        }
    }

    // Keras's ReLU.static_call. The flags are decided on the doubles, as Keras decides on its Python floats, so a
    // threshold that rounds to 0 in float still takes the thresholded branch.
    private readonly struct GeneralRelu<T>(double negativeSlope, double? maxValue, double threshold)
        : IVectorActivationValue<T>, IVectorActivationGradient<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly bool _hasThreshold = threshold != 0;
        private readonly bool _hasMax = maxValue is { } max && !double.IsPositiveInfinity(max);
        private readonly bool _hasSlope = negativeSlope != 0;
        private readonly Vector<T> _threshold = new(T.CreateChecked(threshold));
        private readonly Vector<T> _max = new(T.CreateChecked(maxValue ?? double.PositiveInfinity));
        private readonly Vector<T> _slope = new(T.CreateChecked(negativeSlope));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Value(Vector<T> x)
        {
            var positive = _hasThreshold
                ? Vector.ConditionalSelect(Vector.GreaterThan(x, _threshold), x, Vector<T>.Zero)
                : Vector.Max(x, Vector<T>.Zero);
            if (_hasMax)
            {
                positive = Vector.Clamp(positive, Vector<T>.Zero, _max);
            }

            return _hasSlope ? positive - _slope * Vector.Max(_threshold - x, Vector<T>.Zero) : positive;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Gradient(Vector<T> x, Vector<T> dy)
        {
            var passes = Vector.GreaterThan(x, _hasThreshold ? _threshold : Vector<T>.Zero);
            var positive = Vector.ConditionalSelect(passes, x, Vector<T>.Zero);
            var clipped = _hasMax
                ? Vector.LessThan(positive, Vector<T>.Zero) | Vector.GreaterThanOrEqual(positive, _max)
                : Vector<T>.Zero;
            var derivative = Indicator(Vector.AndNot(passes, clipped));
            return dy * Vector.ConditionalSelect(Vector.LessThan(x, _threshold), derivative + _slope, derivative);
        }
    }
}
