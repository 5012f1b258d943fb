using System.Diagnostics;
using Backprop.Kernels;

namespace Backprop.Training;

/// <summary>Fit's choice between all of <see cref="Parallelism.ThreadCount"/> threads and one
/// (<see cref="Parallelism.AdaptiveTraining"/>). No size rule can make the choice: on the same 2-vCPU virtual
/// machine and model, a step split over two threads ran 1.55× faster or 1.46× slower than on one depending on where
/// the host placed the vCPUs. So the loop measures: it runs blocks of steps with all threads and with one,
/// alternately, and after <see cref="BlocksPerSide"/> blocks each keeps the side whose fastest block had the
/// shorter mean step; it measures again after <see cref="RecheckSeconds"/> seconds of training. The first step of
/// each block is not counted (it pays for the switch itself: workers waking, data moving between caches). Results
/// are bit-identical at any thread count, so the choice changes only the time.</summary>
internal sealed class ThreadChooser
{
    /// <summary>Blocks timed with each thread count before choosing.</summary>
    internal const int BlocksPerSide = 3;

    /// <summary>A block lasts at least this long (and two counted steps)…</summary>
    internal const double BlockSeconds = 0.001;

    /// <summary>…and at most this many counted steps (tiny steps need no more to be compared).</summary>
    internal const int MaxBlockSteps = 64;

    /// <summary>Seconds of training after which the choice is measured again (the host may move the vCPUs).</summary>
    internal const double RecheckSeconds = 10;

    /// <summary>Once a choice is made, the clock is read every this many steps only (for the recheck), so a tiny
    /// step (Boston's 3 µs) pays for no timing.</summary>
    internal const int StepsPerClockCheck = 64;

    private readonly Func<long> _clock;
    private readonly Func<bool> _otherWorkRunning;
    private readonly double[] _fastest = new double[2];
    private int _most;
    private int _chosen;
    private long _chosenAt;
    private int _side;
    private int _blocks;
    private bool _warmStep;
    private bool _measuring;
    private long _stepStarted;
    private int _blockSteps;
    private long _blockTicks;
    private int _stepsSinceClock;

    /// <summary>A chooser timing steps with <paramref name="clock"/> (<see cref="Stopwatch.GetTimestamp"/> by
    /// default; tests pass a simulated one). Steps that end while <paramref name="otherWorkRunning"/> says the process
    /// is busy elsewhere (default: <see cref="KernelWarmup"/> compiling on the other core) are not counted, since
    /// they would make all threads look slower than they are.</summary>
    internal ThreadChooser(Func<long>? clock = null, Func<bool>? otherWorkRunning = null)
    {
        _clock = clock ?? Stopwatch.GetTimestamp;
        _otherWorkRunning = otherWorkRunning ?? (static () => KernelWarmup.IsRunning);
    }

    /// <summary>The thread count chosen by the last complete measurement, or 0 while measuring (for tests and
    /// diagnostics).</summary>
    internal int Chosen => _chosen;

    /// <summary>The thread limit the next step runs with (0: no limit, adaptive training off or nothing to
    /// choose from). The clock is read only while measuring and, once chosen, every
    /// <see cref="StepsPerClockCheck"/> steps to see whether the recheck is due.</summary>
    internal int NextStep()
    {
        int most = Parallelism.ConfiguredThreadCount;
        _measuring = false;
        if (!Parallelism.AdaptiveTraining || most <= 1)
        {
            return 0;
        }

        if (most != _most)
        {
            StartMeasuring(most);
        }
        else if (_chosen != 0 && ++_stepsSinceClock >= StepsPerClockCheck)
        {
            _stepsSinceClock = 0;
            if (_clock() - _chosenAt > (long)(RecheckSeconds * Stopwatch.Frequency))
            {
                StartMeasuring(most);
            }
        }

        if (_chosen != 0)
        {
            return _chosen;
        }

        _measuring = true;
        _stepStarted = _clock();
        return ThreadsOf(_side);
    }

    /// <summary>Ends the step begun by <see cref="NextStep"/>: records its time when it was part of a measurement.</summary>
    internal void StepDone()
    {
        if (!_measuring)
        {
            return;
        }

        if (_warmStep)
        {
            _warmStep = false;
            return;
        }

        if (_otherWorkRunning())
        {
            // Not counted; the block's next step is its first again (it pays for the other work ending).
            _warmStep = true;
            return;
        }

        long now = _clock();

        _blockSteps++;
        _blockTicks += now - _stepStarted;
        if ((_blockSteps < 2 || _blockTicks < BlockSeconds * Stopwatch.Frequency) && _blockSteps < MaxBlockSteps)
        {
            return;
        }

        _fastest[_side] = Math.Min(_fastest[_side], (double)_blockTicks / _blockSteps);
        _blocks++;
        _side ^= 1;
        _blockSteps = 0;
        _blockTicks = 0;
        _warmStep = true;
        if (_blocks >= 2 * BlocksPerSide)
        {
            // Ties go to all threads (the default a user asked for).
            _chosen = _fastest[1] < _fastest[0] ? 1 : _most;
            _chosenAt = now;
            _stepsSinceClock = 0;
        }
    }

    /// <summary>Forgets the choice (the next step starts a new measurement).</summary>
    internal void Reset() => _most = 0;

    private void StartMeasuring(int most)
    {
        _most = most;
        _chosen = 0;
        _side = 0;
        _blocks = 0;
        _blockSteps = 0;
        _blockTicks = 0;
        _warmStep = true;
        _fastest[0] = _fastest[1] = double.PositiveInfinity;
    }

    private int ThreadsOf(int side) => side == 0 ? _most : 1;
}
