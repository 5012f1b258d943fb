using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Data;

/// <summary>tf.data's <c>batch(batch_size, drop_remainder)</c>: stacks consecutive rows into one reused
/// (batchSize, ...row) buffer; the last batch is short unless dropRemainder drops it.</summary>
internal sealed class BatchStage<T> : Stage<T>
    where T : unmanaged, INumber<T>
{
    private readonly Stage<T> _upstream;
    private readonly int _batchSize;
    private readonly bool _dropRemainder;

    public BatchStage(Stage<T> upstream, int batchSize, bool dropRemainder)
    {
        _upstream = upstream;
        _batchSize = batchSize;
        _dropRemainder = dropRemainder;
        ElementLayout rows = upstream.Layout;
        Layout = rows with { Batched = true, MaxRows = batchSize, FixedRows = dropRemainder };
    }

    public override ElementLayout Layout { get; }

    public Stage<T> Upstream => _upstream;

    public override IPipelineNode? Previous => _upstream;

    public override long Cardinality
    {
        get
        {
            long rows = _upstream.Cardinality;
            if (rows < 0)
            {
                return rows;
            }

            return _dropRemainder ? rows / _batchSize : (rows + _batchSize - 1) / _batchSize;
        }
    }

    public override Cursor<T> OpenCursor() => new BatchCursor(this, _upstream.OpenCursor());

    private sealed class BatchCursor(BatchStage<T> stage, Cursor<T> upstream) : Cursor<T>
    {
        private readonly Tensor<T> _x = ElementLayout.RowStorage<T>(stage._batchSize, stage.Layout.XRow);
        private readonly Tensor<T>? _y = stage.Layout.YRow is Shape yRow ? ElementLayout.RowStorage<T>(stage._batchSize, yRow) : null;

        // Over a row-index cursor (a shuffled row source) the batch gathers rows by index straight from the
        // source: one copy per row, as Fit's own shuffled batching.
        private readonly RowIndexCursor<T>? _indexed = upstream as RowIndexCursor<T>;
        private readonly int[] _rowIndices = upstream is RowIndexCursor<T> ? new int[stage._batchSize] : [];

        public override bool Stable => false;

        public override void Restart() => upstream.Restart();

        public override bool MoveNext(out ElementRef<T> element)
        {
            int rows = _indexed is null ? Stack() : Gather(_indexed);
            if (rows == 0 || (stage._dropRemainder && rows < stage._batchSize))
            {
                element = default;
                return false;
            }

            element = new ElementRef<T> { XStore = _x, XRow = 0, YStore = _y, YRow = 0, Rows = rows };
            return true;
        }

        public override void Stop() => upstream.Stop();

        private int Stack()
        {
            ElementLayout layout = stage.Layout;
            int xLength = layout.XRowLength;
            int yLength = layout.YRowLength;
            Span<T> x = _x.AsSpan();
            Span<T> y = _y is null ? default : _y.AsSpan();
            int rows = 0;
            while (rows < stage._batchSize && upstream.MoveNext(out ElementRef<T> row))
            {
                row.XSpan(xLength).CopyTo(x.Slice(rows * xLength, xLength));
                if (_y is not null)
                {
                    row.YSpan(yLength).CopyTo(y.Slice(rows * yLength, yLength));
                }

                rows++;
            }

            return rows;
        }

        private int Gather(RowIndexCursor<T> indexed)
        {
            Span<int> indices = _rowIndices;
            int rows = indexed.NextRows(indices);
            indices = indices[..rows];
            RowGather.Copy<T>(indexed.XStore.AsSpan(), stage.Layout.XRowLength, _x.AsSpan(), indices);
            if (_y is not null)
            {
                RowGather.Copy<T>(indexed.YStore!.AsSpan(), stage.Layout.YRowLength, _y.AsSpan(), indices);
            }

            return rows;
        }
    }
}
