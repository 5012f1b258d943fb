using System.Numerics;

namespace Backprop.Losses;

/// <summary>Keras's <c>convert_binary_labels_to_hinge</c>: when every label of the batch is 0 or 1 they become
/// 2y − 1 ∈ {−1, 1}; otherwise the labels are used unchanged.</summary>
internal static class HingeLabels
{
    public static bool AreBinary<T>(ReadOnlySpan<T> labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (T label in labels)
        {
            if (label != T.Zero && label != T.One)
            {
                return false;
            }
        }

        return true;
    }

    public static double Signed<T>(T label, bool binary) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double y = double.CreateTruncating(label);
        return binary ? 2 * y - 1 : y;
    }
}
