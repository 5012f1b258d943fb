using Backprop;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;

namespace Backprop.Examples;

/// <summary>Training without Fit, as a PyTorch course writes it: zero the gradients, forward, loss, backward,
/// update — every step in plain sight.</summary>
public static class PyTorchStyleLoop
{
    public static IReadOnlyList<double> Run(int epochs = 100)
    {
        // y = sin(3x) on [−1, 1]
        int n = 128, batchSize = 16;
        var x = new Tensor<double>(n, 1);
        var y = new Tensor<double>(n, 1);
        for (int i = 0; i < n; i++)
        {
            x[i, 0] = -1 + 2.0 * i / (n - 1);
            y[i, 0] = Math.Sin(3 * x[i, 0]);
        }

        Backprop.Random.RandomSeed.Set(7);
        var model = new Sequential(DType.Float64, new Dense(32, activation: "tanh", inputShape: [1]), new Dense(1));
        var optimizer = new SGD(learningRate: 0.02, momentum: 0.9);
        var loss = new MeanSquaredError();
        var gradient = new Tensor<double>(batchSize, 1);     // ∂L/∂ŷ, reused every step
        var losses = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double total = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                var xb = x.SliceRows(start, batchSize);
                var yb = y.SliceRows(start, batchSize);

                model.ZeroGradients();                          // optimizer.zero_grad()
                var output = model.Forward(xb, training: true); // ŷ = model(x)
                total += loss.Forward(yb, output) * batchSize;  // loss = criterion(ŷ, y)
                loss.Backward(yb, output, gradient);            // ∂L/∂ŷ
                model.Backward(gradient);                       // loss.backward()
                optimizer.Apply(model.TrainableParameters);     // optimizer.step()
            }

            losses.Add(total / n);
        }

        Console.WriteLine($"loss {losses[0]:F4} → {losses[^1]:F4}");
        return losses;
    }
}
