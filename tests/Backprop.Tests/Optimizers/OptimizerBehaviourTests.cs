using System.Text.Json;
using Backprop.Layers;
using Backprop.Optimizers;
using Backprop.Optimizers.Schedules;
using Backprop.Tests.TestSupport;
using static Backprop.Tests.Optimizers.OptimizerTestHelpers;

namespace Backprop.Tests.Optimizers;

public class OptimizerBehaviourTests
{
    [Fact]
    public void ClipNormRescalesEachParameterSeparately()
    {
        // ‖[3, 4]‖ = 5 > 1 → g = [0.6, 0.8]; ‖[0.3, 0.4]‖ = 0.5 ≤ 1 → unchanged. SGD η = 1 makes w = −g.
        var a = Create<double>("kernel", [0.0, 0.0]);
        var b = Create<double>("bias", [0.0, 0.0]);
        SetGradient(a, [3.0, 4.0]);
        SetGradient(b, [0.3, 0.4]);
        new SGD(learningRate: 1.0, clipNorm: 1.0).Apply([a, b]);
        AssertClose([-0.6, -0.8], Values(a), 1e-15);
        AssertClose([-0.3, -0.4], Values(b), 1e-15);
        Assert.Equal([3.0, 4.0], a.Gradient.ToDoubleArray()); // the raw gradient is left as Backward wrote it
    }

    [Fact]
    public void GlobalClipNormRescalesAllParametersTogether()
    {
        // Joint norm √(3² + 4² + 12²) = 13 > 2.6 → scale 0.2.
        var a = Create<float>("kernel", [0.0, 0.0]);
        var b = Create<float>("bias", [0.0]);
        SetGradient(a, [3.0, 4.0]);
        SetGradient(b, [12.0]);
        new SGD(learningRate: 1.0, globalClipNorm: 2.6).Apply([a, b]);
        AssertClose([-0.6, -0.8], Values(a), 1e-6);
        AssertClose([-2.4], Values(b), 1e-6);
    }

    [Fact]
    public void ClipValueClampsElements()
    {
        var a = Create<double>("kernel", [0.0, 0.0, 0.0]);
        SetGradient(a, [2.0, -0.1, -7.0]);
        new SGD(learningRate: 1.0, clipValue: 0.5).Apply([a]);
        Assert.Equal([-0.5, 0.1, 0.5], Values(a));
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void NonFiniteNormUnderNormClippingThrowsAndChangesNothing(double bad)
    {
        var a = Create<double>("kernel", [1.0, 2.0]);
        var b = Create<double>("bias", [3.0]);
        SetGradient(a, [0.5, 0.5]);
        SetGradient(b, [bad]);
        var optimizer = new Adam(globalClipNorm: 1.0);
        var e = Assert.Throws<NonFiniteGradientException>(() => optimizer.Apply([a, b]));
        Assert.Equal(1, e.ParameterIndex);
        Assert.Contains("bias", e.Message);
        Assert.Equal([1.0, 2.0], Values(a));
        Assert.Equal([3.0], Values(b));
        Assert.Equal(0, optimizer.Iterations);

        Assert.Throws<NonFiniteGradientException>(() => new SGD(clipNorm: 1.0).Apply([a, b]));
        Assert.Equal([1.0, 2.0], Values(a));
    }

    [Fact]
    public void WeightDecayIsDecoupledAndAppliedBeforeTheStep()
    {
        // SGD η 0.1, λ 0.5: w ← w − 0.1·0.5·w = 0.95w, then w − 0.1g. w = 2, g = 1 → 1.9 − 0.1 = 1.8.
        var p = Create<double>("kernel", [2.0]);
        SetGradient(p, [1.0]);
        new SGD(learningRate: 0.1, weightDecay: 0.5).Apply([p]);
        Assert.Equal(1.8, Values(p)[0], 15);

        // Adam: decay does not enter m or v — with a zero gradient only the decay moves w.
        var q = Create<double>("kernel", [2.0]);
        new AdamW(learningRate: 0.1, weightDecay: 0.5).Apply([q]);
        Assert.Equal(1.9, Values(q)[0], 15);
    }

    [Fact]
    public void ExcludedParametersGetNoWeightDecay()
    {
        var kernel = Create<double>("kernel", [2.0]);
        var bias = Create<double>("bias", [2.0]);
        var optimizer = new SGD(learningRate: 0.1, weightDecay: 0.5);
        optimizer.ExcludeFromWeightDecay("bias");
        optimizer.Apply([kernel, bias]);
        Assert.Equal(1.9, Values(kernel)[0], 15);
        Assert.Equal(2.0, Values(bias)[0]);
    }

    [Fact]
    public void ConstraintIsAppliedAfterTheStep()
    {
        // w = 2, g = 1, η = 0.1: the step gives 1.9, the box constraint 1.0. (Before the step it would give 0.9.)
        var p = Create<double>("kernel", [2.0, -0.5], constraint: new UnitBoxConstraint());
        SetGradient(p, [1.0, 1.0]);
        new SGD(learningRate: 0.1).Apply([p]);
        AssertClose([1.0, -0.6], Values(p), 1e-15);
    }

    [Fact]
    public void NonTrainableParametersAreUntouched()
    {
        var moving = Create<double>("moving_mean", [1.0, 2.0], trainable: false);
        var kernel = Create<double>("kernel", [1.0]);
        SetGradient(moving, [5.0, 5.0]);
        SetGradient(kernel, [1.0]);
        var optimizer = new Adam(learningRate: 0.1, weightDecay: 0.1, globalClipNorm: 0.5);
        optimizer.Apply([moving, kernel]);
        optimizer.Apply([moving, kernel]);
        Assert.Equal([1.0, 2.0], Values(moving));
        Assert.NotEqual(1.0, Values(kernel)[0]);
    }

    public static TheoryData<string, Func<object>> InvalidArguments() => new()
    {
        { "-0.5", () => new SGD(learningRate: -0.5) },
        { "NaN", () => new Adam(learningRate: double.NaN) },
        { "1.5", () => new SGD(momentum: 1.5) },
        { "1", () => new Adam(beta1: 1.0) },
        { "-0.1", () => new Adam(beta2: -0.1) },
        { "0", () => new Adam(epsilon: 0) },
        { "-1E-07", () => new Nadam(epsilon: -1e-7) },
        { "1.2", () => new Adamax(beta2: 1.2) },
        { "-0.1", () => new Adagrad(initialAccumulatorValue: -0.1) },
        { "1", () => new Adadelta(rho: 1.0) },
        { "1", () => new RMSprop(momentum: 1.0) },
        { "-1", () => new RMSprop(rho: -1) },
        { "-0.004", () => new AdamW(weightDecay: -0.004) },
        { "0", () => new SGD(clipNorm: 0) },
        { "-1", () => new SGD(clipValue: -1) },
        { "Infinity", () => new SGD(globalClipNorm: double.PositiveInfinity) },
        { "0", () => new LBFGS(maxIterations: 0) },
        { "-1", () => new LBFGS(tolerance: -1) },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void InvalidArgumentsAreRejectedWithTheReceivedValue(string received, Func<object> create)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Contains(received, e.Message);
    }

    [Fact]
    public void OnlyOneClippingOptionIsAllowed()
    {
        var e = Assert.Throws<ArgumentException>(() => new SGD(clipNorm: 1, clipValue: 2));
        Assert.Contains("clipNorm=1", e.Message);
        Assert.Contains("clipValue=2", e.Message);
    }

    [Fact]
    public void SettingANegativeLearningRateIsRejected()
    {
        var optimizer = new SGD();
        Assert.Contains("-1", Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1).Message);
        Assert.Equal(0.01, optimizer.LearningRate);
    }

    [Fact]
    public void ScheduleReturningAnInvalidRateStopsTheStep()
    {
        var optimizer = new SGD(learningRate: new InverseTimeDecay(0.1, 1, -0.75));
        var p = Create<double>("kernel", [1.0]);
        SetGradient(p, [1.0]);
        optimizer.Apply([p]); // 0.1
        optimizer.Apply([p]); // 0.1 / 0.25
        var e = Assert.Throws<InvalidOperationException>(() => optimizer.Apply([p])); // 0.1 / −0.5
        Assert.Contains("-0.2", e.Message);
    }

    public static TheoryData<string> AllNames() => [.. OptimizerRegistry.Names];

    [Theory]
    [MemberData(nameof(AllNames))]
    public void ApplyAllocatesNothingAfterTheFirstStep(string name)
    {
        if (name == "lbfgs")
        {
            return;
        }

        foreach (var options in new Func<Optimizer>[]
        {
            () => OptimizerRegistry.Create(name),
            () => OptimizerRegistry.FromConfig(name, new Dictionary<string, object?> { ["clipnorm"] = 0.5, ["weight_decay"] = 0.01 }),
            () => OptimizerRegistry.FromConfig(name, new Dictionary<string, object?> { ["global_clipnorm"] = 0.5, ["learning_rate"] = new CosineDecay(0.1, 5, warmupTarget: 0.2, warmupSteps: 2).Serialize() }),
        })
        {
            var optimizer = (FirstOrderOptimizer)options();
            Parameter[] parameters =
            [
                Create<float>("kernel", Enumerable.Range(0, 33).Select(i => Math.Sin(i)).ToArray()),
                Create<double>("bias", [0.1, -0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
                Create<float>("moving_mean", [1.0], trainable: false),
            ];
            SetGradient(parameters[0], Enumerable.Range(0, 33).Select(i => Math.Cos(i)).ToArray());
            SetGradient(parameters[1], [1.0, -1.0, 0.5, 0.25, -0.5, 2.0, 0.0]);
            optimizer.Apply(parameters);
            optimizer.Apply(parameters);
            long allocated = Allocations.By(() =>
            {
                for (int i = 0; i < 20; i++)
                {
                    optimizer.Apply(parameters);
                }
            });
            Assert.True(allocated == 0, $"{optimizer} allocated {allocated} bytes in 20 steps.");
        }
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void ConfigRoundTripsThroughJson(string name)
    {
        var optimizer = name switch
        {
            "sgd" => new SGD(learningRate: new ExponentialDecay(0.1, 10, 0.9), momentum: 0.8, nesterov: true, clipValue: 0.7),
            "adam" => new Adam(learningRate: 0.002, beta1: 0.8, amsgrad: true, weightDecay: 0.01, globalClipNorm: 3),
            "rmsprop" => new RMSprop(rho: 0.8, momentum: 0.3, centered: true, clipNorm: 2),
            "lbfgs" => new LBFGS(maxIterations: 50, tolerance: 1e-6, historySize: 7),
            _ => OptimizerRegistry.Create(name),
        };
        var config = optimizer.GetConfig();
        string json = JsonSerializer.Serialize(config);
        var parsed = JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!;
        var copy = OptimizerRegistry.FromConfig(name, parsed);
        Assert.Equal(optimizer.GetType(), copy.GetType());
        Assert.Equal(json, JsonSerializer.Serialize(copy.GetConfig()));
        Assert.Equal(optimizer.ToString(), copy.ToString());
    }

    [Fact]
    public void KerasWrittenConfigsLoadAndUnknownKeysAreRejected()
    {
        // Keys exactly as keras.optimizers.Adam().get_config() writes them.
        var keras = new Dictionary<string, object?>
        {
            ["name"] = "adam", ["learning_rate"] = 0.001, ["weight_decay"] = null, ["clipnorm"] = null, ["global_clipnorm"] = null,
            ["clipvalue"] = null, ["use_ema"] = false, ["ema_momentum"] = 0.99, ["ema_overwrite_frequency"] = null,
            ["loss_scale_factor"] = null, ["gradient_accumulation_steps"] = null, ["beta_1"] = 0.9, ["beta_2"] = 0.999,
            ["epsilon"] = 1e-07, ["amsgrad"] = false,
        };
        var adam = Assert.IsType<Adam>(OptimizerRegistry.FromConfig("adam", keras));
        Assert.Equal(1e-3, adam.LearningRate);

        keras["use_ema"] = true;
        Assert.Throws<NotSupportedException>(() => OptimizerRegistry.FromConfig("adam", keras));
        var e = Assert.Throws<ArgumentException>(() => OptimizerRegistry.FromConfig("sgd", new Dictionary<string, object?> { ["momentun"] = 0.9 }));
        Assert.Contains("'momentun'", e.Message);
    }

    [Fact]
    public void RegistryHasKerasNamesAndDefaults()
    {
        Assert.Equal(["adadelta", "adagrad", "adam", "adamax", "adamw", "lbfgs", "nadam", "rmsprop", "sgd"], OptimizerRegistry.Names);
        Assert.Equal(0.01, Optimizer.Get("sgd").LearningRate);
        Optimizer adam = "Adam";
        Assert.Equal(1e-3, adam.LearningRate);
        Assert.Equal(0.004, ((AdamW)Optimizer.Get("adamw")).WeightDecay);
        var adagrad = (Adagrad)Optimizer.Get("adagrad");
        Assert.Equal((1e-3, 0.1, 1e-7), (adagrad.LearningRate, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
        var adadelta = (Adadelta)Optimizer.Get("adadelta");
        Assert.Equal((1e-3, 0.95, 1e-7), (adadelta.LearningRate, adadelta.Rho, adadelta.Epsilon));
        var rmsprop = (RMSprop)Optimizer.Get("rmsprop");
        Assert.Equal((1e-3, 0.9, 0.0, 1e-7, false), (rmsprop.LearningRate, rmsprop.Rho, rmsprop.Momentum, rmsprop.Epsilon, rmsprop.Centered));
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Get("adamm"));
        Assert.Contains("adamax", e.Message);
    }

    [Fact]
    public void ResetForgetsStateAndIterations()
    {
        var p = Create<double>("kernel", [1.0, -0.5]);
        SetGradient(p, [0.5, -2.0]);
        var optimizer = new Nadam(learningRate: 0.1);
        optimizer.Apply([p]);
        double[] afterFirst = Values(p);
        optimizer.Reset();
        Assert.Equal(0, optimizer.Iterations);
        var q = Create<double>("kernel", [1.0, -0.5]);
        SetGradient(q, [0.5, -2.0]);
        optimizer.Apply([q]);
        Assert.Equal(afterFirst, Values(q));
    }

    [Fact]
    public void LbfgsCannotTakeMiniBatchSteps()
    {
        // L-BFGS is full-batch: it has no Apply (no mini-batch update exists to call), says so to Fit, and each Step
        // is a whole iteration driven by its closure.
        Assert.False(typeof(FirstOrderOptimizer).IsAssignableFrom(typeof(LBFGS)));
        var optimizer = new LBFGS();
        Assert.True(optimizer.RequiresFullBatch);
        var p = Create<double>("kernel", [1.0]);
        double Loss()
        {
            double w = p.ValueAs<double>()[0];
            p.GradientAs<double>()[0] += 2 * (w - 3);
            return (w - 3) * (w - 3);
        }

        double loss = optimizer.Step(Loss, [p]);
        Assert.True(loss < 4, $"one iteration on (w − 3)² from w = 1 must lower the loss; got {loss}");
        Assert.Equal(1, optimizer.Iterations);
    }
}
