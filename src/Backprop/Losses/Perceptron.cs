using System.Runtime.CompilerServices;
using System.Numerics;

namespace Backprop.Losses;

/// <summary>The perceptron criterion (Rosenblatt; Bishop, PRML §4.1.7): L = mean of max(0, −y·ŷ), zero for every
/// correctly classified sample. Not in Keras; scikit-learn's <c>Perceptron</c> minimises the same criterion (its
/// <c>loss="perceptron"</c>). Labels are ±1; as in Keras, a batch whose labels are all 0 or 1 is converted with 2y − 1.
/// <para>Gradient: ∂L/∂ŷ = −y where y·ŷ ≤ 0, else 0, over the element count. At the kink y·ŷ = 0 the loss has the
/// sub-gradients [−y, 0]; this loss takes −y, so a sample on the boundary counts as a mistake and moves the weights.
/// That is Rosenblatt's rule (update when y·(w·x) ≤ 0), scikit-learn's (<c>Hinge(threshold=0)</c> returns −y for
/// z ≤ threshold) and what TensorFlow's gradient of <c>maximum(−y·ŷ, 0)</c> gives at the tie; taking 0 there
/// would leave a model started from w = 0 (ŷ = 0 for every input) at w = 0 for ever.</para></summary>
public sealed class Perceptron : Loss
{
    /// <inheritdoc/>
    public override string Name => "perceptron";

    /// <inheritdoc/>
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckShapes(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        bool binary = HingeLabels.AreBinary<T>(t);
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double m = HingeLabels.Signed(t[i], binary) * double.CreateTruncating(p[i]);
            sum += Math.Max(-m, 0);
        }

        return p.Length == 0 ? 0 : sum / p.Length;
    }

    /// <inheritdoc/>
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        CheckShapes(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        bool binary = HingeLabels.AreBinary<T>(t);
        double scale = 1.0 / Math.Max(p.Length, 1);
        for (int i = 0; i < p.Length; i++)
        {
            double y = HingeLabels.Signed(t[i], binary);
            double m = y * double.CreateTruncating(p[i]);
            // m = 0 is a mistake: the sub-gradient −y at the kink (see the summary).
            g[i] = T.CreateTruncating(scale * (m <= 0 ? -y : 0));
        }
    }
}
