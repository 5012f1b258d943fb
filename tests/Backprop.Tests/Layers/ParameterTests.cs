using Backprop.Layers;
using Backprop.Training;

namespace Backprop.Tests.Layers;

public class ParameterTests
{
    [Fact]
    public void PredictingAllocatesNoGradientsAndTrainingDoes()
    {
        var model = new Sequential(new Dense(33, activation: "tanh", inputShape: [7]), new Dense(1));
        var x = Tensor.From(Enumerable.Range(0, 5 * 7).Select(i => (float)Math.Sin(i)).ToArray(), 5, 7);
        model.Predict(x);
        Assert.All(model.Parameters, p => Assert.False(p.HasGradient));

        model.Compile("sgd", "mse");
        model.TrainOnBatch(x, Tensor.From(new float[] { 1, 0, 1, 0, 1 }, 5, 1));
        Assert.All(model.TrainableParameters, p => Assert.True(p.HasGradient));
    }

    [Fact]
    public void GradientIsZeroFilledWithTheValuesShapeAndType()
    {
        var p = new Parameter("kernel", Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        var g = p.GradientAs<double>();
        Assert.Equal(new Shape(2, 3), g.Shape);
        Assert.All(g.ToArray(), v => Assert.Equal(0, v));
        g[1, 2] = 5;
        p.ZeroGradient();
        Assert.Equal(0, p.GradientAs<double>()[1, 2]);
        Assert.Throws<ArgumentException>(() => new Parameter("bad", Tensor.From(new byte[] { 1 })));
    }
}
