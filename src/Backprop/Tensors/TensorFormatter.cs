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
        var values = new double[shown.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = double.CreateTruncating(span[shown[i]]);
        }

        string[] formatted = isFloat ? FormatFloats(values) : values.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
        var cells = new Dictionary<int, string>(shown.Count);
        int width = 0;
        for (int i = 0; i < formatted.Length; i++)
        {
            cells[shown[i]] = formatted[i];
            width = Math.Max(width, formatted[i].Length);
        }

        var sb = new StringBuilder("array(");
        if (shape.Rank == 0)
        {
            sb.Append(cells.Count > 0 ? cells[0] : "");
        }
        else
        {
            AppendAxis(sb, cells, shape, 0, 0, width, summarise, indent: 6);
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

    /// <summary>numpy's float rule: scientific notation when the largest magnitude is ≥ 1e8, the smallest
    /// non-zero one is below 1e-4, or their ratio exceeds 1000; otherwise fixed notation with every number padded
    /// to the same digits left and right of the point. Up to 8 significant decimals, shortest form that keeps them.</summary>
    private static string[] FormatFloats(double[] values)
    {
        var finite = values.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToArray();
        bool scientific = finite.Length > 0 && (finite.Max() >= 1e8 || finite.Min() < 1e-4 || finite.Max() / finite.Min() > 1e3);
        var result = new string[values.Length];
        if (scientific)
        {
            int digits = 0;
            foreach (double v in values.Where(double.IsFinite))
            {
                digits = Math.Max(digits, MantissaDigits(v));
            }

            string pattern = (digits == 0 ? "0" : "0." + new string('0', digits)) + "e+00";
            for (int i = 0; i < values.Length; i++)
            {
                string text = double.IsFinite(values[i]) ? values[i].ToString(pattern, CultureInfo.InvariantCulture) : Special(values[i]);
                result[i] = digits == 0 && double.IsFinite(values[i]) ? text.Insert(text.IndexOf('e', StringComparison.Ordinal), ".") : text;
            }
        }
        else
        {
            var parts = values.Select(v => double.IsFinite(v) ? v.ToString("0.########", CultureInfo.InvariantCulture).Split('.') : null).ToArray();
            int left = parts.Max(p => p?[0].Length ?? 0);
            int right = parts.Max(p => p is { Length: 2 } ? p[1].Length : 0);
            for (int i = 0; i < values.Length; i++)
            {
                var p = parts[i];
                result[i] = p is null
                    ? Special(values[i]).PadLeft(left + 1 + right)
                    : p[0].PadLeft(left) + "." + (p.Length == 2 ? p[1] : "").PadRight(right);
            }
        }

        return result;
    }

    private static int MantissaDigits(double v)
    {
        for (int digits = 0; digits < 8; digits++)
        {
            string text = v.ToString("0." + new string('0', digits) + "e+00", CultureInfo.InvariantCulture);
            if (double.Parse(text, CultureInfo.InvariantCulture) == v)
            {
                return digits;
            }
        }

        return 8;
    }

    private static string Special(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}
