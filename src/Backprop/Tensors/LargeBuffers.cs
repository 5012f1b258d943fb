using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>Zero-filled tensor buffers. Buffers of at least <see cref="HugePageThreshold"/> bytes ask Linux for
/// transparent huge pages before their memory is first touched, as numpy does for its large arrays: a 193M-weight
/// network read once per forward pass then takes one TLB entry per 2 MiB instead of per 4 KiB, which matters on a
/// virtual machine (two-level page walks): the activation-statistics forward pass on two Zen 4 cores, best of four,
/// 0.0151 s against 0.0224 without (docs/performance.md).
/// <para>Large buffers, and the long-lived ones of a model at any size, start on a cache line (<see cref="Alignment"/>
/// bytes, as PyTorch's CPU allocator aligns) and never move. A .NET array starts wherever the GC put it, 8 bytes
/// apart, so a kernel's 64-byte vectors would straddle two lines at every load and store in 7 cases of 8, and which
/// case a model got depended on what had been allocated before it: the same 784→1000→10 model trained 15–20% slower
/// per epoch as the second or fourth model of a process than as the first or third (Intel Xeon; a 2–8% gap between the
/// first and second model had been seen on Zen 5 before its cause was known).</para></summary>
internal static unsafe class LargeBuffers
{
    /// <summary>numpy's threshold for <c>madvise(MADV_HUGEPAGE)</c> (4 MiB).</summary>
    internal const long HugePageThreshold = 4L << 20;

    private const int HugePageBytes = 2 << 20;
    private const int MadviseHugePage = 14;

    // madvise from the C library, looked up once; null where there is none (not Linux, or no glibc/musl found).
    // "libc.so.6" first: plain "libc" resolves through libc.so, which is a linker script where libc6-dev is installed
    // and absent where it is not.
    private static readonly delegate* unmanaged<nint, nuint, int, int> s_madvise = FindMadvise();

    /// <summary>Bytes every aligned buffer's first element is a multiple of: a cache line, and an AVX-512 vector.</summary>
    internal const int Alignment = 64;

    /// <summary>Bytes from which the runtime puts an array on the large-object heap, which is collected only with the
    /// oldest generation: from this size on, a pinned array (collected the same way) costs no more GC work.</summary>
    internal const int LargeObjectBytes = 85_000;

    /// <summary>A zero-filled buffer of <paramref name="length"/> elements at <paramref name="offset"/> of the returned
    /// array. When <paramref name="longLived"/> (a model's weights, gradients, optimizer slots, layer buffers) or
    /// large, the array is pinned, so it never moves, and <paramref name="offset"/> puts the first element on a
    /// <see cref="Alignment"/>-byte boundary. Small short-lived buffers stay ordinary arrays at offset 0: a pinned array
    /// is only collected with the oldest generation, which would make a loop of small temporaries pile up garbage.</summary>
    public static T[] AllocateAligned<T>(int length, bool longLived, out int offset)
    {
        offset = 0;
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (length == 0 || RuntimeHelpers.IsReferenceOrContainsReferences<T>() || Alignment % Unsafe.SizeOf<T>() != 0 ||
            (!longLived && bytes < LargeObjectBytes))
        {
            return length == 0 ? [] : Allocate<T>(length);
        }

        int spare = Alignment / Unsafe.SizeOf<T>() - 1;
        if ((long)length + spare > Array.MaxLength)
        {
            return Allocate<T>(length);
        }

        T[] buffer = Allocate<T>(length + spare, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        offset = (int)((Alignment - (start & (Alignment - 1))) & (Alignment - 1)) / Unsafe.SizeOf<T>();
        return buffer;
    }

    /// <summary>A zero-filled array of <paramref name="length"/> elements.</summary>
    public static T[] Allocate<T>(int length) => Allocate<T>(length, pinned: false);

    /// <summary>A zero-filled array of <paramref name="length"/> elements, on the pinned-object heap when
    /// <paramref name="pinned"/>.</summary>
    private static T[] Allocate<T>(int length, bool pinned)
    {
        if (s_madvise == null || (long)length * Unsafe.SizeOf<T>() < HugePageThreshold || RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            return pinned ? GC.AllocateArray<T>(length, pinned: true) : new T[length];
        }

        // Uninitialised: a large array from fresh GC memory has not been written yet, so advising before clearing
        // lets the first writes fault in huge pages. The advice is only a hint: if it fails, nothing changes.
        T[] buffer = GC.AllocateUninitializedArray<T>(length, pinned);
        Advise(buffer);
        buffer.AsSpan().Clear();
        return buffer;
    }

    /// <summary>An array of <paramref name="length"/> elements whose contents are undefined (the caller writes every
    /// element), with its memory pages mapped over the kernel threads (<see cref="Kernels.PageTouch"/>): Predict's
    /// result, which is then filled by one copy per pass on the calling thread.</summary>
    public static T[] AllocateUninitialized<T>(int length)
        where T : unmanaged
    {
        T[] buffer = GC.AllocateUninitializedArray<T>(length);
        fixed (T* start = buffer)
        {
            Kernels.PageTouch.Prefault((byte*)start, (long)length * sizeof(T));
        }

        return buffer;
    }

    private static void Advise<T>(T[] buffer)
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

        _ = s_madvise(first, (nuint)(last - first), MadviseHugePage);
    }

    private static delegate* unmanaged<nint, nuint, int, int> FindMadvise()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (string name in new[] { "libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc" })
        {
            if (NativeLibrary.TryLoad(name, out nint library) && NativeLibrary.TryGetExport(library, "madvise", out nint madvise))
            {
                return (delegate* unmanaged<nint, nuint, int, int>)madvise;
            }
        }

        return null;
    }

    /// <summary>Whether large buffers are advised (for tests).</summary>
    internal static bool Advises => s_madvise != null;
}
