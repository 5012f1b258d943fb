using System.Numerics;
using System.Runtime.ExceptionServices;
using Backprop.Kernels;

namespace Backprop.Data;

/// <summary>tf.data's <c>prefetch(buffer_size)</c>: a background producer thread runs the upstream pipeline and
/// copies each element into one of bufferSize + 2 reused slots (bufferSize waiting, one being filled, one held by
/// the consumer until its next MoveNext). An exception in the producer reaches the consumer after the elements
/// produced before it; stopping the enumeration stops the producer and waits for it.
/// <para>The producer is a dedicated thread rather than a pool thread, so that blocking on a full queue never
/// starves the pool that the compute kernels use. It waits for the next epoch and ends after
/// <see cref="IdleTimeoutMilliseconds"/> without one, so an epoch loop starts no threads and a dataset that is
/// dropped leaves none behind.</para></summary>
internal sealed class PrefetchStage<T>(Stage<T> upstream, int bufferSize) : Stage<T>
    where T : unmanaged, INumber<T>
{
    public override IPipelineNode? Previous => upstream;

    private const int IdleTimeoutMilliseconds = 5000;

    private readonly int _bufferSize = bufferSize;

    public override ElementLayout Layout => upstream.Layout;

    public override long Cardinality => upstream.Cardinality;

    public override Cursor<T> OpenCursor() => new PrefetchCursor(this, upstream.OpenCursor());

    private sealed class PrefetchCursor : Cursor<T>
    {
        private readonly PrefetchStage<T> _stage;
        private readonly Cursor<T> _upstream;
        private readonly object _lock = new();
        private readonly (Tensor<T> X, Tensor<T>? Y)[] _storage;
        private readonly ElementRef<T>[] _elements;

        // Slot indices: a queue of filled slots in production order and a stack of free ones.
        private readonly int[] _filled;
        private readonly int[] _free;
        private int _filledHead;
        private int _filledCount;
        private int _freeCount;
        private int _consumerSlot = -1;
        private bool _running;
        private bool _epochRequested;
        private bool _threadAlive;
        private bool _producerDone;
        private bool _stopRequested;
        private ExceptionDispatchInfo? _failure;

        public PrefetchCursor(PrefetchStage<T> stage, Cursor<T> upstream)
        {
            _stage = stage;
            _upstream = upstream;
            int slots = stage._bufferSize + 2;
            ElementLayout layout = stage.Layout;
            _storage = new (Tensor<T>, Tensor<T>?)[slots];
            for (int i = 0; i < slots; i++)
            {
                _storage[i] = (ElementLayout.RowStorage<T>(layout.MaxRows, layout.XRow),
                    layout.YRow is Shape yRow ? ElementLayout.RowStorage<T>(layout.MaxRows, yRow) : null);
            }

            _elements = new ElementRef<T>[slots];
            _filled = new int[slots];
            _free = new int[slots];
        }

        public override bool Stable => false;

        public override void Restart()
        {
            Stop();
            _filledHead = 0;
            _filledCount = 0;
            _consumerSlot = -1;
            _freeCount = _free.Length;
            for (int i = 0; i < _free.Length; i++)
            {
                _free[i] = i;
            }

            _failure = null;
            _upstream.Restart();
            _running = true;
            lock (_lock)
            {
                _producerDone = false;
                _stopRequested = false;
                _epochRequested = true;
                if (_threadAlive)
                {
                    Monitor.PulseAll(_lock);
                    return;
                }

                _threadAlive = true;
            }

            var thread = new Thread(ProducerLoop) { IsBackground = true, Name = "Backprop prefetch" };
            thread.UnsafeStart();
        }

        public override bool MoveNext(out ElementRef<T> element)
        {
            lock (_lock)
            {
                if (_consumerSlot >= 0)
                {
                    _free[_freeCount++] = _consumerSlot;
                    _consumerSlot = -1;
                    Monitor.PulseAll(_lock);
                }

                while (_filledCount == 0 && !_producerDone)
                {
                    Monitor.Wait(_lock);
                }

                if (_filledCount > 0)
                {
                    _consumerSlot = _filled[_filledHead];
                    _filledHead = (_filledHead + 1) % _filled.Length;
                    _filledCount--;
                    Monitor.PulseAll(_lock);
                    element = _elements[_consumerSlot];
                    return true;
                }
            }

            _failure?.Throw();
            element = default;
            return false;
        }

        public override void Stop()
        {
            if (!_running)
            {
                return;
            }

            lock (_lock)
            {
                _stopRequested = true;
                Monitor.PulseAll(_lock);
                while (!_producerDone)
                {
                    Monitor.Wait(_lock);
                }
            }

            _running = false;
            _upstream.Stop();
        }

        /// <summary>The producer thread: runs epochs as they are requested, and ends when none comes for a while.</summary>
        private void ProducerLoop()
        {
            // The producer runs beside the training steps: its kernels (the batch gather, map functions' tensor
            // operations) stay on this thread, so that they never take the kernel workers from a training step,
            // whose products would then run on one thread.
            Parallelism.LimitThisThread(1);
            while (true)
            {
                lock (_lock)
                {
                    while (!_epochRequested)
                    {
                        if (!Monitor.Wait(_lock, IdleTimeoutMilliseconds) && !_epochRequested)
                        {
                            _threadAlive = false;
                            return;
                        }
                    }

                    _epochRequested = false;
                }

                ProduceEpoch();
            }
        }

        /// <summary>Fills free slots from the upstream until it ends, fails or is stopped.</summary>
        private void ProduceEpoch()
        {
            try
            {
                while (true)
                {
                    int slot;
                    lock (_lock)
                    {
                        while (_freeCount == 0 && !_stopRequested)
                        {
                            Monitor.Wait(_lock);
                        }

                        if (_stopRequested)
                        {
                            break;
                        }

                        slot = _free[--_freeCount];
                    }

                    if (!_upstream.MoveNext(out ElementRef<T> next))
                    {
                        break;
                    }

                    (Tensor<T> x, Tensor<T>? y) = _storage[slot];
                    _elements[slot] = next.CopyTo(x, y, 0, _stage.Layout);
                    lock (_lock)
                    {
                        _filled[(_filledHead + _filledCount) % _filled.Length] = slot;
                        _filledCount++;
                        Monitor.PulseAll(_lock);
                    }
                }
            }
#pragma warning disable CA1031 // Any failure of the user's pipeline must reach the consumer thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                lock (_lock)
                {
                    _producerDone = true;
                    Monitor.PulseAll(_lock);
                }
            }
        }
    }
}
