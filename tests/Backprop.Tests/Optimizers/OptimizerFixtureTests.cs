using System.Numerics;
using System.Text.Json;
using Backprop.Layers;
using Backprop.Optimizers;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

/// <summary>Five-step trajectories of two parameters against Fixtures/Optimizers/optimizer_trajectories.json,
/// made by make_optimizer_fixtures.py: an independent numpy transcription of Keras 3's update rules (including
/// clipping, weight decay and schedules) and, where the formulas coincide, torch.optim itself. Each optimiser is
/// built from the fixture's Keras config through <see cref="OptimizerRegistry.FromConfig"/>.</summary>
public class OptimizerFixtureTests
{
    private static readonly Lazy<JsonDocument> s_fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optimizers", "optimizer_trajectories.json"))));

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in s_fixture.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("label").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64TrajectoryMatchesReference(string label) => RunCase<double>(label, relative: 1e-12, absolute: 1e-15);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32TrajectoryMatchesReference(string label) => RunCase<float>(label, relative: 2e-6, absolute: 2e-6);

    [Fact]
    public void KerasAdamEpsilonDiffersFromTorchAsDocumented()
    {
        // Keras divides by √v + ε̂ before the bias correction is folded into α_t, PyTorch by √v̂ + ε after it:
        // with ε = 1e-7 on both and a 1e-6 gradient element the trajectories visibly part.
        var difference = s_fixture.Value.RootElement.GetProperty("adam_epsilon_difference");
        double keras = difference.GetProperty("keras")[1][1][0].GetDouble();
        double torch = difference.GetProperty("torch_eps_1e-7")[1][1][0].GetDouble();
        Assert.True(Math.Abs(keras - torch) > 1e-7, $"Keras {keras:R} vs torch {torch:R}");

        var optimizer = new Adam(learningRate: 0.1);
        var parameters = InitialParameters<double>();
        for (int step = 0; step < 2; step++)
        {
            ApplyFixtureGradients(parameters, step);
            optimizer.Apply(parameters);
        }

        Assert.Equal(keras, Values(parameters[1])[0], 12);
        Assert.NotEqual(torch, Values(parameters[1])[0], 9);
    }

    private static void RunCase<T>(string label, double relative, double absolute) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = s_fixture.Value.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("label").GetString() == label);
        var config = c.GetProperty("config").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        var optimizer = (FirstOrderOptimizer)OptimizerRegistry.FromConfig(c.GetProperty("name").GetString()!, config);
        var parameters = InitialParameters<T>();
        int step = 0;
        foreach (var expected in c.GetProperty("weights").EnumerateArray())
        {
            ApplyFixtureGradients(parameters, step);
            optimizer.Apply(parameters);
            for (int p = 0; p < parameters.Length; p++)
            {
                var want = expected[p].EnumerateArray().Select(e => e.GetDouble()).ToArray();
                AssertClose(want, Values(parameters[p]), relative, absolute, $"{label} ({typeof(T).Name}) step {step + 1} parameter {p}");
            }

            step++;
        }

        Assert.Equal(step, optimizer.Iterations);
    }

    private static Parameter[] InitialParameters<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var initial = s_fixture.Value.RootElement.GetProperty("initial");
        return
        [
            Create<T>("kernel", initial[0].EnumerateArray().Select(e => e.GetDouble()).ToArray()),
            Create<T>("bias", initial[1].EnumerateArray().Select(e => e.GetDouble()).ToArray()),
        ];
    }

    private static void ApplyFixtureGradients(Parameter[] parameters, int step)
    {
        var gradients = s_fixture.Value.RootElement.GetProperty("gradients")[step];
        for (int p = 0; p < parameters.Length; p++)
        {
            SetGradient(parameters[p], gradients[p].EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }
    }
}
