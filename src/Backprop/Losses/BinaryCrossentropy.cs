using System.Runtime.CompilerServices;
using System.Globalization;
using System.Numerics;
using Backprop.Activations;

namespace Backprop.Losses;

/// <summary>Binary cross-entropy, Keras <c>BinaryCrossentropy(from_logits=False, label_smoothing=0)</c>
/// (<c>"binary_crossentropy"</c>): L = mean over elements of −[t·log p + (1 − t)·log(1 − p)], where p = ŷ clipped
/// to [1e-7, 1 − 1e-7] (the clip's gradient is zero outside) and t = y·(1 − s) + s/2 with label smoothing s.
/// With <c>fromLogits</c>, ŷ = z are logits and L = max(z, 0) − z·t + log(1 + e^(−|z|)), ∂L/∂z = σ(z) − t
/// (PyTorch <c>BCEWithLogitsLoss</c>; PyTorch <c>BCELoss</c> clamps log p at −100 instead of clipping p).
/// After a sigmoid output the model can take the fused gradient <see cref="BackwardThroughSigmoid{T}"/>.</summary>
public sealed class BinaryCrossentropy : Loss, IFusesWithActivation
{
    /// <summary>Binary cross-entropy, on probabilities or on logits.</summary>
    /// <param name="fromLogits">True when y_pred are logits (raw scores); the loss applies the sigmoid itself, in a numerically stable form.</param>
    /// <param name="labelSmoothing">In [0, 1]: the targets are moved towards ½ by this fraction (Keras default 0).</param>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0)
    {
        LabelSmoothingCheck.Validate(labelSmoothing);
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>True when y_pred are logits rather than probabilities.</summary>
    public bool FromLogits { get; }

    /// <summary>The label-smoothing fraction: targets become y·(1 − s) + s/2.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public override string Name => "binary_crossentropy";

    /// <summary>True when the loss reads probabilities (not <c>fromLogits</c>), so it fuses with a sigmoid output.</summary>
    public bool FusesWithSigmoid => !FromLogits;

    /// <summary>Fuses with a sigmoid output activation unless <c>fromLogits</c>: writes ∂L/∂z
    /// (<see cref="BackwardThroughSigmoid{T}"/>).</summary>
    public bool TryBackwardThroughActivation<T>(Activation activation, Tensor<T> yTrue, Tensor<T> output, Tensor<T> preActivationGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!FusesWithSigmoid || activation is not Sigmoid)
        {
            return false;
        }

        BackwardThroughSigmoid(yTrue, output, preActivationGradient);
        return true;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Forward<T>(Tensor<T> yTrue, Tensor<T> yPred)
    {
        CheckShapes(yTrue, yPred);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double target = Smooth(t[i]);
            if (FromLogits)
            {
                double z = double.CreateTruncating(p[i]);
                sum += Math.Max(z, 0) - z * target + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            }
            else
            {
                double q = double.CreateTruncating(Clip(p[i]));
                sum -= target * Math.Log(q) + (1 - target) * Math.Log(1 - q);
            }
        }

        return p.Length == 0 ? 0 : sum / p.Length;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward<T>(Tensor<T> yTrue, Tensor<T> yPred, Tensor<T> gradient)
    {
        CheckShapes(yTrue, yPred);
        CheckGradientShape(yPred, gradient);
        var t = yTrue.AsSpan();
        var p = yPred.AsSpan();
        var g = gradient.AsSpan();
        double scale = 1.0 / Math.Max(p.Length, 1);
        for (int i = 0; i < p.Length; i++)
        {
            double target = Smooth(t[i]);
            if (FromLogits)
            {
                double z = double.CreateTruncating(p[i]);
                g[i] = T.CreateTruncating(scale * (1 / (1 + Math.Exp(-z)) - target));
            }
            else
            {
                T clipped = Clip(p[i]);
                // ∂/∂q of −[t log q + (1 − t) log(1 − q)] = (q − t)/(q(1 − q)); the clip passes it only inside.
                double q = double.CreateTruncating(clipped);
                g[i] = clipped == p[i] ? T.CreateTruncating(scale * (q - target) / (q * (1 - q))) : T.Zero;
            }
        }
    }

    /// <summary>∂L/∂z = (ŷ − t)/(elements) for ŷ = σ(z); see <see cref="IFusesWithActivation"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardThroughSigmoid<T>(Tensor<T> yTrue, Tensor<T> sigmoidOutput, Tensor<T> logitsGradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (FromLogits)
        {
            throw new InvalidOperationException("binary_crossentropy with fromLogits: true takes logits; it cannot be fused with a sigmoid output.");
        }

        CheckShapes(yTrue, sigmoidOutput);
        CheckGradientShape(sigmoidOutput, logitsGradient, "logits gradient");
        var t = yTrue.AsSpan();
        var p = sigmoidOutput.AsSpan();
        var g = logitsGradient.AsSpan();
        double scale = 1.0 / Math.Max(p.Length, 1);
        for (int i = 0; i < p.Length; i++)
        {
            g[i] = T.CreateTruncating(scale * (double.CreateTruncating(p[i]) - Smooth(t[i])));
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["from_logits"] = FromLogits,
        ["label_smoothing"] = LabelSmoothing,
    };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"BinaryCrossentropy(from_logits={FromLogits}, label_smoothing={LabelSmoothing})");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Smooth<T>(T label) where T : unmanaged, IFloatingPointIeee754<T> =>
        double.CreateTruncating(label) * (1 - LabelSmoothing) + 0.5 * LabelSmoothing;

    // Clipped in the tensor's own precision, as Keras does (1 − 1e-7 rounds to 0.99999988 in float32).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Clip<T>(T p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T epsilon = T.CreateTruncating(Epsilon);
        return T.Clamp(p, epsilon, T.One - epsilon);
    }
}
