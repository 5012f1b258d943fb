using System.Numerics;

namespace Backprop.Data;

/// <summary>Image preprocessing.</summary>
public static class Images
{
    /// <summary>Scales 8-bit pixels into [0, 1] as float32, <c>x.astype("float32") / 255</c> in numpy (each value
    /// correctly rounded); with <paramref name="flatten"/> each image becomes one row, (n, 28, 28) → (n, 784),
    /// as <c>x.reshape(len(x), -1)</c>.</summary>
    public static Tensor<float> ScalePixels(Tensor<byte> images, bool flatten = false) => ScalePixels<float>(images, flatten);

    /// <summary>Scales 8-bit pixels into [0, 1] in <typeparamref name="T"/>: <c>ScalePixels&lt;double&gt;(x)</c> is
    /// numpy's <c>x / 255.0</c>.</summary>
    public static Tensor<T> ScalePixels<T>(Tensor<byte> images, bool flatten = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(images);
        Shape shape = images.Shape;
        if (flatten)
        {
            if (images.Rank < 1)
            {
                throw new ArgumentException($"ScalePixels: cannot flatten a scalar into rows (shape {shape}).", nameof(images));
            }

            shape = new Shape(shape[0], images.RowStride);
        }

        var result = new Tensor<T>(shape);
        ReadOnlySpan<byte> source = images.AsSpan();
        Span<T> target = result.AsSpan();
        T maximum = T.CreateTruncating(255);
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = T.CreateTruncating(source[i]) / maximum;
        }

        return result;
    }
}
