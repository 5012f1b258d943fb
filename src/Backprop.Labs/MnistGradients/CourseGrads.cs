using Backprop.Models;
using Backprop.Training;

namespace Backprop.Labs.MnistGradients;

/// <summary>A layer's kernel and bias gradients (kernel in Keras's (inputs, units) layout).</summary>
public sealed record LayerGradients(Tensor<double> Kernel, Tensor<double> Bias);

/// <summary>
/// The course's own <c>grads(model, inputs, y_true)</c> (course 000, Q3), rebuilt with its three slips, and each slip
/// on its own, so the lab can measure what each one costs against the engine:
/// <list type="number">
/// <item>it returns the second hidden layer's gradients (h1ᵀδ2, Σδ2: 64 × 64 and 64) under the output layer's name
/// (W⁽²⁾ of the question is the output layer: a2ᵀδ3, 64 × 10 and 10);</item>
/// <item>it applies σ′ to the activation: <c>sigmoid_derivative(h2)</c> = σ(a²)(1 − σ(a²)) where σ′(z²) = a²(1 − a²);</item>
/// <item>it sums over the batch (δ3 = p − y) where Keras's categorical cross-entropy is the batch mean ((p − y)/n).</item>
/// </list>
/// </summary>
public static class CourseGrads
{
    /// <summary>The course's grads as it ran: all three slips (what its printout shows).</summary>
    public static LayerGradients AsPublished(Sequential model, Tensor<double> x, Tensor<double> y) =>
        HiddenLayer(model, x, y, sigmoidOfActivation: true, sumOverBatch: true);

    /// <summary>∂L/∂W², ∂L/∂b² of the second hidden layer, with σ′ taken of the activation and/or the sum over the
    /// batch when asked; with neither it is the correct gradient of the mean loss.</summary>
    public static LayerGradients HiddenLayer(Sequential model, Tensor<double> x, Tensor<double> y, bool sigmoidOfActivation, bool sumOverBatch)
    {
        var f = MnistGradientsLab.ForwardByHand(model, x, y);
        var delta3 = OutputDelta(f, y, sumOverBatch);
        // σ′(z²) = a²(1 − a²); the course evaluated σ(a²)(1 − σ(a²)) instead.
        var s = sigmoidOfActivation ? Ops.Sigmoid(f.A2) : f.A2;
        var delta2 = Ops.MatMul(delta3, f.W3, transposeB: true) * s * (-s + 1.0);
        return new LayerGradients(Ops.MatMul(f.A1, delta2, transposeA: true), Ops.Sum(delta2, axis: 0));
    }

    /// <summary>∂L/∂W³, ∂L/∂b³ of the output layer (what the question asks for), summed over the batch when asked.</summary>
    public static LayerGradients OutputLayer(Sequential model, Tensor<double> x, Tensor<double> y, bool sumOverBatch)
    {
        var f = MnistGradientsLab.ForwardByHand(model, x, y);
        var delta3 = OutputDelta(f, y, sumOverBatch);
        return new LayerGradients(Ops.MatMul(f.A2, delta3, transposeA: true), Ops.Sum(delta3, axis: 0));
    }

    // Softmax with cross-entropy: ∂L/∂z³ = (p − y)/n for the mean loss, p − y for the sum.
    private static Tensor<double> OutputDelta(MnistForward f, Tensor<double> y, bool sumOverBatch) =>
        sumOverBatch ? f.P - y : (f.P - y) / f.A1.Shape[0];
}
