using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>One validated GEMM with pinned operands: <c>C ← f(α·op(A)·op(B) + β·C + bias)</c>. Bias is null
/// when absent.</summary>
internal unsafe struct GemmCall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool TransposeA;
    public bool TransposeB;
    public int M;
    public int N;
    public int K;
    public T Alpha;
    public T Beta;
    public T* A;
    public nint Lda;
    public T* B;
    public nint Ldb;
    public T* C;
    public nint Ldc;
    public T* Bias;
    public GemmActivation Activation;
}

/// <summary>Per-thread scratch memory of the kernels, reused across calls so they allocate nothing.</summary>
internal static class GemmBuffers
{
    [ThreadStatic]
    private static NativeBuffer? s_packA;

    [ThreadStatic]
    private static NativeBuffer? s_packB;

    [ThreadStatic]
    private static NativeBuffer? s_scratch;

    /// <summary>Packed A block.</summary>
    public static NativeBuffer PackA => s_packA ??= new NativeBuffer();

    /// <summary>Packed B block.</summary>
    public static NativeBuffer PackB => s_packB ??= new NativeBuffer();

    /// <summary>Transposed copies, gathered vectors, accumulators.</summary>
    public static NativeBuffer Scratch
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => s_scratch ??= new NativeBuffer();
    }
}
