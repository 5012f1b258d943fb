using Backprop.Layers;
using Backprop.Models;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>Predict groups whole batches into larger forward passes; every row must still get exactly the bits a
/// pass over its own batch gives (Keras's batch-by-batch predict), for every layer kind and awkward sizes.</summary>
public sealed class PredictionTests
{
    public static TheoryData<string> Models => new() { "relu", "tanh", "sigmoid", "swish", "gelu", "softmax", "narrow", "wide", "wide-output", "deep-input", "conv", "norm" };

    private static Sequential Build(string kind) => kind switch
    {
        "conv" => new Sequential(
            new Conv2D(5, [3, 3], padding: "same", activation: "relu", inputShape: [9, 9, 2]),
            new MaxPooling2D(),
            new Conv2D(6, [2, 2], activation: "swish"),
            new Flatten(),
            new Dense(4, activation: "softmax")),
        "norm" => new Sequential(
            new Dense(37, activation: "relu", inputShape: [13]),
            new BatchNormalization(),
            new Dropout(0.5),
            new Dense(3)),
        "narrow" => new Sequential(new Dense(33, activation: "tanh", inputShape: [13]), new Dense(1)),
        "wide" => new Sequential(new Dense(1000, activation: "relu", inputShape: [300]), new Dense(10)),

        // 1,000 outputs a row: a 256-row pass fills 1 MB of the result, which is copied over two threads or more.
        "wide-output" => new Sequential(new Dense(1000, activation: "relu", inputShape: [13])),
        "deep-input" => new Sequential(new Dense(20, activation: "relu", inputShape: [784]), new Dense(10)),
        _ => new Sequential(new Dense(70, activation: kind, inputShape: [13]), new Dense(17, activation: kind == "softmax" ? "softmax" : "linear")),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_matches_a_forward_pass_per_batch_bit_for_bit(string kind)
    {
        var model = Build(kind);
        var sample = model.Layers[0].InputShape;
        foreach (int n in new[] { 1, 7, 33, 300, 1001 })
        {
            int[] shape = [n, .. sample.ToArray()];
            var x = Tensor.Cast<double, float>(TestData.Tensor(n, shape));
            foreach (int batchSize in new[] { 1, 2, 7, 32, 300 })
            {
                var expected = new List<float>();
                for (int start = 0; start < n; start += batchSize)
                {
                    expected.AddRange(model.Forward(x.SliceRows(start, Math.Min(batchSize, n - start))).ToArray());
                }

                var predicted = model.Predict(x, batchSize: batchSize).ToArray();
                Assert.True(expected.ToArray().AsSpan().SequenceEqual(predicted), $"{kind}: {n} rows, batch {batchSize}: Predict differs from batch-by-batch forward passes.");
            }
        }
    }

    [Fact]
    public void Whole_batches_are_grouped_up_to_the_pass_size()
    {
        var model = Build("relu");
        Assert.Equal(256, Prediction.RowsPerPass(model, 32, 10_000, sizeof(float)));
        Assert.Equal(300, Prediction.RowsPerPass(model, 300, 10_000, sizeof(float)));
        Assert.Equal(96, Prediction.RowsPerPass(model, 32, 100, sizeof(float)));
        Assert.Equal(252, Prediction.RowsPerPass(model, 7, 10_000, sizeof(float)));

        // Single rows too, where the machine has FMA: the one-row GEMV sums in the packed GEMM's depth slices.
        Assert.Equal(System.Runtime.Intrinsics.X86.Fma.IsSupported ? 256 : 1, Prediction.RowsPerPass(Build("deep-input"), 1, 10_000, sizeof(float)));

        // One output unit: a one-row product and a many-row one sum differently (GEMV against dot products).
        Assert.Equal(1, Prediction.RowsPerPass(Build("narrow"), 1, 10_000, sizeof(float)));

        // 300 inputs: deeper than one packed slice, so batches that take the few-row GEMM (2 rows) stay alone,
        // while 32-row batches (already packed) are grouped.
        var wide = Build("wide");
        Assert.Equal(2, Prediction.RowsPerPass(wide, 2, 10_000, sizeof(float)));
        Assert.Equal(256, Prediction.RowsPerPass(wide, 32, 10_000, sizeof(float)));
    }

    /// <summary>Once warm, Predict allocates its result and nothing per pass: the layers' buffers are reused.</summary>
    [Fact]
    public void Warm_predict_allocates_only_its_result()
    {
        var model = new Sequential(new Dense(100, activation: "relu", inputShape: [784]), new Dense(10));
        var x = Tensor.Cast<double, float>(TestData.Tensor(5, 1000, 784));
        long resultBytes = 1000 * 10 * sizeof(float);
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            // Least of several calls: tiering and first-use buffers make single measurements noisy.
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Predict(x, batchSize: 32);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.InRange(least, resultBytes, resultBytes + 2048);
    }
}
