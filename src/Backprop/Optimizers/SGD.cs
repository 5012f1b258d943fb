using System.Globalization;
using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, Keras form: <c>v ← μv − η·g; w ← w + v</c>;
/// Nesterov: <c>w ← w + μ·v − η·g</c> with the new v. PyTorch keeps <c>b ← μb + g</c> and steps <c>w −= η·b</c>:
/// the same trajectory for a constant η, different under a schedule. Keras defaults: η = 0.01, μ = 0.</summary>
public sealed class SGD : Optimizer
{
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false)
        : base(learningRate)
    {
        if (!(momentum is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1].");
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    public double Momentum { get; }

    public bool Nesterov { get; }

    public override string Name => "SGD";

    protected override int SlotCount => 1;

    protected override void Update<T>(int index, Tensor<T> weight, Tensor<T> gradient, double learningRate)
    {
        var w = weight.AsSpan();
        var g = gradient.AsSpan();
        T lr = T.CreateChecked(learningRate);
        if (Momentum == 0)
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= lr * g[i];
            }

            return;
        }

        T mu = T.CreateChecked(Momentum);
        var v = Slot(index, 0, weight).AsSpan();
        for (int i = 0; i < w.Length; i++)
        {
            v[i] = mu * v[i] - lr * g[i];
            w[i] += Nesterov ? mu * v[i] - lr * g[i] : v[i];
        }
    }

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["learning_rate"] = LearningRate,
        ["momentum"] = Momentum,
        ["nesterov"] = Nesterov,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SGD(learning_rate={LearningRate}, momentum={Momentum}, nesterov={Nesterov})");
}
