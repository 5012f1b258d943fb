using System.Numerics;
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
        BoxMuller.Transform(x0, x1, x2, x3, out var z0, out var z1, out var z2, out var z3);
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
/// the derived stream <c>Split(RetryStreamBase + k)</c>, so every value still depends only on (seed, stream, i).
/// Each group is generated exactly like <see cref="NormalSingleKernel"/>, its out-of-bound lanes noted in a bit mask
/// while still in registers; their offsets are then redrawn in vector batches by <see cref="TruncatedNormal"/>.</summary>
internal readonly unsafe struct TruncatedNormalSingleKernel(float mean, float standardDeviation, Philox.KeySchedule firstRedraw)
    : IChunkKernel<float>
{
    private const int GroupValues = Philox.BlocksPerCall * 4;

    public static int ValuesPerBlock => 4;

    public void WriteChunk(in Philox.KeySchedule schedule, ulong firstValue, float* destination, int count)
    {
        int* pending = stackalloc int[TruncatedNormal.PendingCapacity];
        int pendingCount = 0;
        float* group = stackalloc float[GroupValues];
        ulong block = firstValue / 4;
        for (int i = 0; i < count; i += GroupValues, block += Philox.BlocksPerCall)
        {
            if (pendingCount > TruncatedNormal.PendingCapacity - TruncatedNormal.GroupSlack)
            {
                TruncatedNormal.Redraw<SingleRedrawCandidates, float>(schedule, firstRedraw, mean, standardDeviation,
                    firstValue, destination, pending, pendingCount);
                pendingCount = 0;
            }

            Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
                out var b2, out var b3);
            int valid = count - i;
            if (valid >= GroupValues)
            {
                pendingCount += Emit(a0, a1, a2, a3, destination + i, pending + pendingCount, i);
                pendingCount += Emit(b0, b1, b2, b3, destination + i + GroupValues / 2, pending + pendingCount, i + GroupValues / 2);
            }
            else
            {
                // The last partial group goes through a buffer; its offsets past the end are dropped.
                int added = Emit(a0, a1, a2, a3, group, pending + pendingCount, i);
                added += Emit(b0, b1, b2, b3, group + GroupValues / 2, pending + pendingCount + added, i + GroupValues / 2);
                new ReadOnlySpan<float>(group, valid).CopyTo(new Span<float>(destination + i, valid));
                int kept = pendingCount;
                for (int k = pendingCount; k < pendingCount + added; k++)
                {
                    if (pending[k] < count)
                    {
                        pending[kept++] = pending[k];
                    }
                }

                pendingCount = kept;
            }
        }

        TruncatedNormal.Redraw<SingleRedrawCandidates, float>(schedule, firstRedraw, mean, standardDeviation,
            firstValue, destination, pending, pendingCount);
    }

    /// <summary>As <see cref="NormalSingleKernel"/>'s Emit (scaling commutes with the transpose), also appending
    /// <paramref name="offset"/> + j to <paramref name="pending"/> for every value j of the 32 outside the bound;
    /// returns how many were appended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, float* destination,
        int* pending, int offset)
    {
        BoxMuller.Transform(x0, x1, x2, x3, out var z0, out var z1, out var z2, out var z3);
        var y0 = z0.AsUInt32();
        var y1 = z1.AsUInt32();
        var y2 = z2.AsUInt32();
        var y3 = z3.AsUInt32();
        Philox.Transpose4x8(ref y0, ref y1, ref y2, ref y3);
        int added = TruncatedNormal.AppendOutside(y0.AsSingle(), y1.AsSingle(), offset, pending);
        added += TruncatedNormal.AppendOutside(y2.AsSingle(), y3.AsSingle(), offset + 16, pending + added);
        FillLayout.Store(destination, Scale(y0), Scale(y1), Scale(y2), Scale(y3));
        return added;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<uint> Scale(Vector256<uint> z) =>
        Vector256.FusedMultiplyAdd(z.AsSingle(), Vector256.Create(standardDeviation), Vector256.Create(mean)).AsUInt32();
}

/// <summary>Double version of <see cref="TruncatedNormalSingleKernel"/>, generating like
/// <see cref="NormalDoubleKernel"/>.</summary>
internal readonly unsafe struct TruncatedNormalDoubleKernel(double mean, double standardDeviation, Philox.KeySchedule firstRedraw)
    : IChunkKernel<double>
{
    private const int GroupValues = Philox.BlocksPerCall * 2;

    public static int ValuesPerBlock => 2;

    public void WriteChunk(in Philox.KeySchedule schedule, ulong firstValue, double* destination, int count)
    {
        int* pending = stackalloc int[TruncatedNormal.PendingCapacity];
        int pendingCount = 0;
        double* group = stackalloc double[GroupValues];
        ulong block = firstValue / 2;
        for (int i = 0; i < count; i += GroupValues, block += Philox.BlocksPerCall)
        {
            if (pendingCount > TruncatedNormal.PendingCapacity - TruncatedNormal.GroupSlack)
            {
                TruncatedNormal.Redraw<DoubleRedrawCandidates, double>(schedule, firstRedraw, mean, standardDeviation,
                    firstValue, destination, pending, pendingCount);
                pendingCount = 0;
            }

            Philox.Generate16(block, schedule, out var a0, out var a1, out var a2, out var a3, out var b0, out var b1,
                out var b2, out var b3);
            int valid = count - i;
            if (valid >= GroupValues)
            {
                pendingCount += Emit(a0, a1, a2, a3, destination + i, pending + pendingCount, i);
                pendingCount += Emit(b0, b1, b2, b3, destination + i + GroupValues / 2, pending + pendingCount, i + GroupValues / 2);
            }
            else
            {
                // The last partial group goes through a buffer; its offsets past the end are dropped.
                int added = Emit(a0, a1, a2, a3, group, pending + pendingCount, i);
                added += Emit(b0, b1, b2, b3, group + GroupValues / 2, pending + pendingCount + added, i + GroupValues / 2);
                new ReadOnlySpan<double>(group, valid).CopyTo(new Span<double>(destination + i, valid));
                int kept = pendingCount;
                for (int k = pendingCount; k < pendingCount + added; k++)
                {
                    if (pending[k] < count)
                    {
                        pending[kept++] = pending[k];
                    }
                }

                pendingCount = kept;
            }
        }

        TruncatedNormal.Redraw<DoubleRedrawCandidates, double>(schedule, firstRedraw, mean, standardDeviation,
            firstValue, destination, pending, pendingCount);
    }

    /// <summary>16 values as <see cref="NormalDoubleKernel"/>'s Emit, appending the offsets of those outside the
    /// bound to <paramref name="pending"/>; returns how many were appended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Emit(Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2, Vector256<uint> x3, double* destination,
        int* pending, int offset)
    {
        Philox.Transpose4x8(ref x0, ref x1, ref x2, ref x3);
        int added = WritePairs(x0.AsUInt64(), x1.AsUInt64(), destination, pending, offset);
        return added + WritePairs(x2.AsUInt64(), x3.AsUInt64(), destination + 8, pending + added, offset + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int WritePairs(Vector256<ulong> r0, Vector256<ulong> r1, double* destination, int* pending, int offset)
    {
        FillLayout.UnpackLow64(r0, r1, out var radius, out var angle);
        BoxMuller.Transform(radius, angle, out var first, out var second);
        FillLayout.UnpackLow64(first.AsUInt64(), second.AsUInt64(), out var low, out var high);
        Scale(low).Store(destination);
        Scale(high).Store(destination + 4);
        return TruncatedNormal.AppendOutside(Vector256.Narrow(Outside(low), Outside(high)), offset, pending);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Outside(Vector256<ulong> z) =>
        Vector256.GreaterThan(Vector256.Abs(z.AsDouble()), Vector256.Create((double)TruncatedNormal.Bound)).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<double> Scale(Vector256<ulong> z) =>
        Vector256.FusedMultiplyAdd(z.AsDouble(), Vector256.Create(standardDeviation), Vector256.Create(mean));
}

/// <summary>Standard-normal candidates for a batch of scattered values of one redraw stream.</summary>
internal unsafe interface IRedrawCandidates<T>
    where T : unmanaged
{
    /// <summary>Writes to <paramref name="candidates"/>[j] value <c>firstValue + offsets[j]</c> (j &lt;
    /// <see cref="TruncatedNormal.BatchLanes"/>) of the standard-normal fill of the stream in <paramref name="round"/>,
    /// bit for bit as the fill kernels compute it.</summary>
    static abstract void Generate(in Philox.KeySchedule round, ulong firstValue, int* offsets, T* candidates);
}

/// <summary>Float layout: value v is word pair (w₀, w₁) or (w₂, w₃) of block v/4 (bit 1 of v picks the pair) and
/// the cos (even v) or sin (odd v) output of Box–Muller.</summary>
internal readonly unsafe struct SingleRedrawCandidates : IRedrawCandidates<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Generate(in Philox.KeySchedule round, ulong firstValue, int* offsets, float* candidates)
    {
        Vector256<uint> offsetA = Vector256.Load((uint*)offsets);
        Vector256<uint> offsetB = Vector256.Load((uint*)offsets + 8);
        TruncatedNormal.Blocks(offsetA, firstValue, 2, out Vector256<uint> lowA, out Vector256<uint> highA);
        TruncatedNormal.Blocks(offsetB, firstValue, 2, out Vector256<uint> lowB, out Vector256<uint> highB);
        Philox.Generate16(Vector512.Create(lowA, lowB), Vector512.Create(highA, highB), round, out var a0, out var a1,
            out var a2, out var a3, out var b0, out var b1, out var b2, out var b3);
        Vector256<uint> valueA = offsetA + Vector256.Create((uint)firstValue), valueB = offsetB + Vector256.Create((uint)firstValue);
        Vector256<uint> secondPairA = Vector256.Equals(valueA & Vector256.Create(2u), Vector256.Create(2u));
        Vector256<uint> secondPairB = Vector256.Equals(valueB & Vector256.Create(2u), Vector256.Create(2u));
        BoxMuller.Transform(
            Vector256.ConditionalSelect(secondPairA, a2, a0), Vector256.ConditionalSelect(secondPairA, a3, a1),
            Vector256.ConditionalSelect(secondPairB, b2, b0), Vector256.ConditionalSelect(secondPairB, b3, b1),
            out Vector256<float> firstA, out Vector256<float> secondA, out Vector256<float> firstB, out Vector256<float> secondB);
        Vector256.ConditionalSelect(Odd(valueA), secondA, firstA).Store(candidates);
        Vector256.ConditionalSelect(Odd(valueB), secondB, firstB).Store(candidates + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Odd(Vector256<uint> value) => Vector256.Equals(value & Vector256<uint>.One, Vector256<uint>.One).AsSingle();
}

/// <summary>Double layout: value v is the cos (even v) or sin (odd v) output of Box–Muller on the 64-bit words
/// (w₀ | w₁≪32, w₂ | w₃≪32) of block v/2.</summary>
internal readonly unsafe struct DoubleRedrawCandidates : IRedrawCandidates<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Generate(in Philox.KeySchedule round, ulong firstValue, int* offsets, double* candidates)
    {
        Vector256<uint> offsetA = Vector256.Load((uint*)offsets);
        Vector256<uint> offsetB = Vector256.Load((uint*)offsets + 8);
        TruncatedNormal.Blocks(offsetA, firstValue, 1, out Vector256<uint> lowA, out Vector256<uint> highA);
        TruncatedNormal.Blocks(offsetB, firstValue, 1, out Vector256<uint> lowB, out Vector256<uint> highB);
        Philox.Generate16(Vector512.Create(lowA, lowB), Vector512.Create(highA, highB), round, out var a0, out var a1,
            out var a2, out var a3, out var b0, out var b1, out var b2, out var b3);
        Select(offsetA + Vector256.Create((uint)firstValue), a0, a1, a2, a3, candidates);
        Select(offsetB + Vector256.Create((uint)firstValue), b0, b1, b2, b3, candidates + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Select(Vector256<uint> value, Vector256<uint> x0, Vector256<uint> x1, Vector256<uint> x2,
        Vector256<uint> x3, double* candidates)
    {
        var (odd0, odd1) = Vector256.Widen(value & Vector256<uint>.One);
        var (radius0, radius1) = Join(x0, x1);
        var (angle0, angle1) = Join(x2, x3);
        Emit(radius0, angle0, odd0, candidates);
        Emit(radius1, angle1, odd1, candidates + 4);
    }

    /// <summary>Lanes 0–3 and 4–7 of <c>low | high≪32</c> as 64-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<ulong> Lower, Vector256<ulong> Upper) Join(Vector256<uint> low, Vector256<uint> high)
    {
        var (low0, low1) = Vector256.Widen(low);
        var (high0, high1) = Vector256.Widen(high);
        return (low0 | (high0 << 32), low1 | (high1 << 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(Vector256<ulong> radius, Vector256<ulong> angle, Vector256<ulong> odd, double* candidates)
    {
        BoxMuller.Transform(radius, angle, out Vector256<double> first, out Vector256<double> second);
        Vector256.ConditionalSelect(Vector256.Equals(odd, Vector256<ulong>.One).AsDouble(), second, first).Store(candidates);
    }
}

/// <summary>Rejection redraws for the truncated normal, one derived stream per redraw round.</summary>
internal static unsafe class TruncatedNormal
{
    /// <summary>Truncation bound in standard deviations (Keras, TensorFlow, PyTorch's trunc_normal_ default).</summary>
    internal const float Bound = 2.0f;

    /// <summary>Stream ids <c>RetryStreamBase + k</c> (k ≥ 1) name the redraw streams; any id works as long as it is
    /// fixed, and this one ("trunc" in ASCII) keeps them apart from small user stream ids.</summary>
    internal const ulong RetryStreamBase = 0x7472756E63000000;

    /// <summary>Rejected offsets held before a batch redraw: ≈ 4.55% of a 2¹⁶-value chunk is ≈ 2980, so usually
    /// one redraw per chunk, whose few stragglers for rounds ≥ 2 then pad few batches; 16 KiB of stack.</summary>
    internal const int PendingCapacity = 4096;

    /// <summary>Redraws per vector batch: sixteen Philox blocks are one AVX-512 pass.</summary>
    internal const int BatchLanes = 16;

    /// <summary>The stream of redraw round 1, precomputed once per fill: 95% of redraws need only that one.</summary>
    internal static Philox.KeySchedule FirstRedrawSchedule(in Philox.KeySchedule schedule) => RedrawSchedule(schedule, 1);

    private static Philox.KeySchedule RedrawSchedule(in Philox.KeySchedule schedule, ulong attempt) =>
        new(schedule.Key, StreamDerivation.Derive(schedule.Key, schedule.Stream, RetryStreamBase + attempt));

    /// <summary>Pending entries that must be free before a group is generated: a group adds at most 64 (its
    /// appends never store past that), and a redraw pads its last batch to <see cref="BatchLanes"/>.</summary>
    internal const int GroupSlack = 64 + BatchLanes;

    /// <summary>Appends <paramref name="offset"/> + j for each of the sixteen values j (eight in
    /// <paramref name="low"/>, eight in <paramref name="high"/>) outside the bound to <paramref name="pending"/>,
    /// which must have room for sixteen, and returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int AppendOutside(Vector256<float> low, Vector256<float> high, int offset, int* pending)
    {
        if (Avx512F.IsSupported)
        {
            // Branchless: one compare and vpcompressd for sixteen values (the rest of the store is overwritten later).
            Vector512<int> outside = Vector512.GreaterThan(Vector512.Abs(Vector512.Create(low, high)),
                Vector512.Create(Bound)).AsInt32();
            Vector512<int> offsets = Vector512.Create(offset) + Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            Avx512F.Compress(Vector512<int>.Zero, outside, offsets).Store(pending);
            return BitOperations.PopCount(outside.ExtractMostSignificantBits());
        }

        Vector256<float> bound = Vector256.Create(Bound);
        int added = AppendOutside(Vector256.GreaterThan(Vector256.Abs(low), bound).AsInt32(), offset, pending);
        return added + AppendOutside(Vector256.GreaterThan(Vector256.Abs(high), bound).AsInt32(), offset + 8, pending + added);
    }

    /// <summary>Appends <paramref name="offset"/> + j for every lane j set in <paramref name="outside"/> (all-ones
    /// or zero lanes) to <paramref name="pending"/>, which must have room for eight, and returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int AppendOutside(Vector256<int> outside, int offset, int* pending)
    {
        uint bits = outside.ExtractMostSignificantBits();
        if (Avx512F.VL.IsSupported)
        {
            // Branchless: vpcompressd packs the set lanes' offsets to the front (the rest is overwritten later).
            Vector256<int> offsets = Vector256.Create(offset) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            Avx512F.VL.Compress(Vector256<int>.Zero, outside, offsets).Store(pending);
            return BitOperations.PopCount(bits);
        }

        int added = 0;
        while (bits != 0)
        {
            pending[added++] = offset + BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
        }

        return added;
    }

    /// <summary>Round k computes the candidates of every pending offset from redraw stream k, sixteen at a time with
    /// the vector Philox and Box–Muller, stores the accepted ones as <c>mean + std·z</c> and compacts the rest for
    /// round k + 1. Each value still ends up as its first accepted candidate, so batching changes no bit.</summary>
    internal static void Redraw<TCandidates, T>(in Philox.KeySchedule schedule, in Philox.KeySchedule firstRedraw,
        T mean, T standardDeviation, ulong firstValue, T* values, int* pending, int count)
        where TCandidates : IRedrawCandidates<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> bound = Vector256.Create(T.CreateTruncating(Bound));
        T* candidates = stackalloc T[BatchLanes];
        Philox.KeySchedule round = firstRedraw;
        for (ulong attempt = 1; count > 0; attempt++)
        {
            if (attempt > 1)
            {
                round = RedrawSchedule(schedule, attempt);
            }

            // Padding lanes compute a harmless candidate for offset 0 that is never stored.
            new Span<int>(pending + count, BatchLanes).Clear();
            int kept = 0;
            for (int batch = 0; batch < count; batch += BatchLanes)
            {
                TCandidates.Generate(round, firstValue, pending + batch, candidates);
                uint rejected = 0;
                for (int k = 0; k < BatchLanes; k += Vector256<T>.Count)
                {
                    Vector256<T> z = Vector256.Load(candidates + k);
                    rejected |= Vector256.GreaterThan(Vector256.Abs(z), bound).ExtractMostSignificantBits() << k;
                    Scale(z, mean, standardDeviation).Store(candidates + k);
                }

                int lanes = Math.Min(BatchLanes, count - batch);
                for (int lane = 0; lane < lanes; lane++)
                {
                    // Branchless: a rejected candidate is stored too but overwritten by a later round, and
                    // kept ≤ batch + lane, so compaction never overwrites an offset not yet read.
                    int offset = pending[batch + lane];
                    values[offset] = candidates[lane];
                    pending[kept] = offset;
                    kept += (int)((rejected >> lane) & 1);
                }
            }

            count = kept;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Scale<T>(Vector256<T> z, T mean, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(z.AsSingle(), Vector256.Create(Unsafe.BitCast<T, float>(standardDeviation)),
                Vector256.Create(Unsafe.BitCast<T, float>(mean))).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(z.AsDouble(), Vector256.Create(Unsafe.BitCast<T, double>(standardDeviation)),
            Vector256.Create(Unsafe.BitCast<T, double>(mean))).As<double, T>();
    }

    /// <summary>Philox blocks of the values <c>firstValue + offset</c> (<c>value ≫ shift</c>) as low and high words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks(Vector256<uint> offset, ulong firstValue, int shift, out Vector256<uint> blockLow,
        out Vector256<uint> blockHigh)
    {
        var (offset0, offset1) = Vector256.Widen(offset);
        Vector256<ulong> block0 = (offset0 + Vector256.Create(firstValue)) >>> shift;
        Vector256<ulong> block1 = (offset1 + Vector256.Create(firstValue)) >>> shift;
        blockLow = Vector256.Narrow(block0, block1);
        blockHigh = Vector256.Narrow(block0 >>> 32, block1 >>> 32);
    }

    /// <summary>Scalar reference for float value <paramref name="index"/> (stream word 4b+e layout), redrawn until
    /// inside; the batched path is tested against it.</summary>
    internal static float RedrawSingle(in Philox.KeySchedule schedule, ulong index)
    {
        for (ulong attempt = 1; ; attempt++)
        {
            var (w0, w1, w2, w3) = Philox.Block(schedule.Key, RedrawSchedule(schedule, attempt).Stream, index / 4);
            var (first, second) = (index & 2) == 0 ? BoxMuller.Pair(w0, w1) : BoxMuller.Pair(w2, w3);
            float z = (index & 1) == 0 ? first : second;
            if (MathF.Abs(z) <= Bound)
            {
                return z;
            }
        }
    }

    /// <summary>Scalar reference for double value <paramref name="index"/> (value 2b+e layout), redrawn until inside.</summary>
    internal static double RedrawDouble(in Philox.KeySchedule schedule, ulong index)
    {
        for (ulong attempt = 1; ; attempt++)
        {
            var (w0, w1, w2, w3) = Philox.Block(schedule.Key, RedrawSchedule(schedule, attempt).Stream, index / 2);
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
