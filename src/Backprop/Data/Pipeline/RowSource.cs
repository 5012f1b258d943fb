using System.Numerics;

namespace Backprop.Data;

/// <summary>A random-access source of single rows: element k of the stage is row <see cref="Start"/> + k of
/// <see cref="X"/> (and <see cref="Y"/>), for k in [0, <see cref="Count"/>). Lets a shuffle buffer hold row
/// indices and a batch gather the rows straight from the source, copying each row once.</summary>
internal readonly record struct RowSource<T>(Tensor<T> X, Tensor<T>? Y, int Start, int Count)
    where T : unmanaged, INumber<T>
{
    /// <summary>The first <paramref name="count"/> rows (all when negative), as <c>take</c>.</summary>
    public RowSource<T> Take(long count) => count < 0 ? this : this with { Count = (int)Math.Min(count, Count) };

    /// <summary>All but the first <paramref name="count"/> rows (none when negative), as <c>skip</c>.</summary>
    public RowSource<T> Skip(long count)
    {
        if (count < 0)
        {
            return this with { Count = 0 };
        }

        int skipped = (int)Math.Min(count, Count);
        return this with { Start = Start + skipped, Count = Count - skipped };
    }
}

/// <summary>A cursor whose elements are single rows of one pair of source tensors, so that a consumer can ask
/// for the row indices of the next elements instead of element references.</summary>
internal abstract class RowIndexCursor<T>(Tensor<T> xStore, Tensor<T>? yStore) : Cursor<T>
    where T : unmanaged, INumber<T>
{
    public Tensor<T> XStore { get; } = xStore;

    public Tensor<T>? YStore { get; } = yStore;

    /// <summary>Writes the row indices (into <see cref="XStore"/> and <see cref="YStore"/>) of the next elements
    /// into <paramref name="rows"/>, advancing past them exactly as that many <see cref="Cursor{T}.MoveNext"/>
    /// calls would; returns how many were written (fewer than asked only at the end of the epoch).</summary>
    public abstract int NextRows(Span<int> rows);
}
