using Backprop.Layers;
using Backprop.Models;
using Backprop.Training;

namespace Backprop.Tests.Parameters;

public class ParameterTests
{
    [Fact]
    public void PredictingAllocatesNoGradientsAndTrainingDoes()
    {
        // A 700×1000 float kernel: its gradient alone would be 2.8 MB.
        var model = new Sequential(new Dense(1000, activation: "tanh", inputShape: [700]), new Dense(1));
        var x = Tensor.From(Enumerable.Range(0, 5 * 700).Select(i => (float)Math.Sin(i)).ToArray(), 5, 700);
        model.Predict(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Predict(x);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000, "Predict must not create gradient memory");

        model.Compile("sgd", "mse");
        before = GC.GetAllocatedBytesForCurrentThread();
        model.TrainOnBatch(x, Tensor.From(new float[] { 1, 0, 1, 0, 1 }, 5, 1));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before >= 700 * 1000 * sizeof(float), "training creates the gradients");
        Assert.All(model.TrainableParameters, p => Assert.Equal(p.Shape, p.Gradient.Shape));
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
