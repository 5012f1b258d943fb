using System.Globalization;

namespace Backprop.Kernels;

/// <summary>Where a sliding window (a convolution kernel or a pooling window) lands on a channels-last image
/// (height, width, channels): output pixel (oh, ow) reads input rows <c>oh·StrideHeight − PadTop + i·DilationHeight</c>
/// for i in [0, WindowHeight), and columns likewise; positions outside the image are padding. TensorFlow's and
/// Keras's rules: "valid" pads nothing and keeps the windows that fit, <c>out = ⌊(in − span)/stride⌋ + 1</c>
/// with <c>span = (window − 1)·dilation + 1</c>; "same" gives <c>out = ⌈in/stride⌉</c> and pads
/// <c>max((out − 1)·stride + span − in, 0)</c> cells, the odd one at the bottom/right (PyTorch's <c>padding</c>
/// is symmetric, so its "same" differs when that total is odd).</summary>
public readonly record struct WindowGeometry
{
    /// <summary>Input height, width and channels (per image).</summary>
    public int Height { get; init; }

    /// <summary>Input width (per image).</summary>
    public int Width { get; init; }

    /// <summary>Input channels (per image).</summary>
    public int Channels { get; init; }

    /// <summary>Rows of the window (the kernel or pooling height).</summary>
    public int WindowHeight { get; init; }

    /// <summary>Columns of the window.</summary>
    public int WindowWidth { get; init; }

    /// <summary>Rows between vertically adjacent window positions.</summary>
    public int StrideHeight { get; init; }

    /// <summary>Columns between horizontally adjacent window positions.</summary>
    public int StrideWidth { get; init; }

    /// <summary>Rows between vertically adjacent window taps (1: contiguous).</summary>
    public int DilationHeight { get; init; }

    /// <summary>Columns between horizontally adjacent window taps (1: contiguous).</summary>
    public int DilationWidth { get; init; }

    /// <summary>Padding rows above the image (the rest of the padding is below).</summary>
    public int PadTop { get; init; }

    /// <summary>Padding columns left of the image.</summary>
    public int PadLeft { get; init; }

    /// <summary>Rows of the output.</summary>
    public int OutputHeight { get; init; }

    /// <summary>Columns of the output.</summary>
    public int OutputWidth { get; init; }

    /// <summary>Output pixels per image.</summary>
    public int OutputPixels => OutputHeight * OutputWidth;

    /// <summary>Input values per image (H·W·C).</summary>
    public int InputSize => Height * Width * Channels;

    /// <summary>Values one window covers (kh·kw·C): the length of an im2col row.</summary>
    public int PatchSize => WindowHeight * WindowWidth * Channels;

    /// <summary>True when no window reaches into padding and every window lies inside the image.</summary>
    public bool IsUnpadded => PadTop == 0 && PadLeft == 0
        && (OutputHeight - 1) * StrideHeight + (WindowHeight - 1) * DilationHeight < Height
        && (OutputWidth - 1) * StrideWidth + (WindowWidth - 1) * DilationWidth < Width;

    /// <summary>The geometry for an input of (height, width, channels) under Keras's rules; throws
    /// <see cref="ArgumentException"/> when a "valid" window does not fit (<paramref name="what"/> names the caller in
    /// the message) or an argument is not positive.</summary>
    public static WindowGeometry Create(int height, int width, int channels, int windowHeight, int windowWidth,
        int strideHeight, int strideWidth, int dilationHeight, int dilationWidth, bool samePadding, string what = "window")
    {
        if (height <= 0 || width <= 0 || channels <= 0)
        {
            throw new ShapeMismatchException($"{what}: the input must have positive height, width and channels; got ({height}, {width}, {channels}).");
        }

        if (windowHeight <= 0 || windowWidth <= 0 || strideHeight <= 0 || strideWidth <= 0 || dilationHeight <= 0 || dilationWidth <= 0)
        {
            throw new ArgumentException($"{what}: window, strides and dilation must be positive; got window {windowHeight}×{windowWidth}, strides {strideHeight}×{strideWidth}, dilation {dilationHeight}×{dilationWidth}.");
        }

        int spanHeight = (windowHeight - 1) * dilationHeight + 1;
        int spanWidth = (windowWidth - 1) * dilationWidth + 1;
        int outHeight, outWidth, padTop, padLeft;
        if (samePadding)
        {
            outHeight = (height + strideHeight - 1) / strideHeight;
            outWidth = (width + strideWidth - 1) / strideWidth;
            padTop = Math.Max((outHeight - 1) * strideHeight + spanHeight - height, 0) / 2;
            padLeft = Math.Max((outWidth - 1) * strideWidth + spanWidth - width, 0) / 2;
        }
        else
        {
            if (spanHeight > height || spanWidth > width)
            {
                string dilated = dilationHeight == 1 && dilationWidth == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" (dilated to {spanHeight}×{spanWidth})");
                throw new ShapeMismatchException(
                    $"{what}: the {windowHeight}×{windowWidth} window{dilated} is larger than the {height}×{width} input with padding \"valid\"; use a smaller window, padding \"same\", or a larger input.");
            }

            outHeight = (height - spanHeight) / strideHeight + 1;
            outWidth = (width - spanWidth) / strideWidth + 1;
            padTop = 0;
            padLeft = 0;
        }

        return new WindowGeometry
        {
            Height = height,
            Width = width,
            Channels = channels,
            WindowHeight = windowHeight,
            WindowWidth = windowWidth,
            StrideHeight = strideHeight,
            StrideWidth = strideWidth,
            DilationHeight = dilationHeight,
            DilationWidth = dilationWidth,
            PadTop = padTop,
            PadLeft = padLeft,
            OutputHeight = outHeight,
            OutputWidth = outWidth,
        };
    }
}
