using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>The im2col layout of a convolution: one row per output pixel holding the input values its window
/// covers, in the kernel's (kh, kw, c) order, zeros where the window reaches into padding. A channels-last
/// convolution is then the product <c>patches · kernel</c> with the kernel viewed as a (kh·kw·c) × filters matrix,
/// exactly Keras's kernel layout. <see cref="ScatterAdd{T}"/> is the adjoint (col2im): it adds each patch value
/// back onto the input position it came from.</summary>
internal static unsafe class Im2Col
{
    /// <summary>Writes the patch rows of output pixels [<paramref name="firstPixel"/>,
    /// <paramref name="firstPixel"/> + <paramref name="count"/>), counted over consecutive images starting at
    /// <paramref name="images"/>, into <paramref name="patches"/> (count × PatchSize).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather<T>(in WindowGeometry g, T* images, int firstPixel, int count, T* patches)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, kh = g.WindowHeight, kw = g.WindowWidth, h = g.Height, w = g.Width;
        int rowSpan = kw * c, patch = g.PatchSize;
        bool denseRow = g.DilationWidth == 1;
        int pixels = g.OutputPixels;
        int b = firstPixel / pixels, p = firstPixel % pixels;
        int oh = p / g.OutputWidth, ow = p % g.OutputWidth;
        for (int r = 0; r < count; r++)
        {
            T* image = images + (nint)b * g.InputSize;
            T* dst = patches + (nint)r * patch;
            int ih0 = oh * g.StrideHeight - g.PadTop, iw0 = ow * g.StrideWidth - g.PadLeft;
            bool inside = iw0 >= 0 && iw0 + (kw - 1) * g.DilationWidth < w;
            for (int i = 0; i < kh; i++, dst += rowSpan)
            {
                int ih = ih0 + i * g.DilationHeight;
                if ((uint)ih >= (uint)h)
                {
                    Zero(dst, rowSpan);
                    continue;
                }

                T* src = image + (nint)ih * w * c;
                if (denseRow && inside)
                {
                    // The window's row lies inside the image: kw·c consecutive values.
                    Copy(src + (nint)iw0 * c, dst, rowSpan);
                    continue;
                }

                for (int j = 0; j < kw; j++)
                {
                    int iw = iw0 + j * g.DilationWidth;
                    if ((uint)iw < (uint)w)
                    {
                        Copy(src + (nint)iw * c, dst + j * c, c);
                    }
                    else
                    {
                        Zero(dst + j * c, c);
                    }
                }
            }

            if (++ow == g.OutputWidth)
            {
                ow = 0;
                if (++oh == g.OutputHeight)
                {
                    oh = 0;
                    b++;
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Gather{T}"/>: adds each value of the patch rows onto the input position
    /// it was read from (padding positions are dropped); <paramref name="images"/> accumulates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScatterAdd<T>(in WindowGeometry g, T* patches, int firstPixel, int count, T* images)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.Channels, kh = g.WindowHeight, kw = g.WindowWidth, h = g.Height, w = g.Width;
        int rowSpan = kw * c, patch = g.PatchSize;
        bool denseRow = g.DilationWidth == 1;
        int pixels = g.OutputPixels;
        int b = firstPixel / pixels, p = firstPixel % pixels;
        int oh = p / g.OutputWidth, ow = p % g.OutputWidth;
        for (int r = 0; r < count; r++)
        {
            T* image = images + (nint)b * g.InputSize;
            T* src = patches + (nint)r * patch;
            int ih0 = oh * g.StrideHeight - g.PadTop, iw0 = ow * g.StrideWidth - g.PadLeft;
            bool inside = iw0 >= 0 && iw0 + (kw - 1) * g.DilationWidth < w;
            for (int i = 0; i < kh; i++, src += rowSpan)
            {
                int ih = ih0 + i * g.DilationHeight;
                if ((uint)ih >= (uint)h)
                {
                    continue;
                }

                T* dst = image + (nint)ih * w * c;
                if (denseRow && inside)
                {
                    Add(src, dst + (nint)iw0 * c, rowSpan);
                    continue;
                }

                for (int j = 0; j < kw; j++)
                {
                    int iw = iw0 + j * g.DilationWidth;
                    if ((uint)iw < (uint)w)
                    {
                        Add(src + j * c, dst + (nint)iw * c, c);
                    }
                }
            }

            if (++ow == g.OutputWidth)
            {
                ow = 0;
                if (++oh == g.OutputHeight)
                {
                    oh = 0;
                    b++;
                }
            }
        }
    }

    /// <summary>Copies a short run (a window row is often 3–100 values): whole vectors, then one last vector
    /// ending exactly at the end (overlapping the previous one), so short runs cost two or three moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Copy<T>(T* src, T* dst, int count)
        where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated && count >= Vector512<T>.Count)
        {
            int i = 0;
            for (; i <= count - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                Vector512.Store(Vector512.Load(src + i), dst + i);
            }

            if (i < count)
            {
                Vector512.Store(Vector512.Load(src + count - Vector512<T>.Count), dst + count - Vector512<T>.Count);
            }
        }
        else if (Vector256.IsHardwareAccelerated && count >= Vector256<T>.Count)
        {
            int i = 0;
            for (; i <= count - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256.Store(Vector256.Load(src + i), dst + i);
            }

            if (i < count)
            {
                Vector256.Store(Vector256.Load(src + count - Vector256<T>.Count), dst + count - Vector256<T>.Count);
            }
        }
        else if (Vector128.IsHardwareAccelerated && count >= Vector128<T>.Count)
        {
            int i = 0;
            for (; i <= count - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                Vector128.Store(Vector128.Load(src + i), dst + i);
            }

            if (i < count)
            {
                Vector128.Store(Vector128.Load(src + count - Vector128<T>.Count), dst + count - Vector128<T>.Count);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                dst[i] = src[i];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Zero<T>(T* dst, int count)
        where T : unmanaged
    {
        if (count >= 16)
        {
            new Span<T>(dst, count).Clear();
            return;
        }

        for (int i = 0; i < count; i++)
        {
            dst[i] = default;
        }
    }

    /// <summary><c>dst += src</c> on a short run (no overlapping tail: each element is added once).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add<T>(T* src, T* dst, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                Vector512.Store(Vector512.Load(dst + i) + Vector512.Load(src + i), dst + i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= count - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                Vector128.Store(Vector128.Load(dst + i) + Vector128.Load(src + i), dst + i);
            }
        }

        for (; i < count; i++)
        {
            dst[i] += src[i];
        }
    }
}
