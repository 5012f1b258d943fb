using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Random;

/// <summary>Turns 16 consecutive Philox blocks into <c>16·ValuesPerBlock</c> consecutive output values.
/// Value i of a fill depends only on block <c>firstBlock + i / ValuesPerBlock</c>, which is what makes the result
/// independent of how the fill is cut into chunks and threads.</summary>
internal unsafe interface IGroupKernel<T>
    where T : unmanaged
{
    /// <summary>Values produced per 128-bit block: 4 for one word per value, 2 for 64 bits per value.</summary>
    static abstract int ValuesPerBlock { get; }

    void Write(ulong block, in Philox.KeySchedule schedule, T* destination);
}

/// <summary>Stream layout of every fill (versioned with the library; the golden files pin it):
/// float uniform / normal / Bernoulli and double Bernoulli use word e of block b for value 4b+e;
/// double uniform uses the 64-bit word (w₀ | w₁≪32) for value 2b and (w₂ | w₃≪32) for value 2b+1;
/// float normals pair (w₀, w₁) → values 4b, 4b+1 and (w₂, w₃) → 4b+2, 4b+3 as (r·cos, r·sin) with the radius from
/// the first word; double normals pair the two 64-bit words of block b the same way into values 2b, 2b+1.</summary>
internal static class FillLayout
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UnpackLow64(Vector256<ulong> a, Vector256<ulong> b, out Vector256<ulong> low, out Vector256<ulong> high)
    {
        if (Avx2.IsSupported)
        {
            low = Avx2.UnpackLow(a, b);
            high = Avx2.UnpackHigh(a, b);
        }
        else
        {
            low = Vector256.Create(a[0], b[0], a[2], b[2]);
            high = Vector256.Create(a[1], b[1], a[3], b[3]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Store(float* destination, Vector256<uint> v0, Vector256<uint> v1, Vector256<uint> v2,
        Vector256<uint> v3)
    {
        v0.AsSingle().Store(destination);
        v1.AsSingle().Store(destination + 8);
        v2.AsSingle().Store(destination + 16);
        v3.AsSingle().Store(destination + 24);
    }
}

/// <summary>Uniform floats: <c>min(low + (high − low)·u, high⁻)</c> with u = (word ≫ 8)·2⁻²⁴, so never high.</summary>
internal readonly unsafe struct UniformSingleKernel(float low, float scale, float below) : IGroupKernel<float>
{
    public static int ValuesPerBlock => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, float* destination)
    {
        Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        Emit(a0, a1, a2, a3, destination);
        Emit(b0, b1, b2, b3, destination + Philox.BlocksPerGroup * ValuesPerBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, float* destination)
    {
        Philox.Transpose4x8(ref x0, ref x1, ref x2, ref x3);
        FillLayout.Store(destination, Map(x0), Map(x1), Map(x2), Map(x3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<uint> Map(Vector256<uint> word) =>
        Vector256.Min(Vector256.FusedMultiplyAdd(BoxMuller.UnitSingle(word), Vector256.Create(scale), Vector256.Create(low)),
            Vector256.Create(below)).AsUInt32();
}

/// <summary>Uniform doubles from 53 bits: <c>min(low + (high − low)·u, high⁻)</c>, u = (bits ≫ 11)·2⁻⁵³.</summary>
internal readonly unsafe struct UniformDoubleKernel(double low, double scale, double below) : IGroupKernel<double>
{
    public static int ValuesPerBlock => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, double* destination)
    {
        Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        Emit(a0, a1, a2, a3, destination);
        Emit(b0, b1, b2, b3, destination + Philox.BlocksPerGroup * ValuesPerBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, double* destination)
    {
        Philox.Transpose4x8(ref x0, ref x1, ref x2, ref x3);
        Map(x0).Store(destination);
        Map(x1).Store(destination + 4);
        Map(x2).Store(destination + 8);
        Map(x3).Store(destination + 12);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<double> Map(Vector256<uint> words) =>
        Vector256.Min(Vector256.FusedMultiplyAdd(BoxMuller.UnitDouble(words.AsUInt64()), Vector256.Create(scale),
            Vector256.Create(low)), Vector256.Create(below));
}

/// <summary>Normal floats: mean + std·z with z from vectorised Box–Muller.</summary>
internal readonly unsafe struct NormalSingleKernel(float mean, float standardDeviation) : IGroupKernel<float>
{
    public static int ValuesPerBlock => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, float* destination)
    {
        Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        Emit(a0, a1, a2, a3, destination);
        Emit(b0, b1, b2, b3, destination + Philox.BlocksPerGroup * ValuesPerBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, float* destination)
    {
        BoxMuller.Transform(x0, x1, out var z0, out var z1);
        BoxMuller.Transform(x2, x3, out var z2, out var z3);
        var y0 = Scale(z0);
        var y1 = Scale(z1);
        var y2 = Scale(z2);
        var y3 = Scale(z3);
        Philox.Transpose4x8(ref y0, ref y1, ref y2, ref y3);
        FillLayout.Store(destination, y0, y1, y2, y3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<uint> Scale(Vector256<float> z) =>
        Vector256.FusedMultiplyAdd(z, Vector256.Create(standardDeviation), Vector256.Create(mean)).AsUInt32();
}

/// <summary>Normal doubles: mean + std·z with z from vectorised Box–Muller on 53-bit uniforms.</summary>
internal readonly unsafe struct NormalDoubleKernel(double mean, double standardDeviation) : IGroupKernel<double>
{
    public static int ValuesPerBlock => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, double* destination)
    {
        Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        Emit(a0, a1, a2, a3, destination);
        Emit(b0, b1, b2, b3, destination + Philox.BlocksPerGroup * ValuesPerBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, double* destination)
    {
        Philox.Transpose4x8(ref x0, ref x1, ref x2, ref x3);
        WritePairs(x0.AsUInt64(), x1.AsUInt64(), destination);
        WritePairs(x2.AsUInt64(), x3.AsUInt64(), destination + 8);
    }

    /// <summary>r0 holds blocks (b, b+1), r1 blocks (b+2, b+3), each as (radius bits, angle bits) pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WritePairs(Vector256<ulong> r0, Vector256<ulong> r1, double* destination)
    {
        FillLayout.UnpackLow64(r0, r1, out var radius, out var angle);
        BoxMuller.Transform(radius, angle, out var first, out var second);
        FillLayout.UnpackLow64(Scale(first).AsUInt64(), Scale(second).AsUInt64(), out var low, out var high);
        low.AsDouble().Store(destination);
        high.AsDouble().Store(destination + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<double> Scale(Vector256<double> z) =>
        Vector256.FusedMultiplyAdd(z, Vector256.Create(standardDeviation), Vector256.Create(mean));
}

/// <summary>Bernoulli floats: <paramref name="success"/> where word &lt; threshold (probability threshold·2⁻³²),
/// else <paramref name="failure"/>.</summary>
internal readonly unsafe struct BernoulliSingleKernel(uint threshold, float success, float failure) : IGroupKernel<float>
{
    public static int ValuesPerBlock => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, float* destination)
    {
        Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        Emit(a0, a1, a2, a3, destination);
        Emit(b0, b1, b2, b3, destination + Philox.BlocksPerGroup * ValuesPerBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, float* destination)
    {
        Philox.Transpose4x8(ref x0, ref x1, ref x2, ref x3);
        FillLayout.Store(destination, Map(x0), Map(x1), Map(x2), Map(x3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<uint> Map(Vector256<uint> word) =>
        Vector256.ConditionalSelect(Vector256.LessThan(word, Vector256.Create(threshold)).AsSingle(),
            Vector256.Create(success), Vector256.Create(failure)).AsUInt32();
}

/// <summary>Bernoulli doubles, one 32-bit word per value like the float version.</summary>
internal readonly unsafe struct BernoulliDoubleKernel(uint threshold, double success, double failure) : IGroupKernel<double>
{
    public static int ValuesPerBlock => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, double* destination)
    {
        Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
            out var b2, out var b3);
        Emit(a0, a1, a2, a3, destination);
        Emit(b0, b1, b2, b3, destination + Philox.BlocksPerGroup * ValuesPerBlock);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, double* destination)
    {
        Philox.Transpose4x8(ref x0, ref x1, ref x2, ref x3);
        Map(x0, destination);
        Map(x1, destination + 8);
        Map(x2, destination + 16);
        Map(x3, destination + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Map(Vector256<uint> word, double* destination)
    {
        Vector256<int> mask = Vector256.LessThan(word, Vector256.Create(threshold)).AsInt32();
        var (lower, upper) = Vector256.Widen(mask);
        Vector256.ConditionalSelect(lower.AsDouble(), Vector256.Create(success), Vector256.Create(failure)).Store(destination);
        Vector256.ConditionalSelect(upper.AsDouble(), Vector256.Create(success), Vector256.Create(failure)).Store(destination + 4);
    }
}

/// <summary>Normals truncated to [−2σ, 2σ] like Keras' TruncatedNormal / tf.random.truncated_normal: a standard
/// normal outside [−2, 2] is redrawn. Redraw k (k = 1, 2, …) of value i is value i of the standard-normal fill of
/// the derived stream <c>Split(RetryStreamBase + k)</c>, so every value still depends only on (seed, stream, i).</summary>
internal readonly unsafe struct TruncatedNormalSingleKernel(float mean, float standardDeviation, Philox.KeySchedule firstRedraw)
    : IGroupKernel<float>
{
    public static int ValuesPerBlock => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, float* destination)
    {
        new NormalSingleKernel(0f, 1f).Write(block, schedule, destination);
        var bound = Vector256.Create(TruncatedNormal.Bound);
        for (int i = 0; i < Philox.BlocksPerCall * ValuesPerBlock; i += 8)
        {
            var z = Vector256.Load(destination + i);
            uint outside = Vector256.GreaterThan(Vector256.Abs(z), bound).ExtractMostSignificantBits();
            while (outside != 0)
            {
                int lane = System.Numerics.BitOperations.TrailingZeroCount(outside);
                outside &= outside - 1;
                z = z.WithElement(lane, TruncatedNormal.RedrawSingle(schedule, firstRedraw, block * 4 + (ulong)(i + lane)));
            }

            Vector256.FusedMultiplyAdd(z, Vector256.Create(standardDeviation), Vector256.Create(mean)).Store(destination + i);
        }
    }
}

/// <summary>Double version of <see cref="TruncatedNormalSingleKernel"/>.</summary>
internal readonly unsafe struct TruncatedNormalDoubleKernel(double mean, double standardDeviation, Philox.KeySchedule firstRedraw)
    : IGroupKernel<double>
{
    public static int ValuesPerBlock => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong block, in Philox.KeySchedule schedule, double* destination)
    {
        new NormalDoubleKernel(0.0, 1.0).Write(block, schedule, destination);
        var bound = Vector256.Create((double)TruncatedNormal.Bound);
        for (int i = 0; i < Philox.BlocksPerCall * ValuesPerBlock; i += 4)
        {
            var z = Vector256.Load(destination + i);
            uint outside = Vector256.GreaterThan(Vector256.Abs(z), bound).ExtractMostSignificantBits();
            while (outside != 0)
            {
                int lane = System.Numerics.BitOperations.TrailingZeroCount(outside);
                outside &= outside - 1;
                z = z.WithElement(lane, TruncatedNormal.RedrawDouble(schedule, firstRedraw, block * 2 + (ulong)(i + lane)));
            }

            Vector256.FusedMultiplyAdd(z, Vector256.Create(standardDeviation), Vector256.Create(mean)).Store(destination + i);
        }
    }
}

/// <summary>Rejection redraws for the truncated normal, one derived stream per redraw round.</summary>
internal static class TruncatedNormal
{
    /// <summary>Truncation bound in standard deviations (Keras, TensorFlow, PyTorch's trunc_normal_ default).</summary>
    internal const float Bound = 2.0f;

    /// <summary>Stream ids <c>RetryStreamBase + k</c> (k ≥ 1) name the redraw streams; any id works as long as it is
    /// fixed, and this one ("trunc" in ASCII) keeps them apart from small user stream ids.</summary>
    internal const ulong RetryStreamBase = 0x7472756E63000000;

    /// <summary>The stream of redraw round 1, precomputed once per fill: 95% of redraws need only that one.</summary>
    internal static Philox.KeySchedule FirstRedrawSchedule(in Philox.KeySchedule schedule) =>
        new(schedule.Key, StreamDerivation.Derive(schedule.Key, schedule.Stream, RetryStreamBase + 1));

    private static ulong RedrawStream(in Philox.KeySchedule schedule, in Philox.KeySchedule firstRedraw, ulong attempt) =>
        attempt == 1 ? firstRedraw.Stream : StreamDerivation.Derive(schedule.Key, schedule.Stream, RetryStreamBase + attempt);

    /// <summary>Standard normal for value <paramref name="index"/> (stream word 4b+e layout), redrawn until inside.</summary>
    internal static float RedrawSingle(in Philox.KeySchedule schedule, in Philox.KeySchedule firstRedraw, ulong index)
    {
        for (ulong attempt = 1; ; attempt++)
        {
            var (w0, w1, w2, w3) = Philox.Block(schedule.Key, RedrawStream(schedule, firstRedraw, attempt), index / 4);
            var (first, second) = (index & 2) == 0 ? BoxMuller.Pair(w0, w1) : BoxMuller.Pair(w2, w3);
            float z = (index & 1) == 0 ? first : second;
            if (MathF.Abs(z) <= Bound)
            {
                return z;
            }
        }
    }

    /// <summary>Standard normal double for value <paramref name="index"/> (value 2b+e layout), redrawn until inside.</summary>
    internal static double RedrawDouble(in Philox.KeySchedule schedule, in Philox.KeySchedule firstRedraw, ulong index)
    {
        for (ulong attempt = 1; ; attempt++)
        {
            var (w0, w1, w2, w3) = Philox.Block(schedule.Key, RedrawStream(schedule, firstRedraw, attempt), index / 2);
            var (first, second) = BoxMuller.Pair(w0 | ((ulong)w1 << 32), w2 | ((ulong)w3 << 32));
            double z = (index & 1) == 0 ? first : second;
            if (Math.Abs(z) <= Bound)
            {
                return z;
            }
        }
    }
}

/// <summary>Child stream ids: the first two words of Philox block (streamId, parentStream) under the key with its
/// words flipped, so children of one parent differ for different ids and differ from the parent's own blocks.</summary>
internal static class StreamDerivation
{
    internal static ulong Derive(ulong key, ulong parentStream, ulong streamId)
    {
        var (w0, w1, _, _) = Philox.Block((uint)streamId, (uint)(streamId >> 32), (uint)parentStream,
            (uint)(parentStream >> 32), ~(uint)key, ~(uint)(key >> 32));
        return w0 | ((ulong)w1 << 32);
    }
}
