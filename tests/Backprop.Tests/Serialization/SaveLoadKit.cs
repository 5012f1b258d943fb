using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Tests.Layers;
using Backprop.Tests.TestSupport;
using Backprop.Training;

namespace Backprop.Tests.Serialization;

/// <summary>Models covering every layer type, every optimiser configuration, and helpers to compare bits.</summary>
internal static class SaveLoadKit
{
    public static readonly string[] Optimizers =
        ["sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "nadam", "adamax", "adagrad", "adadelta", "rmsprop", "rmsprop-centered-momentum", "lbfgs"];

    public static Optimizer Optimizer(string name) => name switch
    {
        "sgd" => new SGD(0.05),
        "sgd-momentum" => new SGD(0.01, momentum: 0.9),
        "sgd-nesterov" => new SGD(new Backprop.Optimizers.Schedules.ExponentialDecay(0.05, 3, 0.9), momentum: 0.8, nesterov: true),
        "adam" => new Adam(0.01),
        "adam-amsgrad" => new Adam(0.01, amsgrad: true, clipNorm: 1.0),
        "adamw" => new AdamW(0.01),
        "nadam" => new Nadam(0.01),
        "adamax" => new Adamax(0.01),
        "adagrad" => new Adagrad(0.05),
        "adadelta" => new Adadelta(1.0),
        "rmsprop" => new RMSprop(0.01),
        "rmsprop-centered-momentum" => new RMSprop(0.01, momentum: 0.5, centered: true),
        "lbfgs" => new LBFGS(historySize: 4),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Dense-family layers: Normalization, Dense, BatchNormalization, LeakyReLU, PReLU, Dropout, Activation.</summary>
    public static Sequential DenseModel(DType dtype, int seed) => Randomized(new Sequential(dtype,
        new Normalization([0.1, -0.2, 0.3, 0.0, 0.5, -0.1], [1.0, 2.0, 0.5, 1.5, 1.0, 3.0], inputShape: [6]),
        new Dense(8),
        new BatchNormalization(),
        new LeakyReLU(0.2),
        new Dense(7),
        new PReLU(),
        new Dropout(0.25, seed: 11),
        new Dense(5),
        new Activation("tanh"),
        new Dense(2)), seed);

    /// <summary>Image layers: Reshape, ZeroPadding2D, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten.</summary>
    public static Sequential ConvModel(DType dtype, int seed) => Randomized(new Sequential(dtype,
        new Reshape([6, 6, 1], inputShape: [36]),
        new ZeroPadding2D([1, 1]),
        new Conv2D(3, [3, 3], activation: "relu"),
        new MaxPooling2D([2, 2]),
        new Conv2D(4, [2, 2], padding: "same"),
        new AveragePooling2D([2, 2], strides: [1, 1]),
        new Conv2D(3, [1, 1]),
        new GlobalAveragePooling2D(),
        new Flatten(),
        new Dense(2)), seed);

    public static Sequential Model(string kind, DType dtype, int seed) => kind == "conv" ? ConvModel(dtype, seed) : DenseModel(dtype, seed);

    public static (Tensor X, Tensor Y) Data(string kind, DType dtype, int rows, int seed)
    {
        int features = kind == "conv" ? 36 : 6;
        var x = TestData.Tensor(seed, rows, features);
        var y = TestData.Tensor(seed + 1, rows, 2);
        return dtype == DType.Float32 ? (Tensor.Cast<double, float>(x), Tensor.Cast<double, float>(y)) : (x, y);
    }

    public static void TrainOnBatch(Sequential model, Tensor x, Tensor y)
    {
        switch (x, y)
        {
            case (Tensor<float> xf, Tensor<float> yf): Backprop.Training.SequentialTraining.TrainOnBatch(model, xf, yf); break;
            case (Tensor<double> xd, Tensor<double> yd): Backprop.Training.SequentialTraining.TrainOnBatch(model, xd, yd); break;
        }
    }

    public static Tensor Predict(Sequential model, Tensor x) => x switch
    {
        Tensor<float> f => Backprop.Training.SequentialTraining.Predict(model, f),
        _ => Backprop.Training.SequentialTraining.Predict(model, (Tensor<double>)x),
    };

    /// <summary>True when both lists hold the same tensors, bit for bit (NaN payloads included).</summary>
    public static bool SameBits(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        a.Count == b.Count && a.Zip(b).All(p => SameBits(p.First, p.Second));

    public static bool SameBits(Tensor a, Tensor b) => (a, b) switch
    {
        (Tensor<float> f, Tensor<float> g) => f.Shape == g.Shape && f.AsSpan().SequenceEqual(g.AsSpan()),
        (Tensor<double> f, Tensor<double> g) => f.Shape == g.Shape && f.AsSpan().SequenceEqual(g.AsSpan()),
        (Tensor<long> f, Tensor<long> g) => f.Shape == g.Shape && f.AsSpan().SequenceEqual(g.AsSpan()),
        (Tensor<byte> f, Tensor<byte> g) => f.Shape == g.Shape && f.AsSpan().SequenceEqual(g.AsSpan()),
        _ => false,
    };

    public static string TempPath(string name) => Path.Combine(Path.GetTempPath(), $"backprop-{Guid.NewGuid():N}-{name}");

    private static Sequential Randomized(Sequential model, int seed)
    {
        foreach (var layer in model.Layers.Where(l => l is not (Normalization or BatchNormalization)))
        {
            LayerTestKit.Randomize(layer, seed++, -0.5, 0.5);
        }

        model.Output = TextWriter.Null;
        return model;
    }
}
