using Backprop.Optimizers;
using Backprop.Optimizers.Schedules;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

/// <summary>Schedules at several steps, values derived by hand from the Keras 3 formulas.</summary>
public class LearningRateScheduleTests
{
    [Fact]
    public void ExponentialDecayContinuousAndStaircase()
    {
        var smooth = new ExponentialDecay(0.1, decaySteps: 10, decayRate: 0.5);
        Assert.Equal(0.1, smooth.Evaluate(0), 15);
        Assert.Equal(0.1 * Math.Pow(0.5, 0.5), smooth.Evaluate(5), 15); // 0.0707107
        Assert.Equal(0.05, smooth.Evaluate(10), 15);
        Assert.Equal(0.025, smooth.Evaluate(20), 15);

        var stairs = new ExponentialDecay(0.1, decaySteps: 10, decayRate: 0.5, staircase: true);
        Assert.Equal(0.1, stairs.Evaluate(9), 15);
        Assert.Equal(0.05, stairs.Evaluate(10), 15);
        Assert.Equal(0.05, stairs.Evaluate(19), 15);
        Assert.Equal(0.025, stairs.Evaluate(25), 15);
    }

    [Fact]
    public void InverseTimeDecay()
    {
        var schedule = new InverseTimeDecay(0.1, decaySteps: 1.0, decayRate: 0.5);
        Assert.Equal(0.1, schedule.Evaluate(0), 15);
        Assert.Equal(0.1 / 1.5, schedule.Evaluate(1), 15);
        Assert.Equal(0.1 / 6.0, schedule.Evaluate(10), 15);

        var stairs = new InverseTimeDecay(1.0, decaySteps: 4, decayRate: 1.0, staircase: true);
        Assert.Equal(1.0, stairs.Evaluate(3), 15);
        Assert.Equal(0.5, stairs.Evaluate(4), 15);
        Assert.Equal(1.0 / 3, stairs.Evaluate(11), 15);
    }

    [Fact]
    public void PiecewiseConstantSwitchesAfterEachBoundary()
    {
        var schedule = new PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1]);
        Assert.Equal(1.0, schedule.Evaluate(0));
        Assert.Equal(1.0, schedule.Evaluate(100)); // step ≤ boundary keeps the earlier value
        Assert.Equal(0.5, schedule.Evaluate(101));
        Assert.Equal(0.5, schedule.Evaluate(110));
        Assert.Equal(0.1, schedule.Evaluate(111));
        Assert.Equal(0.1, schedule.Evaluate(1_000_000));
    }

    [Fact]
    public void PolynomialDecayLinearPowerAndCycle()
    {
        var linear = new PolynomialDecay(0.1, decaySteps: 10, endLearningRate: 0.01);
        Assert.Equal(0.1, linear.Evaluate(0), 15);
        Assert.Equal(0.055, linear.Evaluate(5), 15);  // 0.09·0.5 + 0.01
        Assert.Equal(0.01, linear.Evaluate(10), 15);
        Assert.Equal(0.01, linear.Evaluate(50), 15);  // held at the end

        var square = new PolynomialDecay(1.0, decaySteps: 4, endLearningRate: 0.0, power: 2);
        Assert.Equal(0.5625, square.Evaluate(1), 15); // (1 − 1/4)²
        Assert.Equal(0.25, square.Evaluate(2), 15);

        var cycle = new PolynomialDecay(0.1, decaySteps: 10, endLearningRate: 0.01, cycle: true);
        Assert.Equal(0.1, cycle.Evaluate(0), 15);     // multiplier 1 at step 0
        Assert.Equal(0.01, cycle.Evaluate(10), 15);   // ceil(10/10) = 1 → p = 1
        Assert.Equal(0.0505, cycle.Evaluate(11), 15); // D = 20: 0.09·(1 − 11/20) + 0.01
        Assert.Equal(0.0325, cycle.Evaluate(15), 15); // D = 20: 0.09·(1 − 15/20) + 0.01
    }

    [Fact]
    public void CosineDecayWithoutWarmup()
    {
        var schedule = new CosineDecay(0.1, decaySteps: 10, alpha: 0.1);
        Assert.Equal(0.1, schedule.Evaluate(0), 15);
        Assert.Equal(0.1 * (0.9 * 0.5 + 0.1), schedule.Evaluate(5), 15); // cos(π/2) = 0 → 0.055
        Assert.Equal(0.01, schedule.Evaluate(10), 15);
        Assert.Equal(0.01, schedule.Evaluate(1000), 15);
    }

    [Fact]
    public void CosineDecayWithLinearWarmup()
    {
        var schedule = new CosineDecay(0.0, decaySteps: 4, alpha: 0.0, warmupTarget: 0.2, warmupSteps: 2);
        Assert.Equal(0.0, schedule.Evaluate(0), 15);
        Assert.Equal(0.1, schedule.Evaluate(1), 15);                                // half-way up
        Assert.Equal(0.2, schedule.Evaluate(2), 15);                                // decay starts at the target
        Assert.Equal(0.2 * 0.5 * (1 + Math.Cos(Math.PI / 4)), schedule.Evaluate(3), 15); // 0.170711
        Assert.Equal(0.1, schedule.Evaluate(4), 14);
        Assert.Equal(0.0, schedule.Evaluate(6), 15);
        Assert.Equal(0.0, schedule.Evaluate(600), 15);
    }

    [Fact]
    public void OptimizerUsesTheScheduleValueAtTheCurrentStep()
    {
        // SGD with PiecewiseConstant [0.1 for steps 0–1, 0.01 after]: w moves 0.1, 0.1, 0.01, 0.01 for g = 1.
        var optimizer = new SGD(learningRate: new PiecewiseConstantDecay([1], [0.1, 0.01]));
        var p = Create<double>("kernel", [1.0]);
        SetGradient(p, [1.0]);
        double[] expected = [0.9, 0.8, 0.79, 0.78];
        for (int step = 0; step < expected.Length; step++)
        {
            Assert.Equal(step <= 1 ? 0.1 : 0.01, optimizer.LearningRate, 15);
            optimizer.Apply([p]);
            Assert.Equal(expected[step], Values(p)[0], 14);
        }

        Assert.Equal(4, optimizer.Iterations);
    }

    [Fact]
    public void LearningRateOfScheduledOptimizerCannotBeSet()
    {
        var optimizer = new Adam(learningRate: new ExponentialDecay(1e-3, 100, 0.9));
        var e = Assert.Throws<InvalidOperationException>(() => optimizer.LearningRate = 1e-4);
        Assert.Contains("ExponentialDecay", e.Message);
        Assert.Equal(1e-3, optimizer.LearningRate);

        var fixedRate = new Adam(learningRate: 1e-3) { LearningRate = 1e-4 };
        Assert.Equal(1e-4, fixedRate.LearningRate);
    }

    [Fact]
    public void InvalidScheduleArgumentsAreRejectedWithTheReceivedValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 0, 0.5));
        Assert.Contains("0", e.Message);
        Assert.Contains("-3", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecay(0.1, -3)).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1, 10, warmupTarget: 1, warmupSteps: -1)).Message);
        Assert.Contains("2 boundaries and 2 values", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([1, 2], [1.0, 0.5])).Message);
        Assert.Contains("5 then 5", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([5, 5], [1.0, 0.5, 0.1])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 10, 0.5).Evaluate(-1));
    }

    [Fact]
    public void SchedulesRoundTripThroughTheirConfig()
    {
        LearningRateSchedule[] schedules =
        [
            new ExponentialDecay(0.1, 7, 0.9, staircase: true),
            new InverseTimeDecay(0.2, 3.5, 0.25),
            new PiecewiseConstantDecay([3, 9], [0.3, 0.2, 0.1]),
            new PolynomialDecay(0.5, 11, 0.001, 2.0, cycle: true),
            new CosineDecay(0.0, 13, 0.05, warmupTarget: 0.4, warmupSteps: 5),
        ];
        foreach (var schedule in schedules)
        {
            var copy = LearningRateSchedule.Deserialize(schedule.Serialize());
            Assert.Equal(schedule.GetType(), copy.GetType());
            for (long step = 0; step < 40; step += 3)
            {
                Assert.Equal(schedule.Evaluate(step), copy.Evaluate(step));
            }
        }
    }
}
