using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

internal enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Maximum,
    Minimum,
}

/// <summary>numpy broadcasting for binary ops: shapes aligned from the right, a dimension of 1 (or a missing
/// one) stretches. Same-shape, scalar and trailing-suffix cases (a bias row added to every sample) run as whole
/// vectorised spans; other cases go through a stride walk.</summary>
internal static class Broadcasting
{
    public static Tensor<T> Apply<T>(BinaryOp op, Tensor<T> x, Tensor<T> y, Tensor<T>? destination, string name)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Shape outShape = ResultShape(x.Shape, y.Shape, name);
        var d = destination ?? new Tensor<T>(outShape);
        if (d.Shape != outShape)
        {
            throw new ShapeMismatchException($"{name}: destination has shape {d.Shape}, but {x.Shape} and {y.Shape} broadcast to {outShape}.");
        }

        var xs = x.AsSpan();
        var ys = y.AsSpan();
        var ds = d.AsSpan();
        if (x.Shape == outShape && y.Shape == outShape)
        {
            Spans(op, xs, ys, ds);
        }
        else if (y.Length == 1 && x.Shape == outShape)
        {
            RightScalar(op, xs, ys[0], ds);
        }
        else if (x.Length == 1 && y.Shape == outShape)
        {
            LeftScalar(op, xs[0], ys, ds);
        }
        else if (x.Shape == outShape && IsSuffix(y.Shape, outShape))
        {
            for (int start = 0; start < ds.Length; start += ys.Length)
            {
                Spans(op, xs.Slice(start, ys.Length), ys, ds.Slice(start, ys.Length));
            }
        }
        else if (y.Shape == outShape && IsSuffix(x.Shape, outShape))
        {
            for (int start = 0; start < ds.Length; start += xs.Length)
            {
                Spans(op, xs, ys.Slice(start, xs.Length), ds.Slice(start, xs.Length));
            }
        }
        else
        {
            StrideWalk(op, x, y, d);
        }

        return d;
    }

    /// <summary>x ⊙ y for a scalar y, into <paramref name="destination"/> (x's shape) or a new tensor.</summary>
    public static Tensor<T> ApplyScalar<T>(BinaryOp op, Tensor<T> x, T y, Tensor<T>? destination, string name)
        where T : unmanaged, INumber<T>
    {
        var d = Unary.Target(x, destination, name);
        RightScalar(op, x.AsSpan(), y, d.AsSpan());
        return d;
    }

    public static Shape ResultShape(Shape a, Shape b, string name)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        Span<int> dims = stackalloc int[Shape.MaxRank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw ShapeMismatchException.For(name, a, b, "cannot broadcast");
            }

            dims[i] = da == 1 ? db : da;
        }

        return new Shape(dims[..rank]);
    }

    private static bool IsSuffix(Shape small, Shape big)
    {
        if (small.Rank > big.Rank || small.Length == 0)
        {
            return false;
        }

        for (int i = 1; i <= small.Rank; i++)
        {
            if (small[-i] != big[-i])
            {
                return false;
            }
        }

        return true;
    }

    private static void StrideWalk<T>(BinaryOp op, Tensor<T> x, Tensor<T> y, Tensor<T> d)
        where T : unmanaged, INumber<T>
    {
        Span<int> outDims = stackalloc int[Shape.MaxRank];
        Span<int> xStrides = stackalloc int[Shape.MaxRank];
        Span<int> yStrides = stackalloc int[Shape.MaxRank];
        Pad(d.Shape, d.Shape, outDims, null);
        Pad(x.Shape, d.Shape, null, xStrides);
        Pad(y.Shape, d.Shape, null, yStrides);
        var xs = x.AsSpan();
        var ys = y.AsSpan();
        var ds = d.AsSpan();
        int o = 0;
        for (int i0 = 0; i0 < outDims[0]; i0++)
        {
            for (int i1 = 0; i1 < outDims[1]; i1++)
            {
                for (int i2 = 0; i2 < outDims[2]; i2++)
                {
                    int xb = i0 * xStrides[0] + i1 * xStrides[1] + i2 * xStrides[2];
                    int yb = i0 * yStrides[0] + i1 * yStrides[1] + i2 * yStrides[2];
                    for (int i3 = 0; i3 < outDims[3]; i3++)
                    {
                        ds[o++] = Scalar(op, xs[xb + i3 * xStrides[3]], ys[yb + i3 * yStrides[3]]);
                    }
                }
            }
        }
    }

    /// <summary>Left-pads <paramref name="shape"/> to rank 4 against <paramref name="outShape"/>, writing either the
    /// dimensions or the broadcast strides (0 where the dimension stretches).</summary>
    private static void Pad(Shape shape, Shape outShape, Span<int> dims, Span<int> strides)
    {
        int lead = Shape.MaxRank - outShape.Rank;
        int own = outShape.Rank - shape.Rank;
        int stride = 1;
        for (int i = Shape.MaxRank - 1; i >= 0; i--)
        {
            int axis = i - lead - own;
            int dim = axis >= 0 ? shape[axis] : 1;
            if (!dims.IsEmpty)
            {
                dims[i] = i < lead ? 1 : outShape[i - lead];
            }

            if (!strides.IsEmpty)
            {
                strides[i] = dim == 1 ? 0 : stride;
            }

            stride *= dim;
        }
    }

    private static T Scalar<T>(BinaryOp op, T a, T b) where T : INumber<T> => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Maximum => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Max(a, b),
        _ => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Min(a, b),
    };

    private static void Spans<T>(BinaryOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : INumber<T>
    {
        switch (op)
        {
            case BinaryOp.Add: Elementwise.Add(x, y, d); break;
            case BinaryOp.Subtract: Elementwise.Subtract(x, y, d); break;
            case BinaryOp.Multiply: Elementwise.Multiply(x, y, d); break;
            case BinaryOp.Divide: Elementwise.Divide(x, y, d); break;
            case BinaryOp.Maximum: Elementwise.Max(x, y, d); break;
            default: Elementwise.Min(x, y, d); break;
        }
    }

    private static void RightScalar<T>(BinaryOp op, ReadOnlySpan<T> x, T y, Span<T> d) where T : INumber<T>
    {
        switch (op)
        {
            case BinaryOp.Add: Elementwise.Add(x, y, d); break;
            case BinaryOp.Subtract: Elementwise.Subtract(x, y, d); break;
            case BinaryOp.Multiply: Elementwise.Multiply(x, y, d); break;
            case BinaryOp.Divide: Elementwise.Divide(x, y, d); break;
            case BinaryOp.Maximum: Elementwise.Max(x, y, d); break;
            default: Elementwise.Min(x, y, d); break;
        }
    }

    private static void LeftScalar<T>(BinaryOp op, T x, ReadOnlySpan<T> y, Span<T> d) where T : INumber<T>
    {
        switch (op)
        {
            case BinaryOp.Subtract: Elementwise.Subtract(x, y, d); break;
            case BinaryOp.Divide: Elementwise.Divide(x, y, d); break;
            default: RightScalar(op, y, x, d); break;
        }
    }
}

/// <summary>Destination handling shared by the unary ops.</summary>
internal static class Unary
{
    public static Tensor<T> Target<T>(Tensor<T> x, Tensor<T>? destination, string name) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        if (destination is null)
        {
            return new Tensor<T>(x.Shape);
        }

        if (destination.Shape != x.Shape)
        {
            throw ShapeMismatchException.For($"{name} (destination)", x.Shape, destination.Shape);
        }

        return destination;
    }
}
