using System.Globalization;
using System.Numerics;
using System.Text;

namespace Backprop;

/// <summary>numpy's <c>repr</c> for tensors: nested brackets, aligned columns, "..." past 1000 elements
/// (three items kept at each end of every axis), and the dtype named unless it is float64.</summary>
internal static class TensorFormatter
{
    private const int Threshold = 1000;
    private const int EdgeItems = 3;

    public static string Format<T>(Tensor<T> tensor)
        where T : unmanaged, INumber<T>
    {
        var span = tensor.AsSpan();
        var shape = tensor.Shape;
        bool summarise = shape.Length > Threshold;
        bool isFloat = tensor.DType is DType.Float32 or DType.Float64;

        // Only the elements that will be shown are formatted: a summarised 67M-element tensor prints fast.
        var shown = new List<int>();
        CollectShown(shown, shape, 0, 0, summarise);
        var cells = new Dictionary<int, string>(shown.Count);
        int width = 0;
        foreach (int index in shown)
        {
            string cell = FormatValue(span[index], isFloat);
            cells[index] = cell;
            width = Math.Max(width, cell.Length);
        }

        var sb = new StringBuilder("array(");
        if (shape.Rank == 0)
        {
            sb.Append(cells.Count > 0 ? cells[0] : "");
        }
        else
        {
            AppendAxis(sb, cells, shape, 0, 0, width, summarise, indent: 7);
        }

        if (shape.Length == 0)
        {
            sb.Append(", shape=").Append(shape);
        }

        if (tensor.DType != DType.Float64)
        {
            sb.Append(", dtype=").Append(tensor.DType.Name());
        }

        return sb.Append(')').ToString();
    }

    private static void CollectShown(List<int> shown, Shape shape, int axis, int offset, bool summarise)
    {
        if (shape.Rank == 0)
        {
            shown.Add(0);
            return;
        }

        int n = shape[axis];
        int stride = shape.Stride(axis);
        for (int i = 0; i < n; i++)
        {
            if (summarise && n > 2 * EdgeItems && i == EdgeItems)
            {
                i = n - EdgeItems - 1;
                continue;
            }

            if (axis == shape.Rank - 1)
            {
                shown.Add(offset + i);
            }
            else
            {
                CollectShown(shown, shape, axis + 1, offset + i * stride, summarise);
            }
        }
    }

    private static void AppendAxis(StringBuilder sb, Dictionary<int, string> cells, Shape shape, int axis, int offset, int width, bool summarise, int indent)
    {
        int n = shape[axis];
        int stride = shape.Stride(axis);
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (summarise && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(axis == shape.Rank - 1 ? "..., " : "...,\n" + new string(' ', indent + axis + 1));
                i = n - EdgeItems - 1;
                continue;
            }

            if (axis == shape.Rank - 1)
            {
                sb.Append(cells[offset + i].PadLeft(width));
            }
            else
            {
                AppendAxis(sb, cells, shape, axis + 1, offset + i * stride, width, summarise, indent);
            }

            if (i < n - 1)
            {
                sb.Append(axis == shape.Rank - 1 ? ", " : "," + new string('\n', shape.Rank - axis - 1) + new string(' ', indent + axis + 1));
            }
        }

        sb.Append(']');
    }

    private static string FormatValue<T>(T value, bool isFloat)
        where T : unmanaged, INumber<T>
    {
        if (!isFloat)
        {
            return value.ToString(null, CultureInfo.InvariantCulture);
        }

        double d = double.CreateTruncating(value);
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == Math.Floor(d) && Math.Abs(d) < 1e16)
        {
            return d.ToString("0", CultureInfo.InvariantCulture) + ".";
        }

        double magnitude = Math.Abs(d);
        return magnitude is >= 1e-4 and < 1e16
            ? d.ToString("0.########", CultureInfo.InvariantCulture)
            : d.ToString("0.########e+00", CultureInfo.InvariantCulture);
    }
}
