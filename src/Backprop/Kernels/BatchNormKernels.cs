using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>The passes of batch normalisation over a row-major (rows, features) batch, with the per-feature
/// statistics in double. Each kernel evaluates exactly the scalar formula in its summary: a vector lane is a
/// feature, rows are visited in order, no fused multiply-adds, float inputs widened to double exactly and results
/// narrowed with one rounding, so the results equal the scalar loops bit for bit (float and double) at any thread
/// count.</summary>
public static unsafe class BatchNormKernels
{
    /// <summary>Vectors of features a sum pass keeps in registers while it walks the rows.</summary>
    private const int BlockVectors = 4;

    /// <summary>Passes over fewer elements than this stay on the calling thread; see <see cref="Pass{T}.Parts"/>.</summary>
    private const long ParallelElements = 1 << 16;

    /// <summary><c>sums[j] += Σ_r x[r, j]</c>.</summary>
    public static void AddColumnSums<T>(ReadOnlySpan<T> x, int features, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(x.Length, features, sums.Length);
        fixed (T* xp = x)
        fixed (double* sp = sums)
        {
            var pass = Pass<T>.Start(Kind.ColumnSums, rows, features);
            pass.X = xp;
            pass.Sums = sp;
            pass.Run();
        }
    }

    /// <summary><c>sums[j] += Σ_r (x[r, j] − mean[j])²</c>.</summary>
    public static void AddSquaredDeviations<T>(ReadOnlySpan<T> x, int features, ReadOnlySpan<double> mean, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(x.Length, features, sums.Length, mean.Length);
        fixed (T* xp = x)
        fixed (double* mp = mean, sp = sums)
        {
            var pass = Pass<T>.Start(Kind.SquaredDeviations, rows, features);
            pass.X = xp;
            pass.Mean = mp;
            pass.Sums = sp;
            pass.Run();
        }
    }

    /// <summary><c>x̂ = T((x − mean[j])·inverseStd[j])</c> (in double, rounded once), then
    /// <c>y = γ[j]·x̂ + β[j]</c> in T; an empty γ or β stands for 1 or 0.</summary>
    public static void Normalize<T>(ReadOnlySpan<T> x, int features, ReadOnlySpan<double> mean, ReadOnlySpan<double> inverseStd,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> xhat, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(x.Length, features, mean.Length, inverseStd.Length);
        CheckSame(x.Length, xhat.Length, y.Length);
        CheckOptional(gamma.Length, features);
        CheckOptional(beta.Length, features);

        fixed (T* xp = x, gp = gamma, bp = beta, hp = xhat, yp = y)
        fixed (double* mp = mean, ip = inverseStd)
        {
            var pass = Pass<T>.Start(Kind.Normalize, rows, features);
            pass.X = xp;
            pass.Mean = mp;
            pass.InverseStd = ip;
            pass.Gamma = gp;
            pass.Beta = bp;
            pass.Xhat = hp;
            pass.Y = yp;
            pass.Run();
        }
    }

    /// <summary><c>sumDy[j] += Σ_r dy</c> and <c>sumDyXhat[j] += Σ_r dy·x̂</c>, in double.</summary>
    public static void AddGradientSums<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, int features, Span<double> sumDy, Span<double> sumDyXhat)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(dy.Length, features, sumDy.Length, sumDyXhat.Length);
        CheckSame(dy.Length, xhat.Length, xhat.Length);
        fixed (T* dp = dy, hp = xhat)
        fixed (double* sp = sumDy, tp = sumDyXhat)
        {
            var pass = Pass<T>.Start(Kind.GradientSums, rows, features);
            pass.Dy = dp;
            pass.Xhat = hp;
            pass.SumDy = sp;
            pass.SumDyXhat = tp;
            pass.Run();
        }
    }

    /// <summary>The training-mode input gradient, <c>dx = T(c[j]·((n·dy − sumDy[j]) − x̂·sumDyXhat[j]))</c> with
    /// c[j] = γ[j]/(n·√(σ²_B + ε)) and n the batch's row count.</summary>
    public static void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, int features, ReadOnlySpan<double> coefficient, double n,
        ReadOnlySpan<double> sumDy, ReadOnlySpan<double> sumDyXhat, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(dy.Length, features, coefficient.Length, sumDy.Length);
        Check(dy.Length, features, sumDyXhat.Length);
        CheckSame(dy.Length, xhat.Length, dx.Length);
        fixed (T* dp = dy, hp = xhat, xp = dx)
        fixed (double* cp = coefficient, sp = sumDy, tp = sumDyXhat)
        {
            var pass = Pass<T>.Start(Kind.InputGradient, rows, features);
            pass.Dy = dp;
            pass.Xhat = hp;
            pass.Dx = xp;
            pass.Coefficient = cp;
            pass.N = n;
            pass.SumDy = sp;
            pass.SumDyXhat = tp;
            pass.Run();
        }
    }

    /// <summary>The inference-mode input gradient, <c>dx = T(c[j]·dy)</c> with c[j] = γ[j]/√(moving variance + ε).</summary>
    public static void ScaledInputGradient<T>(ReadOnlySpan<T> dy, int features, ReadOnlySpan<double> coefficient, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(dy.Length, features, coefficient.Length);
        CheckSame(dy.Length, dx.Length, dx.Length);
        fixed (T* dp = dy, xp = dx)
        fixed (double* cp = coefficient)
        {
            var pass = Pass<T>.Start(Kind.ScaledInputGradient, rows, features);
            pass.Dy = dp;
            pass.Dx = xp;
            pass.Coefficient = cp;
            pass.Run();
        }
    }

    // The sum passes below take a block of features at a time and walk every row with the block's running sums in
    // registers (accumulating through memory every row cost a load and a store per vector). Each sum still starts
    // from its value on entry and receives its row terms one by one in row order, so the sequence of additions per
    // feature is the scalar loop's. Each returns the first feature it left (less than one vector from `to`).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ColumnSums<T, V, L>(T* x, int rows, int features, double* sums, int j, int to)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        int w = L.Count;
        for (; j + (BlockVectors * w) <= to; j += BlockVectors * w)
        {
            double* s = sums + j;
            V s0 = L.Load(s), s1 = L.Load(s + w), s2 = L.Load(s + (2 * w)), s3 = L.Load(s + (3 * w));
            T* row = x + j;
            for (int r = 0; r < rows; r++, row += features)
            {
                s0 = L.Add(s0, L.LoadWidened(row));
                s1 = L.Add(s1, L.LoadWidened(row + w));
                s2 = L.Add(s2, L.LoadWidened(row + (2 * w)));
                s3 = L.Add(s3, L.LoadWidened(row + (3 * w)));
            }

            L.Store(s, s0);
            L.Store(s + w, s1);
            L.Store(s + (2 * w), s2);
            L.Store(s + (3 * w), s3);
        }

        for (; j + w <= to; j += w)
        {
            V s0 = L.Load(sums + j);
            T* row = x + j;
            for (int r = 0; r < rows; r++, row += features)
            {
                s0 = L.Add(s0, L.LoadWidened(row));
            }

            L.Store(sums + j, s0);
        }

        if (L.HasPartial && j < to)
        {
            // The last features, fewer than a vector (all of a 6-channel convolution's): one masked chain down the
            // rows instead of a scalar chain per feature.
            int left = to - j;
            V s0 = L.LoadPartial(sums + j, left);
            T* row = x + j;
            for (int r = 0; r < rows; r++, row += features)
            {
                s0 = L.Add(s0, L.LoadWidenedPartial(row, left));
            }

            L.StorePartial(sums + j, s0, left);
            j = to;
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SquaredDeviations<T, V, L>(T* x, int rows, int features, double* mean, double* sums, int j, int to)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        int w = L.Count;
        for (; j + (BlockVectors * w) <= to; j += BlockVectors * w)
        {
            double* s = sums + j, m = mean + j;
            V s0 = L.Load(s), s1 = L.Load(s + w), s2 = L.Load(s + (2 * w)), s3 = L.Load(s + (3 * w));
            V m0 = L.Load(m), m1 = L.Load(m + w), m2 = L.Load(m + (2 * w)), m3 = L.Load(m + (3 * w));
            T* row = x + j;
            for (int r = 0; r < rows; r++, row += features)
            {
                V d0 = L.Subtract(L.LoadWidened(row), m0);
                V d1 = L.Subtract(L.LoadWidened(row + w), m1);
                V d2 = L.Subtract(L.LoadWidened(row + (2 * w)), m2);
                V d3 = L.Subtract(L.LoadWidened(row + (3 * w)), m3);
                s0 = L.Add(s0, L.Multiply(d0, d0));
                s1 = L.Add(s1, L.Multiply(d1, d1));
                s2 = L.Add(s2, L.Multiply(d2, d2));
                s3 = L.Add(s3, L.Multiply(d3, d3));
            }

            L.Store(s, s0);
            L.Store(s + w, s1);
            L.Store(s + (2 * w), s2);
            L.Store(s + (3 * w), s3);
        }

        for (; j + w <= to; j += w)
        {
            V s0 = L.Load(sums + j), m0 = L.Load(mean + j);
            T* row = x + j;
            for (int r = 0; r < rows; r++, row += features)
            {
                V d0 = L.Subtract(L.LoadWidened(row), m0);
                s0 = L.Add(s0, L.Multiply(d0, d0));
            }

            L.Store(sums + j, s0);
        }

        if (L.HasPartial && j < to)
        {
            int left = to - j;
            V s0 = L.LoadPartial(sums + j, left), m0 = L.LoadPartial(mean + j, left);
            T* row = x + j;
            for (int r = 0; r < rows; r++, row += features)
            {
                V d0 = L.Subtract(L.LoadWidenedPartial(row, left), m0);
                s0 = L.Add(s0, L.Multiply(d0, d0));
            }

            L.StorePartial(sums + j, s0, left);
            j = to;
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int GradientSums<T, V, L>(T* dy, T* xhat, int rows, int features, double* sumDy, double* sumDyXhat, int j, int to)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        int w = L.Count;
        for (; j + (BlockVectors * w) <= to; j += BlockVectors * w)
        {
            double* s = sumDy + j, t = sumDyXhat + j;
            V s0 = L.Load(s), s1 = L.Load(s + w), s2 = L.Load(s + (2 * w)), s3 = L.Load(s + (3 * w));
            V t0 = L.Load(t), t1 = L.Load(t + w), t2 = L.Load(t + (2 * w)), t3 = L.Load(t + (3 * w));
            nint o = j;
            for (int r = 0; r < rows; r++, o += features)
            {
                V d0 = L.LoadWidened(dy + o), d1 = L.LoadWidened(dy + o + w), d2 = L.LoadWidened(dy + o + (2 * w)), d3 = L.LoadWidened(dy + o + (3 * w));
                s0 = L.Add(s0, d0);
                s1 = L.Add(s1, d1);
                s2 = L.Add(s2, d2);
                s3 = L.Add(s3, d3);
                t0 = L.Add(t0, L.Multiply(d0, L.LoadWidened(xhat + o)));
                t1 = L.Add(t1, L.Multiply(d1, L.LoadWidened(xhat + o + w)));
                t2 = L.Add(t2, L.Multiply(d2, L.LoadWidened(xhat + o + (2 * w))));
                t3 = L.Add(t3, L.Multiply(d3, L.LoadWidened(xhat + o + (3 * w))));
            }

            L.Store(s, s0);
            L.Store(s + w, s1);
            L.Store(s + (2 * w), s2);
            L.Store(s + (3 * w), s3);
            L.Store(t, t0);
            L.Store(t + w, t1);
            L.Store(t + (2 * w), t2);
            L.Store(t + (3 * w), t3);
        }

        for (; j + w <= to; j += w)
        {
            V s0 = L.Load(sumDy + j), t0 = L.Load(sumDyXhat + j);
            nint o = j;
            for (int r = 0; r < rows; r++, o += features)
            {
                V d0 = L.LoadWidened(dy + o);
                s0 = L.Add(s0, d0);
                t0 = L.Add(t0, L.Multiply(d0, L.LoadWidened(xhat + o)));
            }

            L.Store(sumDy + j, s0);
            L.Store(sumDyXhat + j, t0);
        }

        if (L.HasPartial && j < to)
        {
            int left = to - j;
            V s0 = L.LoadPartial(sumDy + j, left), t0 = L.LoadPartial(sumDyXhat + j, left);
            nint o = j;
            for (int r = 0; r < rows; r++, o += features)
            {
                V d0 = L.LoadWidenedPartial(dy + o, left);
                s0 = L.Add(s0, d0);
                t0 = L.Add(t0, L.Multiply(d0, L.LoadWidenedPartial(xhat + o, left)));
            }

            L.StorePartial(sumDy + j, s0, left);
            L.StorePartial(sumDyXhat + j, t0, left);
            j = to;
        }

        return j;
    }

    // The element-wise passes below go row by row (each element is independent, so any split of the rows gives
    // the same values): pairs of vectors of each row with L (a float result narrowed into one full-width vector),
    // then a lone vector, then the row's last few features as one masked vector where L has them (else one at a
    // time).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Normalize<T, V, L>(T* x, int features, double* mean, double* inverseStd, T* gamma, T* beta, T* xhat, T* y, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        // One loop per combination of γ and β, each with its flags constant: testing them per vector cost about a tenth.
        switch ((gamma != null, beta != null))
        {
            case (true, true):
                NormalizeRows<T, V, L>(x, features, mean, inverseStd, gamma, beta, xhat, y, r0, r1, scale: true, shift: true);
                break;
            case (true, false):
                NormalizeRows<T, V, L>(x, features, mean, inverseStd, gamma, beta, xhat, y, r0, r1, scale: true, shift: false);
                break;
            case (false, true):
                NormalizeRows<T, V, L>(x, features, mean, inverseStd, gamma, beta, xhat, y, r0, r1, scale: false, shift: true);
                break;
            default:
                NormalizeRows<T, V, L>(x, features, mean, inverseStd, gamma, beta, xhat, y, r0, r1, scale: false, shift: false);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NormalizeRows<T, V, L>(T* x, int features, double* mean, double* inverseStd, T* gamma, T* beta, T* xhat, T* y,
        int r0, int r1, bool scale, bool shift)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        nint vectorEnd = features - (features % L.Count), pairEnd = features - (features % (2 * L.Count));
        nint start = (nint)r0 * features;
        T* xr = x + start, hr = xhat + start, yr = y + start;
        for (int r = r0; r < r1; r++, xr += features, hr += features, yr += features)
        {
            nint j = 0;
            for (; j < pairEnd; j += 2 * L.Count)
            {
                nint k = j + L.Count;
                V low = L.Multiply(L.Subtract(L.LoadWidened(xr + j), L.Load(mean + j)), L.Load(inverseStd + j));
                V high = L.Multiply(L.Subtract(L.LoadWidened(xr + k), L.Load(mean + k)), L.Load(inverseStd + k));
                L.StoreNormalized(hr + j, yr + j, low, high, gamma + j, beta + j, scale, shift);
            }

            for (; j < vectorEnd; j += L.Count)
            {
                V normalized = L.Multiply(L.Subtract(L.LoadWidened(xr + j), L.Load(mean + j)), L.Load(inverseStd + j));
                L.StoreNormalized(hr + j, yr + j, normalized, gamma + j, beta + j, scale, shift);
            }

            if (L.HasPartial && j < features)
            {
                int left = (int)(features - j);
                V normalized = L.Multiply(L.Subtract(L.LoadWidenedPartial(xr + j, left), L.LoadPartial(mean + j, left)), L.LoadPartial(inverseStd + j, left));
                L.StoreNormalizedPartial(hr + j, yr + j, normalized, gamma + j, beta + j, scale, shift, left);
                continue;
            }

            for (; j < features; j++)
            {
                double normalized = (ScalarLane.LoadWidened(xr + j) - mean[j]) * inverseStd[j];
                ScalarLane.StoreNormalized(hr + j, yr + j, normalized, gamma + j, beta + j, scale, shift);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradient<T, V, L>(T* dy, T* xhat, int features, double* coefficient, double n, double* sumDy, double* sumDyXhat,
        T* dx, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        V nv = L.Create(n);
        nint vectorEnd = features - (features % L.Count), pairEnd = features - (features % (2 * L.Count));
        nint start = (nint)r0 * features;
        T* dyr = dy + start, hr = xhat + start, dxr = dx + start;
        for (int r = r0; r < r1; r++, dyr += features, hr += features, dxr += features)
        {
            nint j = 0;
            for (; j < pairEnd; j += 2 * L.Count)
            {
                nint k = j + L.Count;
                V low = L.Subtract(L.Subtract(L.Multiply(nv, L.LoadWidened(dyr + j)), L.Load(sumDy + j)), L.Multiply(L.LoadWidened(hr + j), L.Load(sumDyXhat + j)));
                V high = L.Subtract(L.Subtract(L.Multiply(nv, L.LoadWidened(dyr + k)), L.Load(sumDy + k)), L.Multiply(L.LoadWidened(hr + k), L.Load(sumDyXhat + k)));
                L.StoreNarrowed(dxr + j, L.Multiply(L.Load(coefficient + j), low), L.Multiply(L.Load(coefficient + k), high));
            }

            for (; j < vectorEnd; j += L.Count)
            {
                V centred = L.Subtract(L.Multiply(nv, L.LoadWidened(dyr + j)), L.Load(sumDy + j));
                V value = L.Subtract(centred, L.Multiply(L.LoadWidened(hr + j), L.Load(sumDyXhat + j)));
                L.StoreNarrowed(dxr + j, L.Multiply(L.Load(coefficient + j), value));
            }

            if (L.HasPartial && j < features)
            {
                int left = (int)(features - j);
                V centred = L.Subtract(L.Multiply(nv, L.LoadWidenedPartial(dyr + j, left)), L.LoadPartial(sumDy + j, left));
                V value = L.Subtract(centred, L.Multiply(L.LoadWidenedPartial(hr + j, left), L.LoadPartial(sumDyXhat + j, left)));
                L.StoreNarrowedPartial(dxr + j, L.Multiply(L.LoadPartial(coefficient + j, left), value), left);
                continue;
            }

            for (; j < features; j++)
            {
                double value = (n * ScalarLane.LoadWidened(dyr + j)) - sumDy[j] - (ScalarLane.LoadWidened(hr + j) * sumDyXhat[j]);
                ScalarLane.StoreNarrowed(dxr + j, coefficient[j] * value);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaledInputGradient<T, V, L>(T* dy, int features, double* coefficient, T* dx, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where V : struct
        where L : IDoubleLanes<V>
    {
        nint vectorEnd = features - (features % L.Count), pairEnd = features - (features % (2 * L.Count));
        nint start = (nint)r0 * features;
        T* dyr = dy + start, dxr = dx + start;
        for (int r = r0; r < r1; r++, dyr += features, dxr += features)
        {
            nint j = 0;
            for (; j < pairEnd; j += 2 * L.Count)
            {
                nint k = j + L.Count;
                L.StoreNarrowed(dxr + j, L.Multiply(L.Load(coefficient + j), L.LoadWidened(dyr + j)), L.Multiply(L.Load(coefficient + k), L.LoadWidened(dyr + k)));
            }

            for (; j < vectorEnd; j += L.Count)
            {
                L.StoreNarrowed(dxr + j, L.Multiply(L.Load(coefficient + j), L.LoadWidened(dyr + j)));
            }

            if (L.HasPartial && j < features)
            {
                int left = (int)(features - j);
                L.StoreNarrowedPartial(dxr + j, L.Multiply(L.LoadPartial(coefficient + j, left), L.LoadWidenedPartial(dyr + j, left)), left);
                continue;
            }

            for (; j < features; j++)
            {
                ScalarLane.StoreNarrowed(dxr + j, coefficient[j] * ScalarLane.LoadWidened(dyr + j));
            }
        }
    }

    // The row count of a (rows, features) span, after checking that every per-feature span has `features` entries.
    private static int Check(int length, int features, params ReadOnlySpan<int> perFeature)
    {
        if (features <= 0 || length % features != 0)
        {
            throw new ArgumentException($"BatchNorm kernel: {length} values are not whole rows of {features} features.");
        }

        foreach (int n in perFeature)
        {
            if (n != features)
            {
                throw new ArgumentException($"BatchNorm kernel: a per-feature span has {n} entries, not {features}.");
            }
        }

        return length / features;
    }

    // γ and β are read through pointers: one of the wrong length must not reach the loops.
    private static void CheckOptional(int length, int features)
    {
        if (length != 0 && length != features)
        {
            throw new ArgumentException($"BatchNorm kernel: γ or β has {length} entries, not {features}.");
        }
    }

    private static void CheckSame(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"BatchNorm kernel: batch spans differ in length ({a}, {b}, {c}).");
        }
    }

    private enum Kind
    {
        ColumnSums,
        SquaredDeviations,
        GradientSums,
        Normalize,
        InputGradient,
        ScaledInputGradient,
    }

    /// <summary>One pass's operands, split over the worker pool: the sum passes by blocks of features (each feature's
    /// rows stay in order on one thread), the element-wise passes by rows. One reusable instance per calling thread,
    /// so a pass allocates nothing.</summary>
    private sealed class Pass<T> : IParallelWork
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic]
        private static Pass<T>? s_forThisThread;

        public T* X;
        public T* Dy;
        public T* Xhat;
        public T* Y;
        public T* Dx;
        public T* Gamma;
        public T* Beta;
        public double* Mean;
        public double* InverseStd;
        public double* Coefficient;
        public double* Sums;
        public double* SumDy;
        public double* SumDyXhat;
        public double N;
        private Kind _kind;
        private int _rows;
        private int _features;

        private bool SplitsFeatures => _kind is Kind.ColumnSums or Kind.SquaredDeviations or Kind.GradientSums;

        /// <summary>Features per block of a sum pass at the width in use: the unit a split hands out.</summary>
        private static int BlockFeatures =>
            BlockVectors * (Lanes512.IsUsable ? Lanes512.Count : Lanes256.IsUsable ? Lanes256.Count : Lanes128.IsUsable ? Lanes128.Count : 1);

        public static Pass<T> Start(Kind kind, int rows, int features)
        {
            var pass = s_forThisThread ??= new Pass<T>();
            pass._kind = kind;
            pass._rows = rows;
            pass._features = features;
            return pass;
        }

        public void Run()
        {
            int parts = Parts();
            if (parts <= 1)
            {
                Execute(0, 1);
            }
            else
            {
                WorkerPool.Run(this, parts);
            }
        }

        /// <summary>How many parts to split the pass into: one unless it has <see cref="ParallelElements"/> elements
        /// (half that for the two passes with the most work per element, normalisation and the training-mode input
        /// gradient), then up to one per thread, each at least a block of features or a row. Measured in float on two
        /// Zen 5 cores with the workers spinning (fork and join under a microsecond): at 64 Ki elements the sum passes
        /// gain a fifth to a quarter (256×256), at 32 Ki nothing (128×256, 256×128), while normalisation at 32 Ki
        /// takes 4.7 µs against 7.3 and at 16 Ki still a tenth less.</summary>
        private int Parts()
        {
            long elements = (long)_rows * _features;
            long threshold = _kind is Kind.Normalize or Kind.InputGradient ? ParallelElements / 2 : ParallelElements;
            if (Parallelism.ThreadCount <= 1 || elements < threshold)
            {
                return 1;
            }

            int units = SplitsFeatures ? (_features + BlockFeatures - 1) / BlockFeatures : _rows;
            return Math.Min(Parallelism.ThreadCount, units);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int part, int parts)
        {
            int from, to;
            if (SplitsFeatures)
            {
                int block = BlockFeatures, blocks = (_features + block - 1) / block;
                var (first, last) = WorkerPool.PartRange(blocks, part, parts);
                from = first * block;
                to = Math.Min(_features, last * block);
            }
            else
            {
                (from, to) = WorkerPool.PartRange(_rows, part, parts);
            }

            if (Lanes512.IsUsable)
            {
                Execute<Vector512<double>, Lanes512>(from, to);
            }
            else if (Lanes256.IsUsable)
            {
                Execute<Vector256<double>, Lanes256>(from, to);
            }
            else if (Lanes128.IsUsable)
            {
                Execute<Vector128<double>, Lanes128>(from, to);
            }
            else
            {
                Execute<double, ScalarLane>(from, to);
            }
        }

        /// <summary>Features or rows [from, to) of the pass with vectors of L (and the sum passes' last features one
        /// at a time).</summary>
        private void Execute<V, L>(int from, int to)
            where V : struct
            where L : IDoubleLanes<V>
        {
            int j;
            switch (_kind)
            {
                case Kind.ColumnSums:
                    j = ColumnSums<T, V, L>(X, _rows, _features, Sums, from, to);
                    ColumnSums<T, double, ScalarLane>(X, _rows, _features, Sums, j, to);
                    break;
                case Kind.SquaredDeviations:
                    j = SquaredDeviations<T, V, L>(X, _rows, _features, Mean, Sums, from, to);
                    SquaredDeviations<T, double, ScalarLane>(X, _rows, _features, Mean, Sums, j, to);
                    break;
                case Kind.GradientSums:
                    j = GradientSums<T, V, L>(Dy, Xhat, _rows, _features, SumDy, SumDyXhat, from, to);
                    GradientSums<T, double, ScalarLane>(Dy, Xhat, _rows, _features, SumDy, SumDyXhat, j, to);
                    break;
                case Kind.Normalize:
                    Normalize<T, V, L>(X, _features, Mean, InverseStd, Gamma, Beta, Xhat, Y, from, to);
                    break;
                case Kind.InputGradient:
                    InputGradient<T, V, L>(Dy, Xhat, _features, Coefficient, N, SumDy, SumDyXhat, Dx, from, to);
                    break;
                default:
                    ScaledInputGradient<T, V, L>(Dy, _features, Coefficient, Dx, from, to);
                    break;
            }
        }
    }
}
