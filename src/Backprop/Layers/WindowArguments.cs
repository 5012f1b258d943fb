using System.Globalization;

namespace Backprop.Layers;

/// <summary>Keras's argument rules for window layers (<c>standardize_tuple</c>, <c>standardize_padding</c>): a size
/// given as one value applies to both axes, two values are (height, width), every value must be positive; padding is
/// "valid" or "same", case-insensitive.</summary>
internal static class WindowArguments
{
    /// <summary>(height, width) from null (<paramref name="fallback"/>), [n] or [h, w].</summary>
    public static (int Height, int Width) Pair(int[]? values, (int, int) fallback, string argument)
    {
        if (values is null)
        {
            return fallback;
        }

        if (values.Length is not (1 or 2) || values.Any(v => v <= 0))
        {
            throw new ArgumentException(
                $"{argument} must be one positive integer or two (height, width); received [{string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}].",
                argument);
        }

        return values.Length == 1 ? (values[0], values[0]) : (values[0], values[1]);
    }

    /// <summary>"valid" or "same" (lower-cased); anything else throws.</summary>
    public static string Padding(string padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        string normalized = padding.ToLowerInvariant();
        return normalized is "valid" or "same"
            ? normalized
            : throw new ArgumentException($"padding must be \"valid\" or \"same\"; received \"{padding}\".", nameof(padding));
    }

    /// <summary>Throws unless the per-sample shape is (height, width, channels).</summary>
    public static void CheckImage(Shape inputShape, Layer layer)
    {
        if (inputShape.Rank != 3)
        {
            throw new ShapeMismatchException(
                $"{layer.GetType().Name} '{layer.Name}' expects images of shape (None, height, width, channels) (channels last); received {Layer.WithNone(inputShape)}.");
        }
    }
}
