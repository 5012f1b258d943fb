using Backprop.Layers;
using Backprop.Random;
using MeanSquaredErrorLoss = Backprop.Losses.MeanSquaredError;

namespace Backprop.Labs.GradientDerivations;

/// <summary>One instance of the linear–activation–linear block: S samples of M features, F hidden units, N outputs,
/// activation h (tanh or sigmoid), random values from <paramref name="Seed"/>.</summary>
public sealed record BlockCase(int Samples, int Inputs, int Hidden, int Outputs, string Activation, ulong Seed)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Activation}, S = {Samples}, M = {Inputs}, F = {Hidden}, N = {Outputs}";
}

/// <summary>
/// Course 002 §3 (a)–(d): the block Y = h(XWᵀ + b₁)Vᵀ + b₂ with X ∈ ℝ^{S×M}, W ∈ ℝ^{F×M}, V ∈ ℝ^{N×F}, under the mean
/// squared error L = (1/SN) Σ (Y − T)². With A = (∂L/∂Y)V, B = h′(XWᵀ + b₁) and C = (∂L/∂Y)ᵀh(XWᵀ + b₁):
/// ∂L/∂X = (A∘B)W, ∂L/∂W = (A∘B)ᵀX, ∂L/∂V = C; the biases through a constant-1 column appended to X and to h
/// (W̃ = [W | b₁], Ṽ = [V | b₂], so ∂L/∂b₁ and ∂L/∂b₂ are the last columns of ∂L/∂W̃ and ∂L/∂Ṽ).
/// </summary>
public static class BlockGradients
{
    /// <summary>Checks the block's five gradients for one case: each formula against the engine's backward pass and against central differences.</summary>
    public static IReadOnlyList<DerivativeCheck> Check(BlockCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var random = new RandomGenerator(c.Seed);
        int s = c.Samples, m = c.Inputs, f = c.Hidden, n = c.Outputs;
        double[] xs = Derivation.Normal(random, s * m), ws = Derivation.Normal(random, f * m), b1s = Derivation.Normal(random, f);
        double[] vs = Derivation.Normal(random, n * f), b2s = Derivation.Normal(random, n), ts = Derivation.Normal(random, s * n);
        var x = Tensor.From(xs, s, m);
        var w = Tensor.From(ws, f, m);
        var b1 = Tensor.From(b1s, f);
        var v = Tensor.From(vs, n, f);
        var b2 = Tensor.From(b2s, n);
        var t = Tensor.From(ts, s, n);

        // The closed forms, with plain tensor operations.
        var z = Ops.MatMul(x, w, transposeB: true) + b1;
        var h = Activate(z, c.Activation);
        var y = Ops.MatMul(h, v, transposeB: true) + b2;
        var dLdY = (y - t) * (2.0 / (s * n));
        var a = Ops.MatMul(dLdY, v);
        var b = Derivative(z, c.Activation);
        var ab = a * b;
        var dX = Ops.MatMul(ab, w);
        var dW = Ops.MatMul(ab, x, transposeA: true);
        var dV = Ops.MatMul(dLdY, h, transposeA: true);
        // Biases: the same formulas on X̃ = [X | 1] and h̃ = [h | 1]; the extra column's gradients are ∂L/∂b.
        var dWTilde = Ops.MatMul(ab, Derivation.AppendOnes(x), transposeA: true);
        var dVTilde = Ops.MatMul(dLdY, Derivation.AppendOnes(h), transposeA: true);
        var db1 = Derivation.LastColumn(dWTilde);
        var db2 = Derivation.LastColumn(dVTilde);

        // The engine: Dense(F, h) → Dense(N) with the library's mean squared error, backward layer by layer.
        var hidden = Derivation.Float64(new Dense(f, c.Activation), new Shape(m), Derivation.Transpose(w), b1);
        var output = Derivation.Float64(new Dense(n), new Shape(f), Derivation.Transpose(v), b2);
        var yEngine = output.Forward(hidden.Forward(x, training: true), training: true);
        var dYEngine = new Tensor<double>(yEngine.Shape);
        new MeanSquaredErrorLoss().Backward(t, yEngine, dYEngine);
        Derivation.ZeroGradients(hidden, output);
        var dXEngine = hidden.Backward(output.Backward(dYEngine)).Clone();
        var dWEngine = Derivation.Transpose(hidden.Kernel.GradientAs<double>());
        var dVEngine = Derivation.Transpose(output.Kernel.GradientAs<double>());

        // Central differences of a naive loop forward pass.
        double Loss() => NaiveLoss(xs, ws, b1s, vs, b2s, ts, c);
        string shape(int rows, int columns) => Derivation.ShapeText(rows, columns);
        string label = c.ToString();
        return
        [
            new(label, "∂L/∂X", "(A∘B)W", shape(s, m), Errors.Scaled(dX, dXEngine), Errors.Scaled(dX.AsSpan(), CentralDifferences.Of(xs, Loss))),
            new(label, "∂L/∂W", "(A∘B)ᵀX", shape(f, m), Errors.Scaled(dW, dWEngine), Errors.Scaled(dW.AsSpan(), CentralDifferences.Of(ws, Loss))),
            new(label, "∂L/∂V", "C = (∂L/∂Y)ᵀh(XWᵀ + b₁)", shape(n, f), Errors.Scaled(dV, dVEngine), Errors.Scaled(dV.AsSpan(), CentralDifferences.Of(vs, Loss))),
            new(label, "∂L/∂b₁", "last column of (A∘B)ᵀ[X | 1]", Derivation.ShapeText(f), Errors.Scaled(db1, hidden.Bias!.GradientAs<double>()), Errors.Scaled(db1.AsSpan(), CentralDifferences.Of(b1s, Loss))),
            new(label, "∂L/∂b₂", "last column of (∂L/∂Y)ᵀ[h | 1]", Derivation.ShapeText(n), Errors.Scaled(db2, output.Bias!.GradientAs<double>()), Errors.Scaled(db2.AsSpan(), CentralDifferences.Of(b2s, Loss))),
            // The constant-1 columns reproduce the plain formulas in the other columns.
            new(label, "∂L/∂W̃ without its last column", "(A∘B)ᵀ[X | 1] = [(A∘B)ᵀX | Σ(A∘B)]", shape(f, m), null, Errors.Scaled(Derivation.DropLastColumn(dWTilde).AsSpan(), CentralDifferences.Of(ws, Loss))),
        ];
    }

    /// <summary>L = (1/SN) Σ (h(XWᵀ + b₁)Vᵀ + b₂ − T)² with loops, all row-major.</summary>
    internal static double NaiveLoss(double[] x, double[] w, double[] b1, double[] v, double[] b2, double[] t, BlockCase c)
    {
        int s = c.Samples, m = c.Inputs, f = c.Hidden, n = c.Outputs;
        var hidden = new double[f];
        double sum = 0;
        for (int i = 0; i < s; i++)
        {
            for (int j = 0; j < f; j++)
            {
                double z = b1[j];
                for (int k = 0; k < m; k++)
                {
                    z += x[i * m + k] * w[j * m + k];
                }

                hidden[j] = c.Activation == "tanh" ? Math.Tanh(z) : 1 / (1 + Math.Exp(-z));
            }

            for (int o = 0; o < n; o++)
            {
                double y = b2[o];
                for (int j = 0; j < f; j++)
                {
                    y += hidden[j] * v[o * f + j];
                }

                double e = y - t[i * n + o];
                sum += e * e;
            }
        }

        return sum / (s * n);
    }

    private static Tensor<double> Activate(Tensor<double> z, string activation) => activation switch
    {
        "tanh" => Ops.Tanh(z),
        "sigmoid" => Ops.Sigmoid(z),
        _ => throw new ArgumentException($"The block derivation covers tanh and sigmoid; got '{activation}'.", nameof(activation)),
    };

    // h′(z): tanh′ = 1 − tanh², σ′ = σ(1 − σ).
    private static Tensor<double> Derivative(Tensor<double> z, string activation)
    {
        var h = Activate(z, activation);
        return activation == "tanh" ? -(h * h) + 1.0 : h * (-h + 1.0);
    }
}
