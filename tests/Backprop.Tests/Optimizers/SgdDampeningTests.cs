using Backprop.Optimizers;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

/// <summary>PyTorch's SGD dampening, worked by hand: b₁ = g, bₜ = μbₜ₋₁ + (1 − d)g, w ← w − η·b.</summary>
public sealed class SgdDampeningTests
{
    [Fact]
    public void Dampening_follows_pytorchs_buffer_by_hand()
    {
        // η = 0.1, μ = 0.9, d = 0.5, g = 0.5 every step, w₀ = 1:
        // b₁ = 0.5 → w = 0.95; b₂ = 0.45 + 0.25 = 0.7 → w = 0.88; b₃ = 0.63 + 0.25 = 0.88 → w = 0.792.
        var optimizer = new SGD(learningRate: 0.1, momentum: 0.9, dampening: 0.5);
        var p = Create<double>("kernel", [1.0]);
        double[] expected = [0.95, 0.88, 0.792];
        foreach (double want in expected)
        {
            SetGradient(p, [0.5]);
            optimizer.Apply([p]);
            Assert.Equal(want, Values(p)[0], 14);
        }
    }

    [Fact]
    public void Dampening_is_checked_and_kept_in_the_config()
    {
        Assert.Throws<ArgumentException>(() => new SGD(momentum: 0.9, nesterov: true, dampening: 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(dampening: 1.5));
        var copy = (SGD)OptimizerRegistry.FromConfig("sgd", new SGD(momentum: 0.9, dampening: 0.25).GetConfig());
        Assert.Equal(0.25, copy.Dampening);
        Assert.False(new SGD().GetConfig().ContainsKey("dampening"));
    }
}
