using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Inspection;

public sealed class ModelInspectionTests
{
    [Fact]
    public void Activations_per_layer_chain_to_the_prediction()
    {
        var model = new Sequential(DType.Float64,
            new Dense(6, activation: "relu", kernelInitializer: "zeros", inputShape: [3]),
            new Dense(2, kernelInitializer: "zeros"));
        LayerTestKit.Randomize(model, 4);
        var x = TestData.Tensor(2, 5, 3);
        var activations = model.ForwardWithActivations(x);
        Assert.Equal(2, activations.Count);
        Assert.All(activations[0].Output.ToArray(), v => Assert.True(v >= 0));
        Assert.Equal(model.Predict(x).ToArray(), activations[1].Output.ToArray());
        var manual = model.Layers[1].Forward((Tensor<double>)activations[0].Output).ToArray();
        Assert.Equal(manual, activations[1].Output.ToArray());
    }

    [Fact]
    public void Weight_statistics_and_gradient_norms()
    {
        var model = new Sequential(DType.Float64, new Dense(2, kernelInitializer: "zeros", inputShape: [2], name: "d"));
        model.SetWeights(Tensor.From([3.0, 0, 0, 4], 2, 2), Tensor.From([1.0, -1], 2));
        var stats = model.WeightStatistics();
        Assert.Equal("d/kernel", stats[0].Key);
        Assert.Equal(5, stats[0].Norm, 12);
        Assert.Equal(1.75, stats[0].Mean, 12);
        Assert.Equal(-1, stats[1].Min);
        model.Compile("sgd", "mse");
        var g = model.ComputeGradients(Tensor.From([1.0, 2], 1, 2), Tensor.From([0.0, 0], 1, 2));
        // ŷ = (3+1, 8−1) = (4, 7); ∂MSE/∂ŷ = ŷ (2/2 = 1 per element); db = (4, 7), |db| = √65.
        Assert.Equal(Math.Sqrt(65), g.Norms()["d/bias"], 12);
    }
}
