using Backprop.Optimizers;

namespace Backprop.Tests.Optimizers;

/// <summary>L-BFGS driven one Step at a time (PyTorch's <c>step(closure)</c>) is the same search as Minimize.</summary>
public sealed class LbfgsStepTests
{
    [Fact]
    public void Steps_follow_the_same_iterates_as_Minimize_and_stop_where_it_stops()
    {
        var p = Rosenbrock2(out var loss);
        var iterates = new List<double[]>();
        var result = new LBFGS(tolerance: 1e-8, functionTolerance: 0).Minimize(loss, [p], progress =>
        {
            iterates.Add(p.ValueAs<double>().ToArray());
            return true;
        });

        var q = Rosenbrock2(out var loss2);
        var optimizer = new LBFGS(tolerance: 1e-8, functionTolerance: 0);
        var stepped = new List<double[]>();
        while (optimizer.StopReason is null)
        {
            optimizer.Step(loss2, [q]);
            if (optimizer.Result!.Reason == LbfgsStopReason.Running)
            {
                stepped.Add(q.ValueAs<double>().ToArray());
            }
        }

        Assert.Equal(iterates.Count, stepped.Count);
        for (int i = 0; i < iterates.Count; i++)
        {
            Assert.Equal(iterates[i], stepped[i]);
        }

        Assert.Equal(result.Reason, optimizer.Result!.Reason);
        Assert.Equal(result.Iterations, optimizer.Result.Iterations);
        Assert.Equal(p.ValueAs<double>().ToArray(), q.ValueAs<double>().ToArray());
        Assert.Equal(optimizer.Result.Iterations, optimizer.Iterations);

        // A stopped search changes nothing; Restart starts a new one from where the parameters are.
        var before = q.ValueAs<double>().ToArray();
        optimizer.Step(loss2, [q]);
        Assert.Equal(before, q.ValueAs<double>().ToArray());
        optimizer.Restart();
        Assert.Null(optimizer.StopReason);
        Assert.Null(optimizer.Result);
    }

    [Fact]
    public void The_learning_rate_scales_the_first_trial_step_and_is_kept_in_the_config()
    {
        var optimizer = new LBFGS(learningRate: 0.5);
        Assert.Equal(0.5, optimizer.LearningRate);
        var copy = (LBFGS)OptimizerRegistry.FromConfig("lbfgs", optimizer.GetConfig());
        Assert.Equal(0.5, copy.LearningRate);
        var p = Rosenbrock2(out var loss);
        var r = copy.Minimize(loss, [p]);
        Assert.True(r.Converged, r.Message);
    }

    /// <summary>f(a, b) = (1 − a)² + 100(b − a²)² from (−1.2, 1), gradients added into the parameter.</summary>
    private static Parameter Rosenbrock2(out Func<double> loss)
    {
        var p = new Parameter("kernel", Tensor.From(new[] { -1.2, 1.0 }));
        loss = () =>
        {
            var v = p.ValueAs<double>();
            var g = p.GradientAs<double>();
            double a = v[0], b = v[1];
            g[0] += -2 * (1 - a) - 400 * a * (b - a * a);
            g[1] += 200 * (b - a * a);
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a);
        };
        return p;
    }
}
