using Backprop.Layers;
using Backprop.Metrics;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Regularizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>Evaluate and Fit's validation pass group whole batches into larger forward passes when every row then
/// gets its own batch's bits. Loss and metrics must equal one pass per batch bit for bit, and each case says whether
/// grouping is taken, so that equality cannot come from never grouping.</summary>
public sealed class GroupedEvaluationTests
{
    public static TheoryData<string, int, int, bool> Cases => new()
    {
        { "swish", 1001, 32, true },
        { "swish", 1001, 7, true },
        { "classifier", 257, 16, true },
        { "classifier", 33, 1, true },
        { "batchnorm", 1000, 32, true },
        { "regularised", 77, 8, true },
        { "conv", 70, 7, true },
        { "deep", 300, 32, true },     // depth 784 > one GEMM slice, 30 units: 32 and 256 rows both sum it in one chain
        { "wide", 300, 32, false },    // 300 units: 32 rows sum it in one chain, 256 slice by slice
        { "activity", 101, 8, false }, // its penalty would be taken over the whole pass
        { "swish", 40, 32, false },    // one whole batch: nothing to group
        { "swish", 127, 32, false },   // fewer than four batches: not worth a decision
        { "swish", 128, 32, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_gives_the_bits_of_one_pass_per_batch(string kind, int rows, int batchSize, bool grouped)
    {
        var (model, x, y) = Build(kind, rows);
        model.Fit(x, y, epochs: 1, batchSize: batchSize, verbose: 0, seed: 3);
        if (VectorRoutes)
        {
            Assert.Equal(grouped, PassRows(model, x, batchSize) > batchSize);
        }

        var together = model.Evaluate(x, y, batchSize, verbose: 0);
        var apart = OnePassPerBatch(() => model.Evaluate(x, y, batchSize, verbose: 0));
        Assert.Equal(apart.Keys.Order(), together.Keys.Order());
        foreach (var (key, value) in apart)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(together[key]));
        }
    }

    [Theory]
    [InlineData("swish", 301, 32)]
    [InlineData("classifier", 257, 16)]
    [InlineData("batchnorm", 1000, 32)]
    public void Fit_with_validation_data_keeps_every_history_value(string kind, int rows, int batchSize)
    {
        History Run(bool onePassPerBatch)
        {
            var (model, x, y) = Build(kind, rows);
            var (xVal, yVal) = Build(kind, rows + 13, seed: 9) is var (_, xv, yv) ? (xv, yv) : default;
            return onePassPerBatch
                ? OnePassPerBatch(() => model.Fit(x, y, epochs: 3, batchSize: batchSize, validationData: (xVal, yVal), verbose: 0, seed: 5))
                : model.Fit(x, y, epochs: 3, batchSize: batchSize, validationData: (xVal, yVal), verbose: 0, seed: 5);
        }

        var together = Run(false);
        var apart = Run(true);
        Assert.Contains("val_loss", together.Values.Keys);
        foreach (var (key, values) in apart.Values)
        {
            Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), together[key].Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Theory]
    [InlineData(333, 32)]
    [InlineData(34, 1)]
    public void Evaluate_in_float64_gives_the_bits_of_one_pass_per_batch(int rows, int batchSize)
    {
        var model = new Sequential(DType.Float64, new Dense(32, activation: "swish", inputShape: [13]), new Dense(16, activation: "tanh"), new Dense(2));
        LayerTestKit.Randomize(model, 4, -0.4, 0.4);
        model.Compile(new SGD(0.01), "mse", ["mae"]);
        var x = Tensor.From(TestData.Doubles(rows * 13, 7, -2, 2), rows, 13);
        var y = Tensor.From(TestData.Doubles(rows * 2, 8, -1, 1), rows, 2);
        model.Fit(x, y, epochs: 1, batchSize: batchSize, verbose: 0, seed: 3);
        Assert.True(!VectorRoutes || PassRows(model, x, batchSize) > batchSize);
        var together = model.Evaluate(x, y, batchSize, verbose: 0);
        var apart = OnePassPerBatch(() => model.Evaluate(x, y, batchSize, verbose: 0));
        Assert.Equal(BitConverter.DoubleToInt64Bits(apart["loss"]), BitConverter.DoubleToInt64Bits(together["loss"]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(apart["mae"]), BitConverter.DoubleToInt64Bits(together["mae"]));
    }

    [Fact]
    public void A_trainer_with_its_own_test_step_sees_every_batch()
    {
        var (model, x, y) = Build("swish", 101);
        var trainer = new CountingTrainer();
        model.Compile(trainer);
        var result = model.Evaluate(x, y, batchSize: 8, verbose: 0);
        Assert.Equal(13, trainer.TestSteps);
        Assert.Equal(8, PassRows(model, x, 8));
        Assert.True(double.IsFinite(result["loss"]));

        // The same model and data under Backprop's own trainer would be grouped.
        var (plain, _, _) = Build("swish", 101);
        plain.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0, seed: 3);
        Assert.True(PassRows(plain, x, 8) > 8);
    }

    /// <summary>The expected groupings follow the vector GEMM's routes (FMA, AVX2 or AVX-512). Without them the
    /// products take the portable route, which sums depth its own way and one-row batches differently, so Predict's
    /// rule groups other cases there; the results must still be equal.</summary>
    private static bool VectorRoutes => !Backprop.Kernels.GemmPacked.IsPortable && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    private static int PassRows<T>(Sequential model, Tensor<T> x, int batchSize)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        model.Trainer!.EvaluationPassRows(new TensorBatches<T>(x, x, batchSize, shuffle: false, seed: 0));

    private static TResult OnePassPerBatch<TResult>(Func<TResult> run)
    {
        Trainer.t_onePassPerBatch = true;
        try
        {
            return run();
        }
        finally
        {
            Trainer.t_onePassPerBatch = false;
        }
    }

    private static (Sequential Model, Tensor<float> X, Tensor<float> Y) Build(string kind, int rows, int seed = 1)
    {
        var (layers, inputs, outputs, loss, metrics) = kind switch
        {
            "swish" => (new Layer[] { new Dense(32, activation: "swish", inputShape: [13]), new Dense(16, activation: "swish"), new Dense(1) },
                13, 1, "mse", new Metric[] { "mae" }),
            "classifier" => (new Layer[] { new Dense(16, activation: "relu", inputShape: [20]), new Dense(4, activation: "softmax") },
                20, 4, "categorical_crossentropy", new Metric[] { "accuracy" }),
            "batchnorm" => (new Layer[] { new Dense(12, activation: "tanh", inputShape: [6]), new BatchNormalization(), new Dropout(0.3, seed: 2), new Dense(1, activation: "sigmoid") },
                6, 1, "binary_crossentropy", new Metric[] { "accuracy" }),
            "regularised" => (new Layer[] { new Dense(9, activation: "relu", kernelRegularizer: new L2(0.01), inputShape: [5]), new Dense(2, biasRegularizer: new L1(0.02)) },
                5, 2, "mse", new Metric[] { "mae" }),
            "activity" => (new Layer[] { new Dense(9, activation: "relu", activityRegularizer: new L2(0.01), inputShape: [5]), new Dense(2) },
                5, 2, "mse", Array.Empty<Metric>()),
            "deep" => (new Layer[] { new Dense(30, activation: "relu", inputShape: [784]), new Dense(3) },
                784, 3, "mse", Array.Empty<Metric>()),
            "wide" => (new Layer[] { new Dense(300, activation: "relu", inputShape: [784]), new Dense(3) },
                784, 3, "mse", Array.Empty<Metric>()),
            "conv" => (new Layer[] { new Conv2D(4, [3, 3], activation: "relu", inputShape: [7, 7, 2]), new Flatten(), new Dense(3) },
                7 * 7 * 2, 3, "mse", Array.Empty<Metric>()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var model = new Sequential(layers);
        double range = 1.5 / Math.Sqrt(inputs);
        LayerTestKit.Randomize(model, seed + 10, -range, range);
        model.Compile(new SGD(0.01, momentum: 0.9), loss, metrics);
        var x = Tensor.From(TestData.Floats(rows * inputs, seed, -2, 2), kind == "conv" ? [rows, 7, 7, 2] : [rows, inputs]);
        var targets = TestData.Floats(rows * outputs, seed + 1, 0, 1);
        if (kind == "classifier")
        {
            for (int r = 0; r < rows; r++)
            {
                int hot = (int)(targets[r * outputs] * outputs) % outputs;
                for (int j = 0; j < outputs; j++)
                {
                    targets[r * outputs + j] = j == hot ? 1 : 0;
                }
            }
        }
        else if (kind == "batchnorm")
        {
            for (int r = 0; r < rows; r++)
            {
                targets[r] = targets[r] > 0.5f ? 1 : 0;
            }
        }

        return (model, x, Tensor.From(targets, rows, outputs));
    }

    private sealed class CountingTrainer() : Trainer(new SGD(0.01), new Backprop.Losses.MeanSquaredError())
    {
        public int TestSteps { get; private set; }

        protected override double TestStep<T>(Tensor<T> x, Tensor<T> y)
        {
            TestSteps++;
            return base.TestStep(x, y);
        }
    }
}
