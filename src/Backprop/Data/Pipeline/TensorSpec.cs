using System.Text;

namespace Backprop.Data;

/// <summary>The shape and element type of one component of a dataset element, as tf.data's
/// <c>tf.TensorSpec</c>; a <c>null</c> dimension is unknown (TensorFlow's <c>None</c>), as the batch dimension
/// of a batched dataset whose last batch may be short.</summary>
public sealed class TensorSpec : IEquatable<TensorSpec>
{
    private readonly int?[] _dimensions;

    /// <summary>A spec with the given dimensions (<c>null</c> = unknown) and element type.</summary>
    public TensorSpec(IEnumerable<int?> dimensions, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        _dimensions = dimensions.ToArray();
        DType = dtype;
    }

    /// <summary>The dimensions; <c>null</c> where the size is not known in advance.</summary>
    public IReadOnlyList<int?> Shape => _dimensions;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>TensorFlow's notation with the dtype's numpy name:
    /// <c>TensorSpec(shape=(None, 13), dtype=float64)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("TensorSpec(shape=(");
        for (int i = 0; i < _dimensions.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(_dimensions[i] is int d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None");
        }

        if (_dimensions.Length == 1)
        {
            sb.Append(',');
        }

        return sb.Append("), dtype=").Append(DType.Name()).Append(')').ToString();
    }

    /// <summary>True when both specs have the same dtype and dimensions (None matching None).</summary>
    public bool Equals(TensorSpec? other) => other is not null && DType == other.DType && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorSpec);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(DType);
        foreach (int? d in _dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }
}
