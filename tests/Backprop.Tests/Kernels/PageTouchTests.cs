using System.Runtime.InteropServices;
using Backprop.Kernels;
using Backprop.Tests.TestSupport;
using static Backprop.Tests.Kernels.GemmTestHelpers;

namespace Backprop.Tests.Kernels;

/// <summary><see cref="PageTouch.Prefault"/> against its reference, byte by byte: on more than one thread, a block of
/// at least two parts' worth gets a 0 in its first byte and in the first byte of every 4 KB page starting inside it,
/// and nothing else changes; smaller blocks and one thread are left alone. Blocks start at any offset from a page.</summary>
[Collection(nameof(ThreadCountCollection))]
public class PageTouchTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(7, 4095)]
    [InlineData(131_071, 0)]
    [InlineData(131_072, 0)]
    [InlineData(131_072, 1)]
    [InlineData(200_001, 4095)]
    [InlineData(1_000_003, 33)]
    [InlineData(4_194_304, 2048)]
    public void Touches_the_first_byte_of_each_page_and_nothing_else(int length, int offset)
    {
        foreach (int threads in new[] { 1, 2, 3 })
        {
            WithThreads(threads, () => Check(length, offset, threads));
        }
    }

    [Fact]
    public void A_warm_prefault_allocates_nothing()
    {
        WithThreads(2, () =>
        {
            var block = GC.AllocateArray<byte>(1 << 20, pinned: true);
            nint start = Marshal.UnsafeAddrOfPinnedArrayElement(block, 0); // on the pinned heap: it never moves
            unsafe
            {
                PageTouch.Prefault((byte*)start, block.Length);
            }

            Assert.Equal(0, Allocations.By(() =>
            {
                for (int i = 0; i < 10; i++)
                {
                    unsafe
                    {
                        PageTouch.Prefault((byte*)start, block.Length);
                    }
                }
            }));
            GC.KeepAlive(block);
        });
    }

    private static unsafe void Check(int length, int offset, int threads)
    {
        var rng = new System.Random(length + offset);
        var memory = GC.AllocateArray<byte>(length + offset + 8192, pinned: true);
        for (int i = 0; i < memory.Length; i++)
        {
            memory[i] = (byte)rng.Next(1, 256);
        }

        // Move the block's start to the requested distance past a page boundary.
        fixed (byte* base0 = memory)
        {
            long aligned = ((long)base0 + PageTouch.PageBytes - 1) & ~(long)(PageTouch.PageBytes - 1);
            int start = (int)(aligned - (long)base0) + offset;
            var expected = (byte[])memory.Clone();
            bool touched = threads > 1 && length >= 2 * PageTouch.ParallelBytes;
            for (int i = 0; touched && i < length; i++)
            {
                if (i == 0 || ((long)base0 + start + i) % PageTouch.PageBytes == 0)
                {
                    expected[start + i] = 0;
                }
            }

            PageTouch.Prefault(base0 + start, length);
            Assert.True(expected.AsSpan().SequenceEqual(memory), $"{length} bytes at page offset {offset}, {threads} threads: the touched bytes differ from the reference.");
        }
    }
}
