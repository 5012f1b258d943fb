using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>The passes of batch normalisation over a row-major (rows, features) batch, with the per-feature
/// statistics in double. Each kernel evaluates exactly the scalar formula in its summary: a vector lane is a
/// feature, rows are visited in order, no fused multiply-adds, float inputs widened to double exactly and results
/// narrowed with one rounding, so the results equal the scalar loops bit for bit (float and double).</summary>
public static class BatchNormKernels
{
    /// <summary><c>sums[j] += Σ_r x[r, j]</c>.</summary>
    public static void AddColumnSums<T>(ReadOnlySpan<T> x, int features, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(x.Length, features, sums.Length);
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            var xf = MemoryMarshal.Cast<T, float>(x);
            int vectorEnd = features - (features % Vector<float>.Count);
            for (int r = 0; r < rows; r++)
            {
                var row = xf.Slice(r * features, features);
                for (int j = 0; j < vectorEnd; j += Vector<float>.Count)
                {
                    Vector.Widen(Load(row, j), out var low, out var high);
                    Store(Load(sums, j) + low, sums, j);
                    Store(Load(sums, j + Vector<double>.Count) + high, sums, j + Vector<double>.Count);
                }

                for (int j = vectorEnd; j < features; j++)
                {
                    sums[j] += row[j];
                }
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * features, features);
            int j = 0;
            if (typeof(T) == typeof(double) && Vector.IsHardwareAccelerated)
            {
                var rd = MemoryMarshal.Cast<T, double>(row);
                for (; j <= features - Vector<double>.Count; j += Vector<double>.Count)
                {
                    Store(Load(sums, j) + Load(rd, j), sums, j);
                }
            }

            for (; j < features; j++)
            {
                sums[j] += double.CreateTruncating(row[j]);
            }
        }
    }

    /// <summary><c>sums[j] += Σ_r (x[r, j] − mean[j])²</c>.</summary>
    public static void AddSquaredDeviations<T>(ReadOnlySpan<T> x, int features, ReadOnlySpan<double> mean, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(x.Length, features, sums.Length, mean.Length);
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            var xf = MemoryMarshal.Cast<T, float>(x);
            int vectorEnd = features - (features % Vector<float>.Count);
            for (int r = 0; r < rows; r++)
            {
                var row = xf.Slice(r * features, features);
                for (int j = 0; j < vectorEnd; j += Vector<float>.Count)
                {
                    int k = j + Vector<double>.Count;
                    Vector.Widen(Load(row, j), out var low, out var high);
                    var dLow = low - Load(mean, j);
                    var dHigh = high - Load(mean, k);
                    Store(Load(sums, j) + (dLow * dLow), sums, j);
                    Store(Load(sums, k) + (dHigh * dHigh), sums, k);
                }

                for (int j = vectorEnd; j < features; j++)
                {
                    double d = row[j] - mean[j];
                    sums[j] += d * d;
                }
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * features, features);
            int j = 0;
            if (typeof(T) == typeof(double) && Vector.IsHardwareAccelerated)
            {
                var rd = MemoryMarshal.Cast<T, double>(row);
                for (; j <= features - Vector<double>.Count; j += Vector<double>.Count)
                {
                    var d = Load(rd, j) - Load(mean, j);
                    Store(Load(sums, j) + (d * d), sums, j);
                }
            }

            for (; j < features; j++)
            {
                double d = double.CreateTruncating(row[j]) - mean[j];
                sums[j] += d * d;
            }
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
        bool hasGamma = !gamma.IsEmpty, hasBeta = !beta.IsEmpty;
        int vectorEnd = 0;
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            vectorEnd = features - (features % Vector<float>.Count);
            var xf = MemoryMarshal.Cast<T, float>(x);
            var hf = MemoryMarshal.Cast<T, float>(xhat);
            var yf = MemoryMarshal.Cast<T, float>(y);
            var gf = MemoryMarshal.Cast<T, float>(gamma);
            var bf = MemoryMarshal.Cast<T, float>(beta);
            for (int r = 0; r < rows; r++)
            {
                int o = r * features;
                for (int j = 0; j < vectorEnd; j += Vector<float>.Count)
                {
                    int k = j + Vector<double>.Count;
                    Vector.Widen(Load(xf, o + j), out var low, out var high);
                    var normalized = Vector.Narrow((low - Load(mean, j)) * Load(inverseStd, j), (high - Load(mean, k)) * Load(inverseStd, k));
                    Store(normalized, hf, o + j);
                    var scaled = hasGamma ? Load(gf, j) * normalized : normalized;
                    Store(hasBeta ? scaled + Load(bf, j) : scaled, yf, o + j);
                }
            }
        }
        else if (typeof(T) == typeof(double) && Vector.IsHardwareAccelerated)
        {
            vectorEnd = features - (features % Vector<double>.Count);
            var xd = MemoryMarshal.Cast<T, double>(x);
            var hd = MemoryMarshal.Cast<T, double>(xhat);
            var yd = MemoryMarshal.Cast<T, double>(y);
            var gd = MemoryMarshal.Cast<T, double>(gamma);
            var bd = MemoryMarshal.Cast<T, double>(beta);
            for (int r = 0; r < rows; r++)
            {
                int o = r * features;
                for (int j = 0; j < vectorEnd; j += Vector<double>.Count)
                {
                    var normalized = (Load(xd, o + j) - Load(mean, j)) * Load(inverseStd, j);
                    Store(normalized, hd, o + j);
                    var scaled = hasGamma ? Load(gd, j) * normalized : normalized;
                    Store(hasBeta ? scaled + Load(bd, j) : scaled, yd, o + j);
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            int o = r * features;
            for (int j = vectorEnd; j < features; j++)
            {
                T normalized = T.CreateChecked((double.CreateTruncating(x[o + j]) - mean[j]) * inverseStd[j]);
                xhat[o + j] = normalized;
                T scaled = hasGamma ? gamma[j] * normalized : normalized;
                y[o + j] = hasBeta ? scaled + beta[j] : scaled;
            }
        }
    }

    /// <summary><c>sumDy[j] += Σ_r dy</c> and <c>sumDyXhat[j] += Σ_r dy·x̂</c>, in double.</summary>
    public static void AddGradientSums<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> xhat, int features, Span<double> sumDy, Span<double> sumDyXhat)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(dy.Length, features, sumDy.Length, sumDyXhat.Length);
        CheckSame(dy.Length, xhat.Length, xhat.Length);
        int vectorEnd = 0;
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            vectorEnd = features - (features % Vector<float>.Count);
            var df = MemoryMarshal.Cast<T, float>(dy);
            var hf = MemoryMarshal.Cast<T, float>(xhat);
            for (int r = 0; r < rows; r++)
            {
                int o = r * features;
                for (int j = 0; j < vectorEnd; j += Vector<float>.Count)
                {
                    int k = j + Vector<double>.Count;
                    Vector.Widen(Load(df, o + j), out var dLow, out var dHigh);
                    Vector.Widen(Load(hf, o + j), out var hLow, out var hHigh);
                    Store(Load(sumDy, j) + dLow, sumDy, j);
                    Store(Load(sumDy, k) + dHigh, sumDy, k);
                    Store(Load(sumDyXhat, j) + (dLow * hLow), sumDyXhat, j);
                    Store(Load(sumDyXhat, k) + (dHigh * hHigh), sumDyXhat, k);
                }
            }
        }
        else if (typeof(T) == typeof(double) && Vector.IsHardwareAccelerated)
        {
            vectorEnd = features - (features % Vector<double>.Count);
            var dd = MemoryMarshal.Cast<T, double>(dy);
            var hd = MemoryMarshal.Cast<T, double>(xhat);
            for (int r = 0; r < rows; r++)
            {
                int o = r * features;
                for (int j = 0; j < vectorEnd; j += Vector<double>.Count)
                {
                    var d = Load(dd, o + j);
                    Store(Load(sumDy, j) + d, sumDy, j);
                    Store(Load(sumDyXhat, j) + (d * Load(hd, o + j)), sumDyXhat, j);
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            int o = r * features;
            for (int j = vectorEnd; j < features; j++)
            {
                double d = double.CreateTruncating(dy[o + j]);
                sumDy[j] += d;
                sumDyXhat[j] += d * double.CreateTruncating(xhat[o + j]);
            }
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
        int vectorEnd = 0;
        var nv = new Vector<double>(n);
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            vectorEnd = features - (features % Vector<float>.Count);
            var df = MemoryMarshal.Cast<T, float>(dy);
            var hf = MemoryMarshal.Cast<T, float>(xhat);
            var xf = MemoryMarshal.Cast<T, float>(dx);
            for (int r = 0; r < rows; r++)
            {
                int o = r * features;
                for (int j = 0; j < vectorEnd; j += Vector<float>.Count)
                {
                    int k = j + Vector<double>.Count;
                    Vector.Widen(Load(df, o + j), out var dLow, out var dHigh);
                    Vector.Widen(Load(hf, o + j), out var hLow, out var hHigh);
                    var low = Load(coefficient, j) * ((nv * dLow) - Load(sumDy, j) - (hLow * Load(sumDyXhat, j)));
                    var high = Load(coefficient, k) * ((nv * dHigh) - Load(sumDy, k) - (hHigh * Load(sumDyXhat, k)));
                    Store(Vector.Narrow(low, high), xf, o + j);
                }
            }
        }
        else if (typeof(T) == typeof(double) && Vector.IsHardwareAccelerated)
        {
            vectorEnd = features - (features % Vector<double>.Count);
            var dd = MemoryMarshal.Cast<T, double>(dy);
            var hd = MemoryMarshal.Cast<T, double>(xhat);
            var xd = MemoryMarshal.Cast<T, double>(dx);
            for (int r = 0; r < rows; r++)
            {
                int o = r * features;
                for (int j = 0; j < vectorEnd; j += Vector<double>.Count)
                {
                    Store(Load(coefficient, j) * ((nv * Load(dd, o + j)) - Load(sumDy, j) - (Load(hd, o + j) * Load(sumDyXhat, j))), xd, o + j);
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            int o = r * features;
            for (int j = vectorEnd; j < features; j++)
            {
                double value = coefficient[j] * ((n * double.CreateTruncating(dy[o + j])) - sumDy[j] - (double.CreateTruncating(xhat[o + j]) * sumDyXhat[j]));
                dx[o + j] = T.CreateChecked(value);
            }
        }
    }

    /// <summary>The inference-mode input gradient, <c>dx = T(c[j]·dy)</c> with c[j] = γ[j]/√(moving variance + ε).</summary>
    public static void ScaledInputGradient<T>(ReadOnlySpan<T> dy, int features, ReadOnlySpan<double> coefficient, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Check(dy.Length, features, coefficient.Length);
        CheckSame(dy.Length, dx.Length, dx.Length);
        for (int r = 0; r < rows; r++)
        {
            int o = r * features;
            for (int j = 0; j < features; j++)
            {
                dx[o + j] = T.CreateChecked(coefficient[j] * double.CreateTruncating(dy[o + j]));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<TV> Load<TV>(ReadOnlySpan<TV> span, int offset)
        where TV : unmanaged => Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<TV> Load<TV>(Span<TV> span, int offset)
        where TV : unmanaged => Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(Vector<TV> value, Span<TV> span, int offset)
        where TV : unmanaged => value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)offset);

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

    private static void CheckSame(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"BatchNorm kernel: batch spans differ in length ({a}, {b}, {c}).");
        }
    }
}
