using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>Compiles the float32 Dense kernels on a background thread, started when the first tensor or layer of the
/// process is made (usually while the program loads its data), so that the first <c>Fit</c> or <c>Predict</c> finds
/// them compiled instead of waiting for the JIT. The kernels are compiled fully optimised at first call (they are too
/// slow at tier 0), which is most of a fresh process's first Fit: in a 300-epoch Boston Fit, about 100 of its 170 ms of
/// JIT. While the main thread builds the model and compiles its own code, the idle core compiles these. Measured in
/// fresh processes (Zen 5, best of 5 processes, 3 interleaved rounds): first Boston Fit 0.274 → 0.214 s.
/// <para>The warm-up runs each kernel once on small private arrays: it reads and writes no model, no random stream
/// and no setting, so it cannot change a result. It is skipped on one-core machines, and Fit's thread choice
/// (<see cref="Parallelism.AdaptiveTraining"/>) does not time steps while it runs.</para></summary>
public static class KernelWarmup
{
    private static volatile int s_started;
    private static volatile bool s_running;

    /// <summary>Whether the first tensor or layer starts the warm-up (default true). Set it to false before making any
    /// tensor to keep the process to one thread until training starts (e.g. to measure JIT cost).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>True while the warm-up thread is compiling.</summary>
    internal static bool IsRunning => s_running;

    /// <summary>Starts the warm-up once per process (later calls return at once): called when the first tensor or
    /// layer is made, usually while a program loads its data, well before its first Fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Start()
    {
        if (s_started == 0)
        {
            StartOnce();
        }
    }

    private static void StartOnce()
    {
        if (!Enabled || Environment.ProcessorCount < 2 || Interlocked.Exchange(ref s_started, 1) != 0)
        {
            return;
        }

        s_running = true;
        var thread = new Thread(Run) { IsBackground = true, Name = "Backprop kernel warm-up" };
        thread.Start();
    }

    private static void Run()
    {
        try
        {
            // One thread: the worker pool stays free for the model's own steps.
            Parallelism.LimitThisThread(1);
            Warm();
        }
        catch (Exception)
        {
            // A warm-up that fails leaves the kernels to be compiled where they are first used, as without it.
        }
        finally
        {
            s_running = false;
        }
    }

    /// <summary>Calls the kernels the first steps of a small Dense network call, in about the order a first Fit needs
    /// them (the main thread compiles whatever it reaches first itself): the forward products of small batches
    /// (full-width, half-width and one-column tiles) with their bias and ReLU or swish; their backward passes
    /// (activation derivatives, bias sums, transposed products); the SGD and Adam steps and the non-finite guard. No
    /// more: a longer list (tanh, sigmoid, edge tiles, the 128-row products and the packed kernel's timing) still ran
    /// while the first Fit trained and made it no faster. Small methods, so that this code itself compiles at tier 0 in a
    /// fraction of a millisecond (as one method it took 22 ms, compiled fully optimised for its loops).</summary>
    internal static void Warm()
    {
        var buffers = new Buffers();
        foreach (var (m, n, k) in SmallShapes)
        {
            Forward(buffers, m, n, k);
        }

        foreach (var (m, n, k) in SmallShapes)
        {
            Backward(buffers, m, n, k);
        }

        OptimiserSteps(buffers);
    }

    /// <summary>(rows, units, inputs) of a small Dense layer: full 32-float tiles, half tiles, one column (a GEMV).</summary>
    private static readonly (int Rows, int Units, int Inputs)[] SmallShapes = [(32, 32, 13), (32, 16, 32), (32, 1, 16)];

    private sealed class Buffers
    {
        // The largest operand is the optimiser steps' 4,096 weights (every product above is at most 32 × 32).
        public const int Size = 4096;
        public readonly float[] A = new float[Size];
        public readonly float[] B = new float[Size];
        public readonly float[] C = new float[Size];
        public readonly float[] S = new float[Size];
        public readonly float[] Bias = new float[32];

        public Buffers()
        {
            for (int i = 0; i < Size; i++)
            {
                A[i] = (i % 7 - 3) * 0.125f;
                B[i] = (i % 5 - 2) * 0.25f;
            }
        }
    }

    private static void Forward(Buffers buffers, int m, int n, int k)
    {
        var y = buffers.C.AsSpan(0, m * n);
        var bias = buffers.Bias.AsSpan(0, n);
        Gemm.Multiply(false, false, m, n, k, 1f, buffers.A, k, buffers.B, n, 0f, y, n, bias, GemmActivation.Relu);
        Gemm.Multiply(false, false, m, n, k, 1f, buffers.A, k, buffers.B, n, 0f, y, n);
        DenseKernels.AddBias(m, n, y, bias);
        DenseKernels.SwishForward(m, n, y, bias, buffers.S.AsSpan(0, m * n));
    }

    private static void Backward(Buffers buffers, int m, int n, int k)
    {
        var y = buffers.C.AsSpan(0, m * n);
        var dy = buffers.B.AsSpan(0, m * n);
        var dz = buffers.S.AsSpan(0, m * n);
        var biasGradient = buffers.Bias.AsSpan(0, n);
        DenseKernels.ReluBackward<float>(m, n, y, dy, dz, biasGradient, true);
        DenseKernels.SwishBackward<float>(m, n, y, buffers.A.AsSpan(0, m * n), dy, dz, biasGradient, true);
        DenseKernels.ColumnSums<float>(m, n, y, biasGradient, false);
        Gemm.Multiply(true, false, k, n, m, 1f, buffers.A, k, buffers.B, n, 0f, buffers.C, n);
        Gemm.Multiply(false, true, m, k, n, 1f, buffers.A, n, buffers.B, n, 0f, buffers.C, k);
        DenseKernels.OuterProduct<float>(buffers.A.AsSpan(0, m), buffers.B.AsSpan(0, k), buffers.C.AsSpan(0, m * k));
    }

    private static void OptimiserSteps(Buffers buffers)
    {
        float[] weights = buffers.C, gradient = buffers.A;
        OptimizerKernels.SgdMomentumStep<float>(weights, buffers.S, gradient, 1e-3f, 0.9f, nesterov: true);
        OptimizerKernels.SgdStep<float>(weights, gradient, 1e-3f);
        OptimizerKernels.AdamStep<float>(weights, buffers.S, buffers.B, gradient, 1e-3f, 0.1f, 0.001f, 1e-7f);
        LargestMagnitude.Of<float>(gradient);
    }
}
