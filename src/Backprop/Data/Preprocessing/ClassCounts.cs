using System.Globalization;
using System.Numerics;
using System.Text;

namespace Backprop.Data;

/// <summary>How many samples of each class every split holds, the table the MNIST experiments print before
/// training to show that the splits are balanced alike:
/// <code>
/// Console.WriteLine(ClassCounts.Of(("train", yTrain), ("val", yVal), ("test", yTest)));
/// </code>
/// Labels are integer class indices of shape (n,) or (n, 1), or one-hot rows of shape (n, k).</summary>
public sealed class ClassCounts
{
    private readonly string[] _splits;
    private readonly long[][] _counts;

    private ClassCounts(string[] splits, long[][] counts, int classes)
    {
        _splits = splits;
        _counts = counts;
        ClassCount = classes;
    }

    /// <summary>The split names, in the order given.</summary>
    public IReadOnlyList<string> Splits => _splits;

    /// <summary>Number of classes: one more than the largest label seen in any split.</summary>
    public int ClassCount { get; }

    /// <summary>Counts the classes of each named split.</summary>
    public static ClassCounts Of(params (string Name, Tensor Labels)[] splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (splits.Length == 0)
        {
            throw new ArgumentException("ClassCounts.Of needs at least one (name, labels) split.", nameof(splits));
        }

        var perSplit = new List<int[]>(splits.Length);
        int classes = 0;
        foreach ((string name, Tensor labels) in splits)
        {
            ArgumentNullException.ThrowIfNull(labels, name);
            int[] classOf = labels switch
            {
                Tensor<float> t => Classes(t, name),
                Tensor<double> t => Classes(t, name),
                Tensor<byte> t => Classes(t, name),
                Tensor<sbyte> t => Classes(t, name),
                Tensor<short> t => Classes(t, name),
                Tensor<int> t => Classes(t, name),
                Tensor<long> t => Classes(t, name),
                _ => throw new ArgumentException($"ClassCounts: split '{name}' has labels of dtype {labels.DType.Name()}, which cannot hold class indices.", nameof(splits)),
            };
            perSplit.Add(classOf);
            foreach (int c in classOf)
            {
                classes = Math.Max(classes, c + 1);
            }
        }

        var counts = new long[splits.Length][];
        for (int s = 0; s < splits.Length; s++)
        {
            counts[s] = new long[classes];
            foreach (int c in perSplit[s])
            {
                counts[s][c]++;
            }
        }

        return new ClassCounts(splits.Select(s => s.Name).ToArray(), counts, classes);
    }

    /// <summary>Samples of class <paramref name="label"/> in <paramref name="split"/>.</summary>
    public long Count(string split, int label)
    {
        long[] counts = _counts[IndexOf(split)];
        if ((uint)label >= (uint)counts.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Classes are 0 to {ClassCount - 1}.");
        }

        return counts[label];
    }

    /// <summary>Samples in <paramref name="split"/>.</summary>
    public long Total(string split) => _counts[IndexOf(split)].Sum();

    /// <summary>The share of class <paramref name="label"/> in <paramref name="split"/>, in percent (0 for an empty split).</summary>
    public double Percent(string split, int label)
    {
        long total = Total(split);
        return total == 0 ? 0 : 100.0 * Count(split, label) / total;
    }

    /// <summary>A table with a row per class and a column per split, each cell "count (percent%)", and a total row:
    /// <code>
    /// class          train            val           test
    ///     0   5444 (9.90%)    479 (9.58%)    980 (9.80%)
    /// ...
    /// total  55000 (100.00%) ...
    /// </code></summary>
    public override string ToString()
    {
        var rows = new List<string[]> { new[] { "class" }.Concat(_splits).ToArray() };
        for (int c = 0; c < ClassCount; c++)
        {
            var row = new string[_splits.Length + 1];
            row[0] = c.ToString(CultureInfo.InvariantCulture);
            for (int s = 0; s < _splits.Length; s++)
            {
                row[s + 1] = Cell(_counts[s][c], Percent(_splits[s], c));
            }

            rows.Add(row);
        }

        var totals = new string[_splits.Length + 1];
        totals[0] = "total";
        for (int s = 0; s < _splits.Length; s++)
        {
            long total = _counts[s].Sum();
            totals[s + 1] = Cell(total, total == 0 ? 0 : 100);
        }

        rows.Add(totals);
        var widths = Enumerable.Range(0, _splits.Length + 1).Select(col => rows.Max(r => r[col].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int col = 0; col < row.Length; col++)
            {
                if (col > 0)
                {
                    sb.Append("  ");
                }

                sb.Append(col == 0 ? row[col].PadLeft(widths[0]) : row[col].PadLeft(widths[col]));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Cell(long count, double percent) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} ({percent:0.00}%)");

    private int IndexOf(string split)
    {
        int index = Array.IndexOf(_splits, split);
        return index >= 0 ? index : throw new ArgumentException($"No split named '{split}'; the splits are {string.Join(", ", _splits)}.", nameof(split));
    }

    private static int[] Classes<T>(Tensor<T> labels, string split)
        where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> values = labels.AsSpan();
        if (labels.Rank == 2 && labels.Shape[1] > 1)
        {
            // One-hot (or probability) rows: the class is the column of the largest value.
            int n = labels.Shape[0], k = labels.Shape[1];
            var arg = new int[n];
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<T> row = values.Slice(i * k, k);
                int best = 0;
                for (int j = 1; j < k; j++)
                {
                    if (row[j] > row[best])
                    {
                        best = j;
                    }
                }

                arg[i] = best;
            }

            return arg;
        }

        if (labels.Rank != 1 && !(labels.Rank == 2 && labels.Shape[1] == 1))
        {
            throw new ArgumentException($"ClassCounts: split '{split}' has labels of shape {labels.Shape}; expected (n,), (n, 1) or one-hot (n, k).");
        }

        var classes = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            classes[i] = OneHot.LabelAt(values, i, labels.Shape, $"ClassCounts (split '{split}')");
        }

        return classes;
    }
}
