using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.TestSupport;
using Backprop.Training.Callbacks;
using Backprop.Training;

namespace Backprop.Tests.Training;

public sealed class LbfgsFitTests
{
    [Fact]
    public void Lbfgs_fit_solves_a_linear_least_squares_problem_full_batch()
    {
        var x = TestData.Tensor(1, 60, 3);
        var y = new Tensor<double>(60, 1);
        for (int i = 0; i < 60; i++)
        {
            y[i, 0] = 2 * x[i, 0] - x[i, 1] + 0.5 * x[i, 2] + 3;
        }

        var model = new Sequential(DType.Float64, new Dense(1, kernelInitializer: "zeros", inputShape: [3])) { Output = TextWriter.Null };
        model.Compile(new LBFGS(tolerance: 1e-12, functionTolerance: 1e-20), "mse");
        var history = model.Fit(x, y, epochs: 100, verbose: 0);
        Assert.True(history["loss"][^1] < 1e-10, history.ToString());
        Assert.True(history.Epoch.Count < 100);
        var w = model.GetWeights();
        Assert.Equal(2, w[0].GetDouble(0), 5);
        Assert.Equal(-1, w[0].GetDouble(1), 5);
        Assert.Equal(3, w[1].GetDouble(0), 5);
        Assert.NotNull(model.LastLbfgsResult);
    }

    [Fact]
    public void Lbfgs_fit_reports_iterations_as_epochs_and_obeys_callbacks()
    {
        var (x, y) = TrainingTestKit.Regression(40, 2);
        var model = TrainingTestKit.SmallModel();
        model.Compile(new LBFGS(), "mse", ["mae"]);
        int seen = 0;
        var history = model.Fit(x, y, epochs: 50, validationData: (x, y), verbose: 0,
            callbacks: [new LambdaCallback(onEpochEnd: (e, _) => { if (++seen == 4) { model.StopTraining = true; } })]);
        Assert.Equal([0, 1, 2, 3], history.Epoch);
        Assert.Equal(["loss", "mae", "val_loss", "val_mae"], history.Values.Keys.Order());
        Assert.True(history["loss"][3] < history["loss"][0]);
    }
}
