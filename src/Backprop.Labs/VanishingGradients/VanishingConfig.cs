using Backprop.Initializers;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Regularizers;

namespace Backprop.Labs.VanishingGradients;

/// <summary>One network of course 001, Exercise 4: 784 → k × Dense(100, activation) [→ Dropout] [→ BatchNormalization]
/// → Dense(10) logits, with its initialiser, regulariser and learning rate.</summary>
/// <param name="Key">Short key for results.json.</param>
/// <param name="Label">How the report names it.</param>
/// <param name="Activation">"sigmoid" or "relu".</param>
/// <param name="Hidden">Hidden layers k.</param>
/// <param name="BatchNorm">A Keras BatchNormalization after each hidden layer.</param>
/// <param name="UniformWeights">Kernels from RandomUniform(−1, 1) instead of Glorot uniform.</param>
/// <param name="L1">L1 factor on every kernel and bias (0: none).</param>
/// <param name="L2">L2 factor on every kernel and bias (0: none).</param>
/// <param name="Dropout">Dropout rate after each hidden layer (0: none).</param>
/// <param name="LearningRate">SGD learning rate (the course: 0.01).</param>
public sealed record VanishingConfig(string Key, string Label, string Activation, int Hidden, bool BatchNorm = false, bool UniformWeights = false,
    double L1 = 0, double L2 = 0, double Dropout = 0, double LearningRate = 0.01)
{
    /// <summary>The published configurations, in the course's order.</summary>
    public static IReadOnlyList<VanishingConfig> Published { get; } =
    [
        new("sigmoid_1", "1 hidden layer, sigmoid", "sigmoid", 1),
        new("sigmoid_5", "5 hidden layers, sigmoid", "sigmoid", 5),
        new("sigmoid_6", "6 hidden layers, sigmoid", "sigmoid", 6),
        new("relu_6", "6 hidden layers, ReLU", "relu", 6),
        new("sigmoid_6_bn", "6 sigmoid + batch normalisation", "sigmoid", 6, BatchNorm: true),
        new("sigmoid_6_uniform", "6 sigmoid, RandomUniform(−1, 1) weights", "sigmoid", 6, UniformWeights: true),
        new("sigmoid_6_uniform_l1", "6 sigmoid, RandomUniform(−1, 1) + L1 1e-4", "sigmoid", 6, UniformWeights: true, L1: 1e-4),
        new("sigmoid_6_uniform_l2", "6 sigmoid, RandomUniform(−1, 1) + L2 1e-4", "sigmoid", 6, UniformWeights: true, L2: 1e-4),
        new("sigmoid_6_bn_uniform_l1", "6 sigmoid, BN + RandomUniform(−1, 1) + L1 1e-4", "sigmoid", 6, BatchNorm: true, UniformWeights: true, L1: 1e-4),
        new("relu_6_bn_uniform_l1", "6 ReLU, BN + RandomUniform(−1, 1) + L1 1e-4", "relu", 6, BatchNorm: true, UniformWeights: true, L1: 1e-4),
    ];

    /// <summary>The course's failed rescues of the 6-layer sigmoid net ("did not lead to a successful training").</summary>
    public static IReadOnlyList<VanishingConfig> Failures { get; } =
    [
        new("sigmoid_6_dropout", "6 sigmoid + dropout 0.2", "sigmoid", 6, Dropout: 0.2),
        new("sigmoid_6_l1_0.01", "6 sigmoid + L1 0.01", "sigmoid", 6, L1: 0.01),
        new("sigmoid_6_l1_1e-4", "6 sigmoid + L1 1e-4 (Glorot weights)", "sigmoid", 6, L1: 1e-4),
        new("sigmoid_6_lr_0.1", "6 sigmoid, learning rate 0.1 (×10)", "sigmoid", 6, LearningRate: 0.1),
        new("sigmoid_6_lr_0.001", "6 sigmoid, learning rate 0.001 (÷10)", "sigmoid", 6, LearningRate: 0.001),
    ];

    /// <summary>Builds the network with every Dense layer's kernel seeded from <paramref name="seed"/> (biases zero,
    /// regularisers on every kernel and bias, the output layer's too).</summary>
    public Sequential Build(int seed)
    {
        var model = new Sequential();
        for (int l = 0; l <= Hidden; l++)
        {
            bool output = l == Hidden;
            int layerSeed = unchecked(seed * 7919 + 13 * l + 5);
            Initializer kernel = UniformWeights ? new RandomUniform(-1, 1, layerSeed) : new GlorotUniform(layerSeed);
            model.Add(new Dense(output ? 10 : 100, activation: output ? "linear" : Activation, kernelInitializer: kernel,
                kernelRegularizer: Regularizer(), biasRegularizer: Regularizer(), inputShape: l == 0 ? [784] : null));
            if (!output && Dropout > 0)
            {
                model.Add(new Dropout(Dropout, seed: unchecked((ulong)layerSeed)));
            }

            if (!output && BatchNorm)
            {
                model.Add(new BatchNormalization());
            }
        }

        model.Build(new Shape(784));
        return model;
    }

    private Regularizer? Regularizer() => (L1, L2) switch
    {
        (0, 0) => null,
        (_, 0) => new L1(L1),
        (0, _) => new L2(L2),
        _ => new L1L2(L1, L2),
    };
}
