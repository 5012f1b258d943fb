using System.Numerics.Tensors;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Random;

namespace Backprop.Labs.KaimingLeakyRelu;

/// <summary>Second moments through a deep LeakyReLU network for one batch, measured with the library's layers:
/// forward, the pre-activations z_l = a_{l−1}·W_l of every layer; backward, ∂L/∂a_l for L = Σ G ⊙ a_depth with G
/// drawn from N(0, 1); and E[a_l²] / E[z_l²], the quantity the derivation computes as ½(1 + α²).</summary>
/// <param name="Forward">E[z_l²] for l = 1…depth.</param>
/// <param name="Backward">E[(∂L/∂a_l)²] for l = 1…depth.</param>
/// <param name="ActivationGain">E[a_l²] / E[z_l²] for l = 1…depth.</param>
public sealed record MomentProfile(double[] Forward, double[] Backward, double[] ActivationGain)
{
    /// <summary>Forward: E[z²] of the last layer over that of the first.</summary>
    public double ForwardRatio => Forward[^1] / Forward[0];

    /// <summary>Backward: E[(∂L/∂a)²] at the first layer over that at the last, after flowing back through depth − 1 layers.</summary>
    public double BackwardRatio => Backward[0] / Backward[^1];

    /// <summary>A network of <paramref name="depth"/> × (Dense(width, no bias) → LeakyReLU(α)), kernels frozen
    /// (no weight gradients are needed). Redraw its kernels with <see cref="Initialize"/>.</summary>
    public static Sequential Network(int depth, int width, double alpha)
    {
        var model = new Sequential();
        for (int l = 0; l < depth; l++)
        {
            model.Add(new Dense(width, useBias: false, inputShape: l == 0 ? [width] : null) { Trainable = false });
            model.Add(new LeakyReLU(alpha));
        }

        model.Build(new Shape(width));
        return model;
    }

    /// <summary>Draws every kernel from <paramref name="scheme"/> with the per-layer seeds of <paramref name="seed"/>
    /// (the same seeds for every scheme, so schemes differ only in scale).</summary>
    public static void Initialize(Sequential model, KaimingScheme scheme, double alpha, int seed)
    {
        int l = 0;
        foreach (var dense in model.Layers.OfType<Dense>())
        {
            scheme.Create(alpha, LayerSeed(seed, l++)).Initialize(dense.Kernel.ValueAs<float>());
        }
    }

    /// <summary>The seed of layer <paramref name="layer"/>'s kernel.</summary>
    public static int LayerSeed(int seed, int layer) => unchecked(seed * 1_000_003 + 17 * layer + 1);

    /// <summary>A (rows, columns) batch of N(0, 1) values from stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static Tensor<float> StandardNormal(int rows, int columns, int seed, ulong stream)
    {
        var x = new Tensor<float>(rows, columns);
        new RandomGenerator(unchecked((ulong)seed), stream).FillNormal(x.AsSpan(), 0f, 1f);
        return x;
    }

    /// <summary>Measures the moments of <paramref name="model"/> (built by <see cref="Network"/>) for inputs
    /// <paramref name="x"/> and output gradient <paramref name="outputGradient"/>.</summary>
    public static MomentProfile Measure(Sequential model, Tensor<float> x, Tensor<float> outputGradient)
    {
        int depth = model.Layers.Count / 2;
        var forward = new double[depth];
        var gain = new double[depth];
        var backward = new double[depth];
        var a = x;
        for (int l = 0; l < depth; l++)
        {
            var z = model.Layers[2 * l].Forward(a, training: true);
            a = model.Layers[2 * l + 1].Forward(z, training: true);
            forward[l] = SecondMoment(z.AsSpan());
            gain[l] = SecondMoment(a.AsSpan()) / forward[l];
        }

        var g = outputGradient;
        for (int l = depth - 1; l >= 0; l--)
        {
            // g is ∂L/∂a_l here; the LeakyReLU then the Dense take it back to ∂L/∂a_{l−1}.
            backward[l] = SecondMoment(g.AsSpan());
            g = model.Layers[2 * l + 1].Backward(g);
            g = model.Layers[2 * l].Backward(g);
        }

        return new MomentProfile(forward, backward, gain);
    }

    /// <summary>E[v²] over every element, accumulated in double per block of float sums.</summary>
    internal static double SecondMoment(ReadOnlySpan<float> values)
    {
        double total = 0;
        const int block = 4096;
        for (int i = 0; i < values.Length; i += block)
        {
            total += TensorPrimitives.SumOfSquares(values.Slice(i, Math.Min(block, values.Length - i)));
        }

        return total / values.Length;
    }
}
