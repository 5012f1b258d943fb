using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Random;

namespace Backprop.Labs.GradientDerivations;

/// <summary>One PReLU instance: an S × M input, a single slope θ, random values from <paramref name="Seed"/>.</summary>
public sealed record PReluCase(int Samples, int Features, double Theta, ulong Seed)
{
    /// <inheritdoc/>
    public override string ToString() => $"S = {Samples}, M = {Features}, θ = {Theta}";
}

/// <summary>
/// Course 002 §3 (e)–(f): PReLU hθ(z) = z for z ≥ 0, θz for z &lt; 0, with one θ for the whole layer, applied
/// element-wise, Y = hθ(X). For any loss L with upstream gradient ∂L/∂Y:
/// ∂L/∂θ = Σᵢⱼ (∂L/∂Y ∘ min(0, X))ᵢⱼ and ∂L/∂X = ∂L/∂Y ∘ E with Eᵢⱼ = 1 if Xᵢⱼ ≥ 0 else θ. The check uses
/// L = Σ Y ∘ R for a fixed random R, so ∂L/∂Y = R; the engine is the library's PReLU with α shared over the features.
/// </summary>
public static class PReluGradients
{
    /// <summary>Checks PReLU's two gradients for one case: each formula against the engine and against central differences.</summary>
    public static IReadOnlyList<DerivativeCheck> Check(PReluCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var random = new RandomGenerator(c.Seed);
        int s = c.Samples, m = c.Features;
        double[] xs = Derivation.Normal(random, s * m), rs = Derivation.Normal(random, s * m);
        double[] theta = [c.Theta];
        var x = Tensor.From(xs, s, m);
        var r = Tensor.From(rs, s, m);

        // The closed forms: D = ∂L/∂Y ∘ min(0, X) summed; E = 1 where X ≥ 0, θ elsewhere.
        var dTheta = Ops.Sum(r * Ops.Minimum(x, 0.0));
        var e = new Tensor<double>(s, m);
        for (int i = 0; i < xs.Length; i++)
        {
            e.AsSpan()[i] = xs[i] >= 0 ? 1 : c.Theta;
        }

        var dX = r * e;

        // The engine: PReLU with one α shared along the feature axis.
        var layer = Derivation.Float64(new PReLU(alphaInitializer: new Constant(c.Theta), sharedAxes: [1]), new Shape(m));
        layer.Forward(x, training: true);
        Derivation.ZeroGradients(layer);
        var dXEngine = layer.Backward(r).Clone();
        double dThetaEngine = layer.Alpha.GradientAs<double>()[0];

        double Loss()
        {
            double sum = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                sum += rs[i] * (xs[i] >= 0 ? xs[i] : theta[0] * xs[i]);
            }

            return sum;
        }

        string label = c.ToString();
        return
        [
            new(label, "∂L/∂θ", "Σᵢⱼ(∂L/∂Y ∘ min(0, X))ᵢⱼ", "()", Errors.Scaled([dTheta], [dThetaEngine]), Errors.Scaled([dTheta], CentralDifferences.Of(theta, Loss))),
            new(label, "∂L/∂X", "∂L/∂Y ∘ E, Eᵢⱼ = 1 if Xᵢⱼ ≥ 0 else θ", Derivation.ShapeText(s, m), Errors.Scaled(dX, dXEngine), Errors.Scaled(dX.AsSpan(), CentralDifferences.Of(xs, Loss))),
        ];
    }
}
