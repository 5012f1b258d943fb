using System.Numerics;

namespace Backprop;

public abstract partial class Tensor
{
    /// <summary>A float32 tensor holding a copy of <paramref name="data"/>; with no dimensions, a vector.
    /// numpy: <c>np.array(data, dtype=np.float32).reshape(shape)</c>.</summary>
    public static Tensor<float> From(float[] data, params int[] shape) => From<float>(data, shape);

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/>; with no dimensions, a vector.</summary>
    public static Tensor<double> From(double[] data, params int[] shape) => From<double>(data, shape);

    /// <summary>A tensor holding a copy of <paramref name="data"/>; with no dimensions, a vector.</summary>
    public static Tensor<T> From<T>(T[] data, params int[] shape)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        var s = shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
        if (s.Length != data.Length)
        {
            throw new ShapeMismatchException($"Tensor.From: {data.Length} elements do not fill shape {s} ({s.Length} elements).");
        }

        return Tensor<T>.Wrap((T[])data.Clone(), s);
    }

    /// <summary>A float32 matrix copied from a 2-D array.</summary>
    public static Tensor<float> From(float[,] data) => From2D(data);

    /// <summary>A float64 matrix copied from a 2-D array.</summary>
    public static Tensor<double> From(double[,] data) => From2D(data);

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor<T> Scalar<T>(T value)
        where T : unmanaged, INumber<T>
    {
        return Tensor<T>.Wrap([value], Shape.Scalar);
    }

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor<T> Zeros<T>(params int[] shape)
        where T : unmanaged, INumber<T>
    {
        return new Tensor<T>(new Shape(shape));
    }

    /// <summary>A tensor filled with ones.</summary>
    public static Tensor<T> Ones<T>(params int[] shape)
        where T : unmanaged, INumber<T>
    {
        return Full(T.One, shape);
    }

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor<T> Full<T>(T value, params int[] shape)
        where T : unmanaged, INumber<T>
    {
        var t = new Tensor<T>(new Shape(shape));
        t.Fill(value);
        return t;
    }

    /// <summary>A zero-filled tensor with the same shape as <paramref name="like"/>.</summary>
    public static Tensor<T> ZerosLike<T>(Tensor<T> like)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(like);
        return new Tensor<T>(like.Shape);
    }

    /// <summary>The values start, start+step, … below stop, as numpy's <c>arange</c>.</summary>
    public static Tensor<T> Arange<T>(T start, T stop, T step)
        where T : unmanaged, INumber<T>
    {
        if (step == T.Zero)
        {
            throw new ArgumentException("Arange: step must not be zero.", nameof(step));
        }

        double count = Math.Ceiling(double.CreateChecked(stop - start) / double.CreateChecked(step));
        int n = count <= 0 ? 0 : checked((int)count);
        var t = new Tensor<T>(n);
        var span = t.AsSpan();
        T value = start;
        for (int i = 0; i < n; i++, value += step)
        {
            span[i] = value;
        }

        return t;
    }

    /// <summary>Converts a tensor to another element type (a copy).</summary>
    public static Tensor<TTo> Cast<TFrom, TTo>(Tensor<TFrom> source)
        where TFrom : unmanaged, INumber<TFrom>
        where TTo : unmanaged, INumber<TTo>
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new Tensor<TTo>(source.Shape);
        var from = source.AsSpan();
        var to = result.AsSpan();
        for (int i = 0; i < from.Length; i++)
        {
            to[i] = TTo.CreateTruncating(from[i]);
        }

        return result;
    }

    private static Tensor<T> From2D<T>(T[,] data)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        int rows = data.GetLength(0), cols = data.GetLength(1);
        var t = new Tensor<T>(rows, cols);
        var span = t.AsSpan();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                span[i * cols + j] = data[i, j];
            }
        }

        return t;
    }
}
