using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Labs.EggholderCapacity;

/// <summary>One of the course's fourteen networks.</summary>
/// <param name="Hidden">Hidden layer sizes.</param>
/// <param name="LearningRate">SGD learning rate (1e-7 for one layer, 1e-4 with batch normalisation).</param>
/// <param name="Epochs">Training epochs (50 for one layer, 20 otherwise).</param>
internal sealed record EggholderConfig(int[] Hidden, double LearningRate, int Epochs)
{
    public int Depth => Hidden.Length;

    /// <summary>Batch normalisation after every hidden Linear (the 2- and 3-layer networks).</summary>
    public bool BatchNorm => Depth > 1;

    public string Label => Depth == 1 ? $"h = {Hidden[0]}" : $"[{string.Join(", ", Hidden)}]";

    /// <summary>Trainable parameters (BN's γ and β, not its running statistics), as the course counts them.</summary>
    public int Parameters
    {
        get
        {
            int count = 0, inputs = 2;
            foreach (int h in Hidden)
            {
                count += (inputs * h) + h + (BatchNorm ? 2 * h : 0);
                inputs = h;
            }

            return count + inputs + 1;
        }
    }

    /// <summary>The course's "No of hidden units": the sum of the hidden sizes.</summary>
    public int HiddenUnits => Hidden.Sum();
}

/// <summary>The course's networks with PyTorch's semantics: <c>nn.Linear</c>'s default initialisation (weight and
/// bias U(±1/√fan_in), <see cref="FanInUniform"/>), <c>nn.BatchNorm1d</c> (momentum 0.1 in PyTorch's sense, i.e.
/// Keras momentum 0.9; ε = 1e-5; unbiased running variance), ReLU, and <c>optim.SGD(lr, momentum=0.9,
/// dampening=d)</c>, MSE on batches of 1,000.</summary>
internal static class EggholderModels
{
    public const int BatchSize = 1000;
    public const double Momentum = 0.9;

    /// <summary>The fourteen configurations of course 003, Problem 4, in its order (4 + 5 + 5; the issue counts 15).</summary>
    public static IReadOnlyList<EggholderConfig> Course { get; } =
    [
        .. new[] { 64, 128, 256, 512 }.Select(h => new EggholderConfig([h], 1e-7, 50)),
        .. new[] { 16, 32, 64, 128, 256 }.Select(h => new EggholderConfig([h, h], 1e-4, 20)),
        new EggholderConfig([16, 16, 16], 1e-4, 20),
        new EggholderConfig([32, 32, 16], 1e-4, 20),
        new EggholderConfig([64, 32, 64], 1e-4, 20),
        new EggholderConfig([64, 128, 64], 1e-4, 20),
        new EggholderConfig([128, 256, 128], 1e-4, 20),
    ];

    /// <summary>Linear(2, h₁) → [BatchNorm1d] → ReLU → … → Linear(h_k, 1), every Linear seeded from
    /// <paramref name="seed"/>.</summary>
    public static Sequential Build(EggholderConfig config, int seed, double dampening)
    {
        var model = new Sequential(new Input([2]));
        int layer = 0;
        foreach (int h in config.Hidden)
        {
            if (config.BatchNorm)
            {
                model.Add(Linear(h, seed, layer++));
                model.Add(new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: true));
                model.Add(new Activation("relu"));
            }
            else
            {
                model.Add(Linear(h, seed, layer++, "relu"));
            }
        }

        model.Add(Linear(1, seed, layer));
        model.Compile(new SGD(config.LearningRate, momentum: Momentum, dampening: dampening), "mse");
        return model;
    }

    private static Dense Linear(int units, int seed, int layer, string? activation = null) =>
        new(units, activation: activation ?? "linear",
            kernelInitializer: new FanInUniform(unchecked((seed * 16) + (2 * layer) + 1)),
            biasInitializer: new FanInUniform(unchecked((seed * 16) + (2 * layer) + 2)));
}
