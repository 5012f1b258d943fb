using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Random;

/// <summary>Vectorised, multithreaded fills (AVX2 when available, same bits on the portable path).</summary>
public sealed partial class RandomGenerator
{
    /// <summary>Fills <paramref name="destination"/> with uniform values on [<paramref name="low"/>,
    /// <paramref name="high"/>): <c>low + (high − low)·u</c> with 24-bit (float) or 53-bit (double) u, clamped below
    /// <paramref name="high"/> so rounding never returns it. Keras <c>RandomUniform(minval, maxval)</c>,
    /// <c>torch.Tensor.uniform_(low, high)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not finite, <paramref name="high"/> &lt;
    /// <paramref name="low"/>, or high − low overflows.</exception>
    public void FillUniform<T>(Span<T> destination, T low, T high)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!IsSupported<T>())
        {
            ThrowUnsupported<T>();
        }

        ThrowIfNotFinite(low, nameof(low));
        ThrowIfNotFinite(high, nameof(high));
        if (high < low || !T.IsFinite(high - low))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high,
                $"The uniform range [{low}, {high}) must have low ≤ high and a finite width.");
        }

        T below = high == low ? low : T.BitDecrement(high);
        if (typeof(T) == typeof(float))
        {
            float l = Unsafe.BitCast<T, float>(low), h = Unsafe.BitCast<T, float>(high);
            var kernel = new UniformSingleKernel(l, h - l, Unsafe.BitCast<T, float>(below));
            FillRunner.Run(kernel, _schedule, TakeBlocks(destination.Length, 4), Cast<T, float>(destination));
        }
        else
        {
            double l = Unsafe.BitCast<T, double>(low), h = Unsafe.BitCast<T, double>(high);
            var kernel = new UniformDoubleKernel(l, h - l, Unsafe.BitCast<T, double>(below));
            FillRunner.Run(kernel, _schedule, TakeBlocks(destination.Length, 2), Cast<T, double>(destination));
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values on [0, 1).</summary>
    public void FillUniform<T>(Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        FillUniform(destination, T.Zero, T.One);

    /// <summary>Fills <paramref name="destination"/> with normal values <c>mean + standardDeviation·z</c>, z from
    /// Box–Muller. Keras <c>RandomNormal(mean, stddev)</c>, <c>torch.randn</c>, <c>torch.Tensor.normal_</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The mean is not finite or the standard deviation is negative
    /// or not finite.</exception>
    public void FillNormal<T>(Span<T> destination, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateNormal(mean, standardDeviation);
        if (typeof(T) == typeof(float))
        {
            var kernel = new NormalSingleKernel(Unsafe.BitCast<T, float>(mean), Unsafe.BitCast<T, float>(standardDeviation));
            FillRunner.Run(kernel, _schedule, TakeBlocks(destination.Length, 4), Cast<T, float>(destination));
        }
        else
        {
            var kernel = new NormalDoubleKernel(Unsafe.BitCast<T, double>(mean), Unsafe.BitCast<T, double>(standardDeviation));
            FillRunner.Run(kernel, _schedule, TakeBlocks(destination.Length, 2), Cast<T, double>(destination));
        }
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal values.</summary>
    public void FillNormal<T>(Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        FillNormal(destination, T.Zero, T.One);

    /// <summary>Fills <paramref name="destination"/> with normal values truncated to mean ± 2·standardDeviation,
    /// values outside being redrawn (so the shape inside is exactly normal; the resulting standard deviation is
    /// ≈ 0.8796·standardDeviation). Keras <c>TruncatedNormal(mean, stddev)</c>,
    /// <c>tf.random.truncated_normal</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="FillNormal{T}(Span{T}, T, T)"/>.</exception>
    public void FillTruncatedNormal<T>(Span<T> destination, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateNormal(mean, standardDeviation);
        if (typeof(T) == typeof(float))
        {
            var kernel = new TruncatedNormalSingleKernel(Unsafe.BitCast<T, float>(mean), Unsafe.BitCast<T, float>(standardDeviation),
                TruncatedNormal.FirstRedrawSchedule(_schedule));
            FillRunner.RunChunks(kernel, _schedule, TakeBlocks(destination.Length, 4), Cast<T, float>(destination));
        }
        else
        {
            var kernel = new TruncatedNormalDoubleKernel(Unsafe.BitCast<T, double>(mean), Unsafe.BitCast<T, double>(standardDeviation),
                TruncatedNormal.FirstRedrawSchedule(_schedule));
            FillRunner.RunChunks(kernel, _schedule, TakeBlocks(destination.Length, 2), Cast<T, double>(destination));
        }
    }

    /// <summary>Fills <paramref name="destination"/> with 1 with probability <paramref name="probability"/> and 0
    /// otherwise (resolution 2⁻³²). <c>torch.bernoulli</c>, <c>np.random.Generator.binomial(1, p)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    public void FillBernoulli<T>(Span<T> destination, double probability)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateProbability(probability, nameof(probability));
        FillTwoValued(destination, probability, T.One);
    }

    /// <summary>Fills a dropout mask: <c>1/keepProbability</c> with probability <paramref name="keepProbability"/>,
    /// else 0, so <c>x ⊙ mask</c> is inverted dropout with rate 1 − keepProbability (Keras <c>Dropout(rate)</c>
    /// scales kept units by 1/(1 − rate) during training).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepProbability"/> is outside (0, 1].</exception>
    public void FillDropoutMask<T>(Span<T> destination, double keepProbability)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateProbability(keepProbability, nameof(keepProbability));
        if (keepProbability == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keepProbability), keepProbability,
                "The keep probability of a dropout mask must be positive (a rate of 1 drops everything).");
        }

        FillTwoValued(destination, keepProbability, T.CreateChecked(1.0 / keepProbability));
    }

    private void FillTwoValued<T>(Span<T> destination, double probability, T success)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!IsSupported<T>())
        {
            ThrowUnsupported<T>();
        }

        ulong firstBlock = TakeBlocks(destination.Length, 4);
        double scaled = Math.Round(probability * 4294967296.0);
        if (scaled >= 4294967296.0 || scaled <= 0)
        {
            // Every word passes (or none does): the blocks are still consumed, so later draws do not depend on p.
            destination.Fill(scaled <= 0 ? T.Zero : success);
            return;
        }

        uint threshold = (uint)scaled;
        if (typeof(T) == typeof(float))
        {
            var kernel = new BernoulliSingleKernel(threshold, Unsafe.BitCast<T, float>(success), 0f);
            FillRunner.Run(kernel, _schedule, firstBlock, Cast<T, float>(destination));
        }
        else
        {
            var kernel = new BernoulliDoubleKernel(threshold, Unsafe.BitCast<T, double>(success), 0.0);
            FillRunner.Run(kernel, _schedule, firstBlock, Cast<T, double>(destination));
        }
    }

    private static void ValidateNormal<T>(T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!IsSupported<T>())
        {
            ThrowUnsupported<T>();
        }

        ThrowIfNotFinite(mean, nameof(mean));
        if (!T.IsFinite(standardDeviation) || standardDeviation < T.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation,
                "The standard deviation must be finite and non-negative.");
        }
    }

    private static void ValidateProbability(double probability, string name)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(name, probability, "A probability must lie in [0, 1].");
        }
    }

    private static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span)
        where TFrom : unmanaged
        where TTo : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(span);
}
