using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>Zero-filled tensor buffers. Buffers of at least <see cref="HugePageThreshold"/> bytes ask Linux for
/// transparent huge pages before their memory is first touched, as numpy does for its large arrays: a 193M-weight
/// network read once per forward pass then takes one TLB entry per 2 MiB instead of per 4 KiB, which on a virtual
/// machine (two-level page walks) is the difference between streaming weights at ≈24 and ≈30 GB/s on one core.</summary>
internal static partial class LargeBuffers
{
    /// <summary>numpy's threshold for <c>madvise(MADV_HUGEPAGE)</c> (4 MiB).</summary>
    internal const long HugePageThreshold = 4L << 20;

    private const int HugePageBytes = 2 << 20;
    private const int MadviseHugePage = 14;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>A zero-filled array of <paramref name="length"/> elements.</summary>
    public static T[] Allocate<T>(int length)
    {
        if (s_unavailable || (long)length * Unsafe.SizeOf<T>() < HugePageThreshold || RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            return new T[length];
        }

        // Uninitialised: a large array from fresh GC memory has not been written yet, so advising before clearing
        // lets the first writes fault in huge pages. The advice is only a hint: if it fails, nothing changes.
        T[] buffer = GC.AllocateUninitializedArray<T>(length);
        Advise(buffer);
        buffer.AsSpan().Clear();
        return buffer;
    }

    private static unsafe void Advise<T>(T[] buffer)
    {
        // Large arrays live on the large-object heap, which the GC does not compact unless asked, so the range keeps
        // its address; if it ever moves, the data only loses the hint.
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        nint end = start + (nint)((long)buffer.Length * Unsafe.SizeOf<T>());
        nint first = (start + HugePageBytes - 1) & ~(nint)(HugePageBytes - 1);
        nint last = end & ~(nint)(HugePageBytes - 1);
        if (last <= first)
        {
            return;
        }

        try
        {
            _ = Madvise(first, (nuint)(last - first), MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
