using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>A growable 64-byte-aligned native scratch buffer owned by one thread (pack panels, transposed
/// copies). Kept in a <c>[ThreadStatic]</c> field so repeated kernel calls allocate nothing; the finalizer frees
/// the memory once the owning thread has ended and the buffer is unreachable.</summary>
internal sealed unsafe class NativeBuffer
{
    private void* _pointer;
    private nuint _bytes;

    ~NativeBuffer()
    {
        NativeMemory.AlignedFree(_pointer);
    }

    /// <summary>At least <paramref name="count"/> elements of <typeparamref name="T"/>; the contents are
    /// undefined (not preserved when the buffer grows).</summary>
    public T* Get<T>(nint count)
        where T : unmanaged
    {
        nuint needed = (nuint)count * (nuint)sizeof(T);
        if (needed > _bytes)
        {
            // Grow geometrically and round to whole pages, so a slowly growing sequence of shapes settles quickly.
            nuint bytes = Math.Max(needed, _bytes * 3 / 2);
            bytes = (bytes + 4095) & ~(nuint)4095;
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
            _bytes = 0;
            _pointer = NativeMemory.AlignedAlloc(bytes, 64);
            _bytes = bytes;
        }

        return (T*)_pointer;
    }
}
