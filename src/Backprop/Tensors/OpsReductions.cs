using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

public static partial class Ops
{
    /// <summary>Sum of all elements.</summary>
    public static T Sum<T>(Tensor<T> x) where T : unmanaged, INumber<T> => Elementwise.Sum<T>(x.AsSpan());

    /// <summary>Mean of all elements (NaN for an empty tensor).</summary>
    public static T Mean<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        x.Length == 0 ? T.NaN : Elementwise.Sum<T>(x.AsSpan()) / T.CreateChecked(x.Length);

    /// <summary>Largest element.</summary>
    public static T Max<T>(Tensor<T> x) where T : unmanaged, INumber<T> => Elementwise.Max<T>(NonEmpty(x, "Max"));

    /// <summary>Smallest element.</summary>
    public static T Min<T>(Tensor<T> x) where T : unmanaged, INumber<T> => Elementwise.Min<T>(NonEmpty(x, "Min"));

    /// <summary>Sum over <paramref name="axis"/> (negative counts from the end), as numpy's <c>sum(axis=…)</c>.</summary>
    public static Tensor<T> Sum<T>(Tensor<T> x, int axis, bool keepDims = false, Tensor<T>? destination = null) where T : unmanaged, INumber<T> =>
        Reduce(x, axis, keepDims, destination, Reduction.Sum, "Sum");

    /// <summary>Mean over <paramref name="axis"/>.</summary>
    public static Tensor<T> Mean<T>(Tensor<T> x, int axis, bool keepDims = false, Tensor<T>? destination = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = Reduce(x, axis, keepDims, destination, Reduction.Sum, "Mean");
        Elementwise.Divide<T>(d.AsSpan(), T.CreateChecked(x.Shape[axis]), d.AsSpan());
        return d;
    }

    /// <summary>Maximum over <paramref name="axis"/>.</summary>
    public static Tensor<T> Max<T>(Tensor<T> x, int axis, bool keepDims = false, Tensor<T>? destination = null) where T : unmanaged, INumber<T> =>
        Reduce(x, axis, keepDims, destination, Reduction.Max, "Max");

    /// <summary>Minimum over <paramref name="axis"/>.</summary>
    public static Tensor<T> Min<T>(Tensor<T> x, int axis, bool keepDims = false, Tensor<T>? destination = null) where T : unmanaged, INumber<T> =>
        Reduce(x, axis, keepDims, destination, Reduction.Min, "Min");

    /// <summary>Index of the (first) largest element over <paramref name="axis"/>, as numpy's <c>argmax</c>.</summary>
    public static Tensor<int> ArgMax<T>(Tensor<T> x, int axis = -1, Tensor<int>? destination = null) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        var (outer, n, inner, reduced) = Split(x.Shape, axis, keepDims: false, "ArgMax");
        if (n == 0)
        {
            throw new ArgumentException($"ArgMax: axis {axis} of shape {x.Shape} is empty.", nameof(x));
        }

        var d = destination ?? new Tensor<int>(reduced);
        CheckDestination(d.Shape, reduced, "ArgMax");
        var src = x.AsSpan();
        var dst = d.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * n * inner, n * inner);
            if (inner == 1)
            {
                dst[o] = Elementwise.IndexOfMax<T>(block);
                continue;
            }

            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                T bestValue = block[i];
                for (int j = 1; j < n; j++)
                {
                    T v = block[j * inner + i];
                    if (v > bestValue || (T.IsNaN(v) && !T.IsNaN(bestValue)))
                    {
                        best = j;
                        bestValue = v;
                    }
                }

                dst[o * inner + i] = best;
            }
        }

        return d;
    }

    private enum Reduction
    {
        Sum,
        Max,
        Min,
    }

    private static Tensor<T> Reduce<T>(Tensor<T> x, int axis, bool keepDims, Tensor<T>? destination, Reduction kind, string name) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        var (outer, n, inner, reduced) = Split(x.Shape, axis, keepDims, name);
        if (n == 0 && kind != Reduction.Sum)
        {
            throw new ArgumentException($"{name}: axis {axis} of shape {x.Shape} is empty.", nameof(x));
        }

        var d = destination ?? new Tensor<T>(reduced);
        CheckDestination(d.Shape, reduced, name);
        var src = x.AsSpan();
        var dst = d.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * n * inner, n * inner);
            var row = dst.Slice(o * inner, inner);
            if (inner == 1)
            {
                row[0] = kind switch
                {
                    Reduction.Sum => Elementwise.Sum<T>(block),
                    Reduction.Max => Elementwise.Max<T>(block),
                    _ => Elementwise.Min<T>(block),
                };
                continue;
            }

            if (n == 0)
            {
                row.Clear();
                continue;
            }

            block[..inner].CopyTo(row);
            for (int j = 1; j < n; j++)
            {
                var slice = block.Slice(j * inner, inner);
                switch (kind)
                {
                    case Reduction.Sum: Elementwise.Add<T>(row, slice, row); break;
                    case Reduction.Max: Elementwise.Max<T>(row, slice, row); break;
                    default: Elementwise.Min<T>(row, slice, row); break;
                }
            }
        }

        return d;
    }

    /// <summary>Views a shape as (outer, n, inner) around <paramref name="axis"/>.</summary>
    private static (int Outer, int N, int Inner, Shape Reduced) Split(Shape shape, int axis, bool keepDims, string name)
    {
        if (shape.Rank == 0)
        {
            throw new ArgumentException($"{name}: a scalar has no axis {axis}.", nameof(axis));
        }

        int a = shape.NormalizeAxis(axis);
        int outer = 1, inner = 1;
        Span<int> dims = stackalloc int[Shape.MaxRank];
        int rank = 0;
        for (int i = 0; i < shape.Rank; i++)
        {
            if (i < a)
            {
                outer *= shape[i];
            }
            else if (i > a)
            {
                inner *= shape[i];
            }

            if (i != a)
            {
                dims[rank++] = shape[i];
            }
            else if (keepDims)
            {
                dims[rank++] = 1;
            }
        }

        return (outer, shape[a], inner, new Shape(dims[..rank]));
    }

    private static void CheckDestination(Shape actual, Shape expected, string name)
    {
        if (actual != expected)
        {
            throw new ShapeMismatchException($"{name}: destination has shape {actual}, expected {expected}.");
        }
    }

    private static ReadOnlySpan<T> NonEmpty<T>(Tensor<T> x, string name) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0)
        {
            throw new ArgumentException($"{name} of an empty tensor (shape {x.Shape}) is undefined.", nameof(x));
        }

        return x.AsSpan();
    }
}
