using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Tests.Kernels;

/// <summary>The Dense backward kernels' documented formulas (dz = dy ⊙ f′ from the stored output y, and for swish
/// σ(z) as <c>aux</c>), evaluated one row after another with each column's bias sum added in row order — the bits
/// <see cref="DenseKernels"/> must give at any vector width and thread count — and the call of the kernel by name.</summary>
internal static class DenseBackwardReference
{
    public static (T[] Dz, T[] Bias) Expected<T>(string kind, int rows, int columns, T[] y, T[] aux, T[] dy, T[] bias0, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool withBias = bias0.Length > 0;
        var dz = new T[rows * columns];
        T[] bias = (T[])bias0.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                int i = r * columns + j;
                T v = y[i], g = dy[i];
                dz[i] = kind switch
                {
                    "relu" => v > T.Zero ? g : T.Zero,
                    "tanh" => g * (T.One - v * v),
                    "sigmoid" => g * v * (T.One - v),
                    _ => g * (aux[i] + v * (T.One - aux[i])),
                };
                if (withBias)
                {
                    bias[j] = overwrite && r == 0 ? dz[i] : bias[j] + dz[i];
                }
            }
        }

        if (withBias && overwrite && rows == 0)
        {
            Array.Clear(bias);
        }

        return (dz, bias);
    }

    /// <summary>Runs the kernel for <paramref name="kind"/> (relu, tanh, sigmoid or swish, whose σ is
    /// <paramref name="aux"/>).</summary>
    public static void Run<T>(string kind, int rows, int columns, T[] y, T[] aux, T[] dy, T[] dz, T[] bias, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case "relu": DenseKernels.ReluBackward<T>(rows, columns, y, dy, dz, bias, overwrite); break;
            case "tanh": DenseKernels.TanhBackward<T>(rows, columns, y, dy, dz, bias, overwrite); break;
            case "sigmoid": DenseKernels.SigmoidBackward<T>(rows, columns, y, dy, dz, bias, overwrite); break;
            default: DenseKernels.SwishBackward<T>(rows, columns, y, aux, dy, dz, bias, overwrite); break;
        }
    }
}
