using System.Text.Json;
using Backprop.Layers;
using Backprop.Optimizers;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

public class LbfgsTests
{
    private static double Rosenbrock(Parameter p)
    {
        var x = p.ValueAs<double>();
        var g = p.GradientAs<double>();
        double a = x[0], b = x[1];
        g[0] += -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] += 200 * (b - a * a);
        return 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
    }

    [Fact]
    public void RosenbrockConvergesToOneOne()
    {
        var p = Create<double>("x", [-1.2, 1.0]);
        var result = new LBFGS(tolerance: 1e-10, functionTolerance: 0).Minimize(() => Rosenbrock(p), [p]);
        Assert.True(result.Converged, result.Message);
        AssertClose([1.0, 1.0], Values(p), 0, 1e-8);
        Assert.True(result.Loss < 1e-16, $"loss {result.Loss}");
    }

    [Fact]
    public void RosenbrockFollowsScipysLbfgsbIterates()
    {
        // Fixtures/Optimizers/make_lbfgs_fixture.py: scipy.optimize.minimize(method="L-BFGS-B", gtol=1e-4).
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optimizers", "lbfgs_rosenbrock.json")));
        var scipyIterates = fixture.RootElement.GetProperty("iterates").EnumerateArray()
            .Select(e => e.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var p = Create<double>("x", [-1.2, 1.0]);
        var ours = new List<double[]>();
        var result = new LBFGS().Minimize(() => Rosenbrock(p), [p], progress =>
        {
            ours.Add(Values(p));
            return true;
        });

        // Same algorithm, so the same path until rounding differences compound along the valley.
        for (int i = 0; i < 10; i++)
        {
            AssertClose(scipyIterates[i], ours[i], 1e-9, 1e-12, $"iterate {i + 1}");
        }

        Assert.Equal(LbfgsStopReason.GradientTolerance, result.Reason);
        Assert.InRange(result.Iterations, fixture.RootElement.GetProperty("nit").GetInt32() - 3, fixture.RootElement.GetProperty("nit").GetInt32() + 3);
        AssertClose(fixture.RootElement.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()).ToArray(), Values(p), 0, 1e-4);
    }

    [Fact]
    public void ConvexQuadraticIsSolvedInAboutNIterations()
    {
        // f = ½xᵀAx − bᵀx with A = LLᵀ + I (n = 8): the minimiser solves Ax = b.
        const int n = 8;
        var a = new double[n, n];
        var b = new double[n];
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            b[i] = Math.Sin(i + 1);
            for (int j = 0; j <= i; j++)
            {
                l[i, j] = Math.Cos(3 * i + j) * 0.7;
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = i == j ? 1 : 0;
                for (int k = 0; k < n; k++)
                {
                    sum += l[i, k] * l[j, k];
                }

                a[i, j] = sum;
            }
        }

        var p = Create<double>("x", new double[n]);
        double Loss()
        {
            var x = p.ValueAs<double>();
            var g = p.GradientAs<double>();
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                double ax = 0;
                for (int j = 0; j < n; j++)
                {
                    ax += a[i, j] * x[j];
                }

                g[i] += ax - b[i];
                f += 0.5 * x[i] * ax - b[i] * x[i];
            }

            return f;
        }

        var result = new LBFGS(tolerance: 1e-10, functionTolerance: 0).Minimize(Loss, [p]);
        Assert.True(result.Converged, result.Message);
        Assert.True(result.Iterations <= 2 * n, $"{result.Iterations} iterations");
        AssertClose(Solve(a, b), Values(p), 1e-8, 1e-9);
    }

    [Fact]
    public void LeastSquaresMatchesTheClosedForm()
    {
        // ½·mean((Xw + c − y)²) over 37 rows, 3 features plus a bias: the normal equations give the exact answer.
        const int rows = 37;
        var x = new double[rows, 3];
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r, 0] = Math.Sin(r);
            x[r, 1] = Math.Cos(2.0 * r);
            x[r, 2] = r / 10.0 - 1.5;
            y[r] = 2 * x[r, 0] - 3 * x[r, 1] + 0.5 * x[r, 2] + 0.7 + 0.1 * Math.Sin(7.0 * r);
        }

        var kernel = Create<double>("kernel", [0.0, 0.0, 0.0]);
        var bias = Create<double>("bias", [0.0]);
        var result = new LBFGS(tolerance: 1e-9, functionTolerance: 0).Minimize(() => LeastSquares(x, y, kernel, bias), [kernel, bias]);
        Assert.True(result.Converged, result.Message);

        var normal = new double[4, 4];
        var rhs = new double[4];
        for (int r = 0; r < rows; r++)
        {
            double[] features = [x[r, 0], x[r, 1], x[r, 2], 1.0];
            for (int i = 0; i < 4; i++)
            {
                rhs[i] += features[i] * y[r];
                for (int j = 0; j < 4; j++)
                {
                    normal[i, j] += features[i] * features[j];
                }
            }
        }

        double[] exact = Solve(normal, rhs);
        AssertClose(exact[..3], Values(kernel), 0, 1e-7);
        AssertClose(exact[3..], Values(bias), 0, 1e-7);

        // Contract: on return the Gradients hold the gradient at the returned Values.
        double[] gradientAtResult = [.. kernel.Gradient.ToDoubleArray(), .. bias.Gradient.ToDoubleArray()];
        kernel.ZeroGradient();
        bias.ZeroGradient();
        LeastSquares(x, y, kernel, bias);
        Assert.Equal([.. kernel.Gradient.ToDoubleArray(), .. bias.Gradient.ToDoubleArray()], gradientAtResult);
    }

    [Fact]
    public void Float32ParametersConvergeToFloat32Accuracy()
    {
        var p = Create<float>("x", [-1.2, 1.0]);
        double Loss()
        {
            var v = p.ValueAs<float>();
            var g = p.GradientAs<float>();
            double a = v[0], b = v[1];
            g[0] += (float)(-400 * a * (b - a * a) - 2 * (1 - a));
            g[1] += (float)(200 * (b - a * a));
            return 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
        }

        var result = new LBFGS().Minimize(Loss, [p]);
        Assert.True(result.Loss < 1e-6, result.ToString());
        AssertClose([1.0, 1.0], Values(p), 0, 2e-3);
    }

    [Fact]
    public void StopsAtMaxIterationsOrWhenTheCallbackSaysSoAndLeavesFrozenParametersAlone()
    {
        var p = Create<double>("x", [-1.2, 1.0]);
        var frozen = Create<double>("moving_mean", [42.0], trainable: false);
        var optimizer = new LBFGS(maxIterations: 5);
        var result = optimizer.Minimize(() => Rosenbrock(p), [frozen, p]);
        Assert.Equal(LbfgsStopReason.MaxIterations, result.Reason);
        Assert.False(result.Converged);
        Assert.Equal(5, result.Iterations);
        Assert.Equal(5, optimizer.Iterations);
        Assert.Equal([42.0], Values(frozen));

        var q = Create<double>("x", [-1.2, 1.0]);
        int calls = 0;
        var stopped = new LBFGS().Minimize(() => Rosenbrock(q), [q], progress => ++calls < 3);
        Assert.Equal(LbfgsStopReason.StoppedByCallback, stopped.Reason);
        Assert.Equal(3, stopped.Iterations);
    }

    [Fact]
    public void RecoversFromOverflowingTrialStepsAndRejectsANonFiniteStart()
    {
        // exp(x) − 2x overflows for large trial steps along the first direction; minimum at ln 2.
        var p = Create<double>("x", [-300.0]);
        double Loss()
        {
            double v = p.ValueAs<double>()[0];
            p.GradientAs<double>()[0] += Math.Exp(v) - 2;
            return Math.Exp(v) - 2 * v;
        }

        var result = new LBFGS(tolerance: 1e-10).Minimize(Loss, [p]);
        Assert.True(result.Converged, result.Message);
        Assert.Equal(Math.Log(2), Values(p)[0], 8);

        var q = Create<double>("x", [1.0]);
        Assert.Throws<NonFiniteGradientException>(() => new LBFGS().Minimize(() => double.NaN, [q]));
    }

    private static double LeastSquares(double[,] x, double[] y, Parameter kernel, Parameter bias)
    {
        var w = kernel.ValueAs<double>();
        var gw = kernel.GradientAs<double>();
        var gb = bias.GradientAs<double>();
        double c = bias.ValueAs<double>()[0];
        int rows = y.Length;
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            double residual = x[r, 0] * w[0] + x[r, 1] * w[1] + x[r, 2] * w[2] + c - y[r];
            loss += 0.5 * residual * residual / rows;
            for (int j = 0; j < 3; j++)
            {
                gw[j] += residual * x[r, j] / rows;
            }

            gb[0] += residual / rows;
        }

        return loss;
    }

    /// <summary>Gaussian elimination with partial pivoting (the independent reference).</summary>
    private static double[] Solve(double[,] matrix, double[] rhs)
    {
        int n = rhs.Length;
        var a = (double[,])matrix.Clone();
        var b = (double[])rhs.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            }

            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = col + 1; r < n; r++)
            {
                double factor = a[r, col] / a[col, col];
                for (int k = col; k < n; k++)
                {
                    a[r, k] -= factor * a[col, k];
                }

                b[r] -= factor * b[col];
            }
        }

        var solution = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int k = r + 1; k < n; k++)
            {
                sum -= a[r, k] * solution[k];
            }

            solution[r] = sum / a[r, r];
        }

        return solution;
    }
}
