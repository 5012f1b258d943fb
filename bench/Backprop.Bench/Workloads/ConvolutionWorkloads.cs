using Backprop.Layers;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Training;

namespace Backprop.Bench.Workloads;

/// <summary>Convolutional networks, side by side with bench/peers/workloads_conv.py (PyTorch), on random images
/// (28×28×1 in [0, 1)) and random one-hot labels:
/// "train lenet5 epoch" — one epoch over 54,000 images (MNIST's training part after Keras's validation split) of the
/// plain sigmoid LeNet-5 (Conv2D 6@5×5 sigmoid → AveragePooling 2 → Conv2D 16@5×5 sigmoid → AveragePooling 2 → Flatten
/// → Dense 120 sigmoid → Dense 84 sigmoid → Dense 10 softmax, 44,426 parameters), batch 128, Adam (1e-3),
/// categorical cross-entropy, seconds;
/// "train cnn epoch" — the same epoch for Keras's MNIST CNN (Conv2D 32@3×3 relu → Conv2D 64@3×3 relu → MaxPooling 2
/// → Dropout 0.25 → Flatten → Dense 128 relu → Dropout 0.5 → Dense 10 softmax) with RMSprop (Keras defaults);
/// "conv2d lenet-c1 b128" / "conv2d lenet-c2 b128" / "conv2d cnn-c2 b128" — one Conv2D forward + backward alone at
/// batch 128 at LeNet's two shapes (28×28×1 → 6@5×5, sigmoid, no input gradient as a first layer; 12×12×6 → 16@5×5,
/// sigmoid, with the input gradient) and the CNN's second convolution (26×26×32 → 64@3×3 relu), milliseconds.</summary>
public sealed class ConvolutionWorkloads : IWorkloadGroup
{
    public IEnumerable<Workload> Workloads(bool quick)
    {
        int images = quick ? 5_400 : 54_000;
        yield return new Workload("train lenet5 epoch", _ => Epoch(LeNet5(), new Adam(learningRate: 1e-3), images));
        yield return new Workload("train cnn epoch", _ => Epoch(Cnn(), new RMSprop(), quick ? 1_080 : images));
        yield return new Workload("conv2d lenet-c1 b128", _ => ConvolutionAlone(new Conv2D(6, [5, 5], activation: "sigmoid"), 28, 28, 1, inputGradient: false));
        yield return new Workload("conv2d lenet-c2 b128", _ => ConvolutionAlone(new Conv2D(16, [5, 5], activation: "sigmoid"), 12, 12, 6, inputGradient: true));
        yield return new Workload("conv2d cnn-c2 b128", _ => ConvolutionAlone(new Conv2D(64, [3, 3], activation: "relu"), 26, 26, 32, inputGradient: true));
    }

    internal static Sequential LeNet5() => new(
        new Conv2D(6, [5, 5], activation: "sigmoid", inputShape: [28, 28, 1]),
        new AveragePooling2D([2, 2], [2, 2]),
        new Conv2D(16, [5, 5], activation: "sigmoid"),
        new AveragePooling2D([2, 2], [2, 2]),
        new Flatten(),
        new Dense(120, activation: "sigmoid"),
        new Dense(84, activation: "sigmoid"),
        new Dense(10, activation: "softmax"));

    internal static Sequential Cnn() => new(
        new Conv2D(32, [3, 3], activation: "relu", inputShape: [28, 28, 1]),
        new Conv2D(64, [3, 3], activation: "relu"),
        new MaxPooling2D([2, 2]),
        new Dropout(0.25, seed: 1),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dropout(0.5, seed: 2),
        new Dense(10, activation: "softmax"));

    private static Measurement Epoch(Sequential model, Optimizer optimizer, int images)
    {
        var x = Images(images, 5);
        var y = OneHot(images, 6);
        model.Compile(optimizer, "categorical_crossentropy");

        // Warm up on 2,000 images (the peer does the same), so the timed epoch runs tiered-up code.
        model.Fit(x.SliceRows(0, 2000), y.SliceRows(0, 2000), epochs: 1, batchSize: 128, verbose: 0, seed: 1);
        double best = double.MaxValue;
        for (int repetition = 0; repetition < 2; repetition++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Fit(x, y, epochs: 1, batchSize: 128, verbose: 0, seed: 1);
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return new Measurement(best * 54_000 / images, "s", false);
    }

    private static Measurement ConvolutionAlone(Conv2D layer, int height, int width, int channels, bool inputGradient)
    {
        const int batch = 128;
        var x = Images(batch, 7, height, width, channels);
        layer.Build(new Shape(height, width, channels));
        var dy = Images(batch, 8, layer.OutputShape[0], layer.OutputShape[1], layer.OutputShape[2]);
        double seconds = Timing.BestSecondsPerCall(() =>
        {
            layer.Forward(x, training: true);
            foreach (var p in layer.Parameters)
            {
                p.ZeroGradient();
            }

            if (inputGradient)
            {
                layer.Backward(dy);
            }
            else
            {
                layer.BackwardInternal(dy, needInputGradient: false);
            }
        }, repetitions: 5, minSeconds: 0.3);
        return new Measurement(seconds * 1e3, "ms", false);
    }

    private static Tensor<float> Images(int count, int seed, int height = 28, int width = 28, int channels = 1)
    {
        var rng = new System.Random(seed);
        var values = new float[count * height * width * channels];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)rng.NextDouble();
        }

        return Tensor.From(values, count, height, width, channels);
    }

    private static Tensor<float> OneHot(int count, int seed)
    {
        var rng = new System.Random(seed);
        var values = new float[count * 10];
        for (int i = 0; i < count; i++)
        {
            values[i * 10 + rng.Next(10)] = 1;
        }

        return Tensor.From(values, count, 10);
    }
}
