using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Direct (implicit-GEMM) convolution kernels for layers whose kernel is small (LeNet's 5×5×1×6 and
/// 5×5×6×16, a 3×3×1×32 first layer): the patch matrix is never written; a register tile of up to 8 output pixels
/// × 2 vectors of filters broadcasts each input value straight from the (zero-padded) image through a table of tap
/// offsets, <c>x[pixel + offset[k]]</c>, with k = (u, v, c) in the kernel's order. The kernel matrix is a copy
/// whose rows are padded to whole vectors, so loads never need a mask; stores of a last partial vector do. The
/// filter gradient is the same product turned around: a tile of up to 8 taps × 2 filter vectors held in
/// registers while every pixel of an image streams past, with the bias gradient summed in the same sweep.
/// Each output is one k-ordered FMA chain, as in the GEMM; all sums run in a fixed order.</summary>
internal static unsafe class ConvDirect
{
    /// <summary>True when the vector kernels can run (AVX2 and FMA; AVX-512 widens them).</summary>
    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    private static bool Wide => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Filters per register tile (two vectors).</summary>
    public static int TileColumns<T>()
        where T : unmanaged => Wide ? 2 * Vector512<T>.Count : 2 * Vector256<T>.Count;

    /// <summary>Output pixels (forward) or taps (filter gradient) per register tile.</summary>
    public static int TileRows => Wide ? 8 : 6;

    /// <summary>The row stride of the padded kernel copy: filters rounded up to whole vectors.</summary>
    public static int PaddedFilters<T>(int filters)
        where T : unmanaged
    {
        int w = Wide ? Vector512<T>.Count : Vector256<T>.Count;
        return (filters + w - 1) / w * w;
    }

    /// <summary><c>y = f(conv(image, W) + b)</c> for one image, with f applied in registers when
    /// <see cref="AppliesInRegisters{T}"/> says so (otherwise the caller applies it). <paramref name="image"/> is padded
    /// so every window lies inside it (row stride <paramref name="paddedWidth"/>·C); <paramref name="offsets"/> holds
    /// PatchSize tap offsets; <paramref name="kernel"/> is (PatchSize × <paramref name="ldk"/>) with zero columns
    /// past the filters; <paramref name="bias"/> is null or <paramref name="ldk"/> values (zeros past the filters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(in WindowGeometry g, T* image, int paddedWidth, int* offsets, T* kernel, int ldk, T* bias, int filters, T* y,
        GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var f = AppliesInRegisters<T>(activation) ? activation : GemmActivation.None;
        int c = g.Channels, k = g.PatchSize, mr = TileRows, nr = TileColumns<T>();
        int pixels = g.OutputPixels;
        nint rowStride = (nint)g.StrideHeight * paddedWidth * c, pixelStride = (nint)g.StrideWidth * c;

        // Tiles run over consecutive output pixels, across output rows (y is contiguous in that order), so a row
        // width that is not a multiple of the tile wastes nothing.
        T** a = stackalloc T*[8];
        int oh = 0, ow = 0;
        for (int q = 0; q < pixels; q += mr)
        {
            int rows = Math.Min(mr, pixels - q);
            for (int i = 0; i < rows; i++)
            {
                a[i] = image + oh * rowStride + ow * pixelStride;
                if (++ow == g.OutputWidth)
                {
                    ow = 0;
                    oh++;
                }
            }

            for (int i = rows; i < mr; i++)
            {
                a[i] = a[rows - 1];
            }

            T* target = y + (nint)q * filters;
            for (int j = 0; j < filters; j += nr)
            {
                int cols = Math.Min(nr, filters - j);
                if (Wide)
                {
                    ForwardTile512(a, offsets, k, kernel + j, ldk, bias == null ? null : bias + j, target + j, filters, rows, cols, f);
                }
                else
                {
                    ForwardTile256(a, offsets, k, kernel + j, ldk, bias == null ? null : bias + j, target + j, filters, rows, cols, f);
                }
            }
        }
    }

    /// <summary>For one image: <c>kernelGradient (+)= Σ_pixels x[pixel + offset[k]]·dz[pixel, ·]</c> (a PatchSize ×
    /// filters matrix) and, when <paramref name="biasGradient"/> is not null, <c>biasGradient (+)= Σ_pixels dz</c>;
    /// overwritten when <paramref name="overwrite"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient<T>(in WindowGeometry g, T* image, int paddedWidth, int* offsets, T* dz, int filters,
        T* kernelGradient, T* biasGradient, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Taps split into equal tiles (25 → 7, 7, 7, 4 rather than 8, 8, 8, 1: a tile costs the same however few taps it has).
        int k = g.PatchSize, nr = TileColumns<T>();
        int tiles = (k + TileRows - 1) / TileRows, mr = (k + tiles - 1) / tiles;
        for (int j = 0; j < filters; j += nr)
        {
            int cols = Math.Min(nr, filters - j);
            for (int t = 0; t < k; t += mr)
            {
                int taps = Math.Min(mr, k - t);
                T* bias = t == 0 && biasGradient != null ? biasGradient + j : null;
                if (Wide)
                {
                    GradientTile512(g, image, paddedWidth, offsets + t, taps, dz + j, filters, kernelGradient + (nint)t * filters + j, bias, cols, overwrite);
                }
                else
                {
                    GradientTile256(g, image, paddedWidth, offsets + t, taps, dz + j, filters, kernelGradient + (nint)t * filters + j, bias, cols, overwrite);
                }
            }
        }
    }

    /// <summary>Whether <see cref="Forward{T}"/> applies <paramref name="activation"/> itself: relu always, sigmoid
    /// in float (<see cref="VectorSigmoid"/>, the same bits at every vector width).</summary>
    public static bool AppliesInRegisters<T>(GemmActivation activation)
        where T : unmanaged =>
        activation == GemmActivation.None || activation == GemmActivation.Relu || (activation == GemmActivation.Sigmoid && typeof(T) == typeof(float));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Activate<T>(Vector512<T> v, GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T> => activation switch
        {
            GemmActivation.Relu => Vector512.Max(v, Vector512<T>.Zero),
            GemmActivation.Sigmoid => VectorSigmoid.Sigmoid(v.AsSingle()).As<float, T>(),
            _ => v,
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Activate<T>(Vector256<T> v, GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T> => activation switch
        {
            GemmActivation.Relu => Vector256.Max(v, Vector256<T>.Zero),
            GemmActivation.Sigmoid => VectorSigmoid.Sigmoid(v.AsSingle()).As<float, T>(),
            _ => v,
        };

    /// <summary>Up to 8 pixels (window origins <paramref name="pixels"/>[i]) × two 512-bit vectors of filters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile512<T>(T** pixels, int* offsets, int k, T* kernel, nint ldk, T* bias, T* y, nint ldy, int rows, int cols,
        GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        bool second = cols > w;
        Vector512<T> init0 = bias == null ? Vector512<T>.Zero : Vector512.Load(bias);
        Vector512<T> init1 = bias == null || !second ? Vector512<T>.Zero : Vector512.Load(bias + w);
        Vector512<T> c00 = init0, c01 = init1, c10 = init0, c11 = init1, c20 = init0, c21 = init1, c30 = init0, c31 = init1;
        Vector512<T> c40 = init0, c41 = init1, c50 = init0, c51 = init1, c60 = init0, c61 = init1, c70 = init0, c71 = init1;
        T* a = pixels[0], a1 = pixels[1], a2 = pixels[2], a3 = pixels[3], a4 = pixels[4], a5 = pixels[5], a6 = pixels[6], a7 = pixels[7];
        if (second)
        {
            for (int p = 0; p < k; p++)
            {
                nint o = offsets[p];
                Vector512<T> b0 = Vector512.Load(kernel), b1 = Vector512.Load(kernel + w);
                Vector512<T> x = Vector512.Create(a[o]);
                c00 = GemmSimd.MultiplyAdd(x, b0, c00);
                c01 = GemmSimd.MultiplyAdd(x, b1, c01);
                x = Vector512.Create(a1[o]);
                c10 = GemmSimd.MultiplyAdd(x, b0, c10);
                c11 = GemmSimd.MultiplyAdd(x, b1, c11);
                x = Vector512.Create(a2[o]);
                c20 = GemmSimd.MultiplyAdd(x, b0, c20);
                c21 = GemmSimd.MultiplyAdd(x, b1, c21);
                x = Vector512.Create(a3[o]);
                c30 = GemmSimd.MultiplyAdd(x, b0, c30);
                c31 = GemmSimd.MultiplyAdd(x, b1, c31);
                x = Vector512.Create(a4[o]);
                c40 = GemmSimd.MultiplyAdd(x, b0, c40);
                c41 = GemmSimd.MultiplyAdd(x, b1, c41);
                x = Vector512.Create(a5[o]);
                c50 = GemmSimd.MultiplyAdd(x, b0, c50);
                c51 = GemmSimd.MultiplyAdd(x, b1, c51);
                x = Vector512.Create(a6[o]);
                c60 = GemmSimd.MultiplyAdd(x, b0, c60);
                c61 = GemmSimd.MultiplyAdd(x, b1, c61);
                x = Vector512.Create(a7[o]);
                c70 = GemmSimd.MultiplyAdd(x, b0, c70);
                c71 = GemmSimd.MultiplyAdd(x, b1, c71);
                kernel += ldk;
            }
        }
        else
        {
            for (int p = 0; p < k; p++)
            {
                nint o = offsets[p];
                Vector512<T> b0 = Vector512.Load(kernel);
                c00 = GemmSimd.MultiplyAdd(Vector512.Create(a[o]), b0, c00);
                c10 = GemmSimd.MultiplyAdd(Vector512.Create(a1[o]), b0, c10);
                c20 = GemmSimd.MultiplyAdd(Vector512.Create(a2[o]), b0, c20);
                c30 = GemmSimd.MultiplyAdd(Vector512.Create(a3[o]), b0, c30);
                c40 = GemmSimd.MultiplyAdd(Vector512.Create(a4[o]), b0, c40);
                c50 = GemmSimd.MultiplyAdd(Vector512.Create(a5[o]), b0, c50);
                c60 = GemmSimd.MultiplyAdd(Vector512.Create(a6[o]), b0, c60);
                c70 = GemmSimd.MultiplyAdd(Vector512.Create(a7[o]), b0, c70);
                kernel += ldk;
            }
        }

        Vector512<T> one = Vector512<T>.One, zero = Vector512<T>.Zero;
        GemmSimd.StoreRow(y, Activate(c00, activation), (second ? Activate(c01, activation) : c01), one, zero, true, cols);
        if (rows > 1)
        {
            GemmSimd.StoreRow(y + ldy, Activate(c10, activation), (second ? Activate(c11, activation) : c11), one, zero, true, cols);
        }

        if (rows > 2)
        {
            GemmSimd.StoreRow(y + 2 * ldy, Activate(c20, activation), (second ? Activate(c21, activation) : c21), one, zero, true, cols);
        }

        if (rows > 3)
        {
            GemmSimd.StoreRow(y + 3 * ldy, Activate(c30, activation), (second ? Activate(c31, activation) : c31), one, zero, true, cols);
        }

        if (rows > 4)
        {
            GemmSimd.StoreRow(y + 4 * ldy, Activate(c40, activation), (second ? Activate(c41, activation) : c41), one, zero, true, cols);
        }

        if (rows > 5)
        {
            GemmSimd.StoreRow(y + 5 * ldy, Activate(c50, activation), (second ? Activate(c51, activation) : c51), one, zero, true, cols);
        }

        if (rows > 6)
        {
            GemmSimd.StoreRow(y + 6 * ldy, Activate(c60, activation), (second ? Activate(c61, activation) : c61), one, zero, true, cols);
        }

        if (rows > 7)
        {
            GemmSimd.StoreRow(y + 7 * ldy, Activate(c70, activation), (second ? Activate(c71, activation) : c71), one, zero, true, cols);
        }
    }

    /// <summary>Up to 6 pixels (window origins <paramref name="pixels"/>[i]) × two 256-bit vectors of filters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile256<T>(T** pixels, int* offsets, int k, T* kernel, nint ldk, T* bias, T* y, nint ldy, int rows, int cols,
        GemmActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        bool second = cols > w;
        Vector256<T> init0 = bias == null ? Vector256<T>.Zero : Vector256.Load(bias);
        Vector256<T> init1 = bias == null || !second ? Vector256<T>.Zero : Vector256.Load(bias + w);
        Vector256<T> c00 = init0, c01 = init1, c10 = init0, c11 = init1, c20 = init0, c21 = init1;
        Vector256<T> c30 = init0, c31 = init1, c40 = init0, c41 = init1, c50 = init0, c51 = init1;
        T* a = pixels[0], a1 = pixels[1], a2 = pixels[2], a3 = pixels[3], a4 = pixels[4], a5 = pixels[5];
        for (int p = 0; p < k; p++)
        {
            nint o = offsets[p];
            Vector256<T> b0 = Vector256.Load(kernel), b1 = second ? Vector256.Load(kernel + w) : default;
            Vector256<T> x = Vector256.Create(a[o]);
            c00 = GemmSimd.MultiplyAdd(x, b0, c00);
            c01 = GemmSimd.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[o]);
            c10 = GemmSimd.MultiplyAdd(x, b0, c10);
            c11 = GemmSimd.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[o]);
            c20 = GemmSimd.MultiplyAdd(x, b0, c20);
            c21 = GemmSimd.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[o]);
            c30 = GemmSimd.MultiplyAdd(x, b0, c30);
            c31 = GemmSimd.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[o]);
            c40 = GemmSimd.MultiplyAdd(x, b0, c40);
            c41 = GemmSimd.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[o]);
            c50 = GemmSimd.MultiplyAdd(x, b0, c50);
            c51 = GemmSimd.MultiplyAdd(x, b1, c51);
            kernel += ldk;
        }

        Vector256<T> one = Vector256<T>.One, zero = Vector256<T>.Zero;
        GemmSimd.StoreRow(y, Activate(c00, activation), (second ? Activate(c01, activation) : c01), one, zero, true, cols);
        if (rows > 1)
        {
            GemmSimd.StoreRow(y + ldy, Activate(c10, activation), (second ? Activate(c11, activation) : c11), one, zero, true, cols);
        }

        if (rows > 2)
        {
            GemmSimd.StoreRow(y + 2 * ldy, Activate(c20, activation), (second ? Activate(c21, activation) : c21), one, zero, true, cols);
        }

        if (rows > 3)
        {
            GemmSimd.StoreRow(y + 3 * ldy, Activate(c30, activation), (second ? Activate(c31, activation) : c31), one, zero, true, cols);
        }

        if (rows > 4)
        {
            GemmSimd.StoreRow(y + 4 * ldy, Activate(c40, activation), (second ? Activate(c41, activation) : c41), one, zero, true, cols);
        }

        if (rows > 5)
        {
            GemmSimd.StoreRow(y + 5 * ldy, Activate(c50, activation), (second ? Activate(c51, activation) : c51), one, zero, true, cols);
        }
    }

    /// <summary>Up to 8 taps × two 512-bit vectors of filters, summed over every pixel of the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientTile512<T>(in WindowGeometry g, T* image, int paddedWidth, int* offsets, int taps, T* dz, nint ldz,
        T* kernelGradient, T* biasGradient, int cols, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        bool second = cols > w;
        Vector512<T> mask0 = Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(cols)));
        Vector512<T> mask1 = Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(cols - w)));
        bool full0 = cols >= w, full1 = cols >= 2 * w;
        nint o0 = offsets[0], o1 = offsets[Math.Min(1, taps - 1)], o2 = offsets[Math.Min(2, taps - 1)], o3 = offsets[Math.Min(3, taps - 1)];
        nint o4 = offsets[Math.Min(4, taps - 1)], o5 = offsets[Math.Min(5, taps - 1)], o6 = offsets[Math.Min(6, taps - 1)], o7 = offsets[Math.Min(7, taps - 1)];
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<T> s0 = default, s1 = default;
        bool withBias = biasGradient != null;
        nint pixelStride = (nint)g.StrideWidth * g.Channels;
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            T* a = image + (nint)oh * g.StrideHeight * paddedWidth * g.Channels;
            for (int ow = 0; ow < g.OutputWidth; ow++, a += pixelStride, dz += ldz)
            {
                Vector512<T> d0 = full0 ? Vector512.Load(dz) : MaskLoad(dz, mask0);
                Vector512<T> x = Vector512.Create(a[o0]);
                c00 = GemmSimd.MultiplyAdd(x, d0, c00);
                x = Vector512.Create(a[o1]);
                c10 = GemmSimd.MultiplyAdd(x, d0, c10);
                x = Vector512.Create(a[o2]);
                c20 = GemmSimd.MultiplyAdd(x, d0, c20);
                x = Vector512.Create(a[o3]);
                c30 = GemmSimd.MultiplyAdd(x, d0, c30);
                x = Vector512.Create(a[o4]);
                c40 = GemmSimd.MultiplyAdd(x, d0, c40);
                x = Vector512.Create(a[o5]);
                c50 = GemmSimd.MultiplyAdd(x, d0, c50);
                x = Vector512.Create(a[o6]);
                c60 = GemmSimd.MultiplyAdd(x, d0, c60);
                x = Vector512.Create(a[o7]);
                c70 = GemmSimd.MultiplyAdd(x, d0, c70);
                if (withBias)
                {
                    s0 += d0;
                }

                if (second)
                {
                    Vector512<T> d1 = full1 ? Vector512.Load(dz + w) : MaskLoad(dz + w, mask1);
                    c01 = GemmSimd.MultiplyAdd(Vector512.Create(a[o0]), d1, c01);
                    c11 = GemmSimd.MultiplyAdd(Vector512.Create(a[o1]), d1, c11);
                    c21 = GemmSimd.MultiplyAdd(Vector512.Create(a[o2]), d1, c21);
                    c31 = GemmSimd.MultiplyAdd(Vector512.Create(a[o3]), d1, c31);
                    c41 = GemmSimd.MultiplyAdd(Vector512.Create(a[o4]), d1, c41);
                    c51 = GemmSimd.MultiplyAdd(Vector512.Create(a[o5]), d1, c51);
                    c61 = GemmSimd.MultiplyAdd(Vector512.Create(a[o6]), d1, c61);
                    c71 = GemmSimd.MultiplyAdd(Vector512.Create(a[o7]), d1, c71);
                    if (withBias)
                    {
                        s1 += d1;
                    }
                }
            }
        }

        Vector512<T> one = Vector512<T>.One, beta = overwrite ? Vector512<T>.Zero : Vector512<T>.One;
        nint ld = ldz;
        GemmSimd.StoreRow(kernelGradient, c00, c01, one, beta, overwrite, cols);
        if (taps > 1)
        {
            GemmSimd.StoreRow(kernelGradient + ld, c10, c11, one, beta, overwrite, cols);
        }

        if (taps > 2)
        {
            GemmSimd.StoreRow(kernelGradient + 2 * ld, c20, c21, one, beta, overwrite, cols);
        }

        if (taps > 3)
        {
            GemmSimd.StoreRow(kernelGradient + 3 * ld, c30, c31, one, beta, overwrite, cols);
        }

        if (taps > 4)
        {
            GemmSimd.StoreRow(kernelGradient + 4 * ld, c40, c41, one, beta, overwrite, cols);
        }

        if (taps > 5)
        {
            GemmSimd.StoreRow(kernelGradient + 5 * ld, c50, c51, one, beta, overwrite, cols);
        }

        if (taps > 6)
        {
            GemmSimd.StoreRow(kernelGradient + 6 * ld, c60, c61, one, beta, overwrite, cols);
        }

        if (taps > 7)
        {
            GemmSimd.StoreRow(kernelGradient + 7 * ld, c70, c71, one, beta, overwrite, cols);
        }

        if (withBias)
        {
            GemmSimd.StoreRow(biasGradient, s0, s1, one, beta, overwrite, cols);
        }
    }

    /// <summary>Up to 6 taps × two 256-bit vectors of filters (the bias sum in its own pass: too few registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientTile256<T>(in WindowGeometry g, T* image, int paddedWidth, int* offsets, int taps, T* dz, nint ldz,
        T* kernelGradient, T* biasGradient, int cols, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        bool second = cols > w;
        Vector256<T> mask0 = Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(cols)));
        Vector256<T> mask1 = Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(cols - w)));
        bool full0 = cols >= w, full1 = cols >= 2 * w;
        nint o0 = offsets[0], o1 = offsets[Math.Min(1, taps - 1)], o2 = offsets[Math.Min(2, taps - 1)];
        nint o3 = offsets[Math.Min(3, taps - 1)], o4 = offsets[Math.Min(4, taps - 1)], o5 = offsets[Math.Min(5, taps - 1)];
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint pixelStride = (nint)g.StrideWidth * g.Channels;
        T* dz0 = dz;
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            T* a = image + (nint)oh * g.StrideHeight * paddedWidth * g.Channels;
            for (int ow = 0; ow < g.OutputWidth; ow++, a += pixelStride, dz += ldz)
            {
                Vector256<T> d0 = full0 ? Vector256.Load(dz) : MaskLoad(dz, mask0);
                Vector256<T> d1 = !second ? default : full1 ? Vector256.Load(dz + w) : MaskLoad(dz + w, mask1);
                Vector256<T> x = Vector256.Create(a[o0]);
                c00 = GemmSimd.MultiplyAdd(x, d0, c00);
                c01 = GemmSimd.MultiplyAdd(x, d1, c01);
                x = Vector256.Create(a[o1]);
                c10 = GemmSimd.MultiplyAdd(x, d0, c10);
                c11 = GemmSimd.MultiplyAdd(x, d1, c11);
                x = Vector256.Create(a[o2]);
                c20 = GemmSimd.MultiplyAdd(x, d0, c20);
                c21 = GemmSimd.MultiplyAdd(x, d1, c21);
                x = Vector256.Create(a[o3]);
                c30 = GemmSimd.MultiplyAdd(x, d0, c30);
                c31 = GemmSimd.MultiplyAdd(x, d1, c31);
                x = Vector256.Create(a[o4]);
                c40 = GemmSimd.MultiplyAdd(x, d0, c40);
                c41 = GemmSimd.MultiplyAdd(x, d1, c41);
                x = Vector256.Create(a[o5]);
                c50 = GemmSimd.MultiplyAdd(x, d0, c50);
                c51 = GemmSimd.MultiplyAdd(x, d1, c51);
            }
        }

        Vector256<T> one = Vector256<T>.One, beta = overwrite ? Vector256<T>.Zero : Vector256<T>.One;
        nint ld = ldz;
        GemmSimd.StoreRow(kernelGradient, c00, c01, one, beta, overwrite, cols);
        if (taps > 1)
        {
            GemmSimd.StoreRow(kernelGradient + ld, c10, c11, one, beta, overwrite, cols);
        }

        if (taps > 2)
        {
            GemmSimd.StoreRow(kernelGradient + 2 * ld, c20, c21, one, beta, overwrite, cols);
        }

        if (taps > 3)
        {
            GemmSimd.StoreRow(kernelGradient + 3 * ld, c30, c31, one, beta, overwrite, cols);
        }

        if (taps > 4)
        {
            GemmSimd.StoreRow(kernelGradient + 4 * ld, c40, c41, one, beta, overwrite, cols);
        }

        if (taps > 5)
        {
            GemmSimd.StoreRow(kernelGradient + 5 * ld, c50, c51, one, beta, overwrite, cols);
        }

        if (biasGradient != null)
        {
            // Σ_pixels dz in pixel order, one vector pair at a time.
            Vector256<T> s0 = default, s1 = default;
            int pixels = g.OutputPixels;
            for (int p = 0; p < pixels; p++, dz0 += ldz)
            {
                s0 += full0 ? Vector256.Load(dz0) : MaskLoad(dz0, mask0);
                if (second)
                {
                    s1 += full1 ? Vector256.Load(dz0 + w) : MaskLoad(dz0 + w, mask1);
                }
            }

            GemmSimd.StoreRow(biasGradient, s0, s1, one, beta, overwrite, cols);
        }
    }

    /// <summary>Filters per 512-bit float vector when a tile packs several pixels into one vector ("grouped"): with
    /// few filters (LeNet's 6) one pixel per vector would leave most lanes idle, so G = ⌊16/filters⌋ consecutive
    /// pixels share a vector, lane l holding pixel l / filters and filter l mod filters. Their inputs for one tap
    /// lie within one 16-value load from the image (pixel i at i·stride·C), spread to the lanes by one permute.</summary>
    public static int GroupSize<T>(in WindowGeometry g, int filters)
        where T : unmanaged
    {
        if (typeof(T) != typeof(float) || !Wide || filters > 8)
        {
            return 1;
        }

        int group = 16 / filters;
        int pixelStride = g.StrideWidth * g.Channels;
        while (group > 1 && (group - 1) * pixelStride > 15)
        {
            group--;
        }

        return group;
    }

    /// <summary>The grouped form of <see cref="Forward{T}"/> (float, AVX-512, G = <see cref="GroupSize{T}"/> ≥ 2). The
    /// image must have 16 readable values past its end; <paramref name="kernel"/> is (PatchSize × 16) with row k
    /// holding W[k, l mod filters] in lanes l &lt; G·filters and zeros after; <paramref name="bias"/> likewise
    /// (or null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardGrouped(in WindowGeometry g, float* image, int paddedWidth, int* offsets, float* kernel, float* bias, int filters,
        int group, float* y, GemmActivation activation)
    {
        var f = AppliesInRegisters<float>(activation) ? activation : GemmActivation.None;
        int c = g.Channels, k = g.PatchSize, mr = TileRows;
        nint rowStride = (nint)g.StrideHeight * paddedWidth * c, pixelStride = (nint)g.StrideWidth * c;
        var spread = GroupIndices(filters, group, (int)pixelStride);
        int span = (group - 1) * (int)pixelStride + 1;
        float** a = stackalloc float*[8];
        float** target = stackalloc float*[8];
        int* lanes = stackalloc int[8];
        int rows = 0;
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            for (int ow = 0; ow < g.OutputWidth; ow += group)
            {
                a[rows] = image + oh * rowStride + ow * pixelStride;
                target[rows] = y + ((nint)oh * g.OutputWidth + ow) * filters;
                lanes[rows] = Math.Min(group, g.OutputWidth - ow) * filters;
                if (++rows == mr)
                {
                    ForwardGroupTile(a, target, lanes, rows, offsets, k, kernel, bias, spread, f, span);
                    rows = 0;
                }
            }
        }

        if (rows > 0)
        {
            for (int i = rows; i < mr; i++)
            {
                a[i] = a[rows - 1];
            }

            ForwardGroupTile(a, target, lanes, rows, offsets, k, kernel, bias, spread, f, span);
        }
    }

    /// <summary>The grouped form of <see cref="WeightGradient{T}"/>: per tap, the G partial sums in a vector's
    /// lane groups are added (in order) at the end of the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientGrouped(in WindowGeometry g, float* image, int paddedWidth, int* offsets, float* dz, int filters, int group,
        float* kernelGradient, float* biasGradient, bool overwrite)
    {
        int k = g.PatchSize;
        int tiles = (k + TileRows - 1) / TileRows, mr = (k + tiles - 1) / tiles;
        for (int t = 0; t < k; t += mr)
        {
            int taps = Math.Min(mr, k - t);
            GradientGroupTile(g, image, paddedWidth, offsets + t, taps, dz, filters, group,
                kernelGradient + (nint)t * filters, t == 0 ? biasGradient : null, overwrite);
        }
    }

    /// <summary>How many values a grouped tap load reads: the group's inputs span (G − 1)·stride·C + 1 values, and a
    /// narrower load than 64 bytes rarely straddles a cache line (a 64-byte load at a random offset nearly always
    /// does, and then costs two).</summary>
    private interface IGroupLoad
    {
        static abstract Vector512<float> Load(float* p);
    }

    private struct Load2 : IGroupLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* p) => Vector128.CreateScalar(*(double*)p).AsSingle().ToVector256Unsafe().ToVector512Unsafe();
    }

    private struct Load4 : IGroupLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* p) => Vector128.Load(p).ToVector256Unsafe().ToVector512Unsafe();
    }

    private struct Load8 : IGroupLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* p) => Vector256.Load(p).ToVector512Unsafe();
    }

    private struct Load16 : IGroupLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* p) => Vector512.Load(p);
    }

    /// <summary>Lane l reads value (l / filters)·pixelStride of the load (lanes past the group read value 0).</summary>
    private static Vector512<int> GroupIndices(int filters, int group, int pixelStride)
    {
        Span<int> indices = stackalloc int[16];
        for (int l = 0; l < 16; l++)
        {
            indices[l] = l < group * filters ? l / filters * pixelStride : 0;
        }

        return Vector512.Create((ReadOnlySpan<int>)indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LaneMask(int lanes) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(lanes)).AsSingle();

    private static void ForwardGroupTile(float** pixels, float** target, int* lanes, int rows, int* offsets, int k, float* kernel, float* bias,
        Vector512<int> spread, GemmActivation activation, int span)
    {
        switch (span)
        {
            case <= 2: ForwardGroupTile<Load2>(pixels, target, lanes, rows, offsets, k, kernel, bias, spread, activation); break;
            case <= 4: ForwardGroupTile<Load4>(pixels, target, lanes, rows, offsets, k, kernel, bias, spread, activation); break;
            case <= 8: ForwardGroupTile<Load8>(pixels, target, lanes, rows, offsets, k, kernel, bias, spread, activation); break;
            default: ForwardGroupTile<Load16>(pixels, target, lanes, rows, offsets, k, kernel, bias, spread, activation); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardGroupTile<TLoad>(float** pixels, float** target, int* lanes, int rows, int* offsets, int k, float* kernel, float* bias,
        Vector512<int> spread, GemmActivation activation)
        where TLoad : struct, IGroupLoad
    {
        Vector512<float> init = bias == null ? Vector512<float>.Zero : Vector512.Load(bias);
        Vector512<float> c0 = init, c1 = init, c2 = init, c3 = init, c4 = init, c5 = init, c6 = init, c7 = init;
        float* a0 = pixels[0], a1 = pixels[1], a2 = pixels[2], a3 = pixels[3], a4 = pixels[4], a5 = pixels[5], a6 = pixels[6], a7 = pixels[7];
        for (int p = 0; p < k; p++)
        {
            nint o = offsets[p];
            Vector512<float> w = Vector512.Load(kernel);
            c0 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a0 + o), spread), w, c0);
            c1 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a1 + o), spread), w, c1);
            c2 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a2 + o), spread), w, c2);
            c3 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a3 + o), spread), w, c3);
            c4 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a4 + o), spread), w, c4);
            c5 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a5 + o), spread), w, c5);
            c6 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a6 + o), spread), w, c6);
            c7 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a7 + o), spread), w, c7);
            kernel += 16;
        }

        Avx512F.MaskStore(target[0], LaneMask(lanes[0]), Activate(c0, activation));
        if (rows > 1)
        {
            Avx512F.MaskStore(target[1], LaneMask(lanes[1]), Activate(c1, activation));
        }

        if (rows > 2)
        {
            Avx512F.MaskStore(target[2], LaneMask(lanes[2]), Activate(c2, activation));
        }

        if (rows > 3)
        {
            Avx512F.MaskStore(target[3], LaneMask(lanes[3]), Activate(c3, activation));
        }

        if (rows > 4)
        {
            Avx512F.MaskStore(target[4], LaneMask(lanes[4]), Activate(c4, activation));
        }

        if (rows > 5)
        {
            Avx512F.MaskStore(target[5], LaneMask(lanes[5]), Activate(c5, activation));
        }

        if (rows > 6)
        {
            Avx512F.MaskStore(target[6], LaneMask(lanes[6]), Activate(c6, activation));
        }

        if (rows > 7)
        {
            Avx512F.MaskStore(target[7], LaneMask(lanes[7]), Activate(c7, activation));
        }
    }

    private static void GradientGroupTile(in WindowGeometry g, float* image, int paddedWidth, int* offsets, int taps, float* dz, int filters, int group,
        float* kernelGradient, float* biasGradient, bool overwrite)
    {
        switch ((group - 1) * g.StrideWidth * g.Channels + 1)
        {
            case <= 2: GradientGroupTile<Load2>(g, image, paddedWidth, offsets, taps, dz, filters, group, kernelGradient, biasGradient, overwrite); break;
            case <= 4: GradientGroupTile<Load4>(g, image, paddedWidth, offsets, taps, dz, filters, group, kernelGradient, biasGradient, overwrite); break;
            case <= 8: GradientGroupTile<Load8>(g, image, paddedWidth, offsets, taps, dz, filters, group, kernelGradient, biasGradient, overwrite); break;
            default: GradientGroupTile<Load16>(g, image, paddedWidth, offsets, taps, dz, filters, group, kernelGradient, biasGradient, overwrite); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientGroupTile<TLoad>(in WindowGeometry g, float* image, int paddedWidth, int* offsets, int taps, float* dz, int filters, int group,
        float* kernelGradient, float* biasGradient, bool overwrite)
        where TLoad : struct, IGroupLoad
    {
        nint pixelStride = (nint)g.StrideWidth * g.Channels;
        var spread = GroupIndices(filters, group, (int)pixelStride);
        nint o0 = offsets[0], o1 = offsets[Math.Min(1, taps - 1)], o2 = offsets[Math.Min(2, taps - 1)], o3 = offsets[Math.Min(3, taps - 1)];
        nint o4 = offsets[Math.Min(4, taps - 1)], o5 = offsets[Math.Min(5, taps - 1)], o6 = offsets[Math.Min(6, taps - 1)], o7 = offsets[Math.Min(7, taps - 1)];
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default, s = default;
        bool withBias = biasGradient != null;
        int full = group * filters;
        var fullMask = LaneMask(full);
        for (int oh = 0; oh < g.OutputHeight; oh++)
        {
            float* a = image + (nint)oh * g.StrideHeight * paddedWidth * g.Channels;
            for (int ow = 0; ow < g.OutputWidth; ow += group, a += group * pixelStride)
            {
                int count = Math.Min(group, g.OutputWidth - ow);
                Vector512<float> d = Avx512F.MaskLoad(dz, count == group ? fullMask : LaneMask(count * filters), Vector512<float>.Zero);
                dz += count * filters;
                c0 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o0), spread), d, c0);
                c1 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o1), spread), d, c1);
                c2 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o2), spread), d, c2);
                c3 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o3), spread), d, c3);
                c4 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o4), spread), d, c4);
                c5 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o5), spread), d, c5);
                c6 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o6), spread), d, c6);
                c7 = Avx512F.FusedMultiplyAdd(Avx512F.PermuteVar16x32(TLoad.Load(a + o7), spread), d, c7);
                if (withBias)
                {
                    s += d;
                }
            }
        }

        // Each tap's G partial sums (lane groups) added in order into its row of the gradient.
        float* lanes = stackalloc float[16];
        Fold(c0, lanes, kernelGradient, filters, group, overwrite);
        if (taps > 1)
        {
            Fold(c1, lanes, kernelGradient + filters, filters, group, overwrite);
        }

        if (taps > 2)
        {
            Fold(c2, lanes, kernelGradient + 2 * filters, filters, group, overwrite);
        }

        if (taps > 3)
        {
            Fold(c3, lanes, kernelGradient + 3 * filters, filters, group, overwrite);
        }

        if (taps > 4)
        {
            Fold(c4, lanes, kernelGradient + 4 * filters, filters, group, overwrite);
        }

        if (taps > 5)
        {
            Fold(c5, lanes, kernelGradient + 5 * filters, filters, group, overwrite);
        }

        if (taps > 6)
        {
            Fold(c6, lanes, kernelGradient + 6 * filters, filters, group, overwrite);
        }

        if (taps > 7)
        {
            Fold(c7, lanes, kernelGradient + 7 * filters, filters, group, overwrite);
        }

        if (withBias)
        {
            Fold(s, lanes, biasGradient, filters, group, overwrite);
        }
    }

    /// <summary>row[f] (+)= Σ_{i &lt; group} v[i·filters + f], summed in lane-group order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(Vector512<float> v, float* lanes, float* row, int filters, int group, bool overwrite)
    {
        Vector512.Store(v, lanes);
        for (int f = 0; f < filters; f++)
        {
            float sum = lanes[f];
            for (int i = 1; i < group; i++)
            {
                sum += lanes[i * filters + f];
            }

            row[f] = overwrite ? sum : row[f] + sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MaskLoad<T>(T* p, Vector512<T> mask)
        where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>()
            : Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MaskLoad<T>(T* p, Vector256<T> mask)
        where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Avx.MaskLoad((float*)p, mask.AsSingle()).As<float, T>()
            : Avx.MaskLoad((double*)p, mask.AsDouble()).As<double, T>();
}
