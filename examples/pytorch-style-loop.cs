#:project ../src/Backprop/Backprop.csproj
// expect: ^loss 0\.5884 → 0\.0083$
// Training without Fit, the way a PyTorch course writes it — zero the gradients, forward, loss, backward, step — on
// y = sin(3x): `dotnet run examples/pytorch-style-loop.cs`.
using Backprop;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Models;
using Backprop.Optimizers;
using Backprop.Random;

int n = 128, batchSize = 16;
var x = new Tensor<double>(n, 1);
var y = new Tensor<double>(n, 1);
for (int i = 0; i < n; i++)
{
    x[i, 0] = -1 + 2.0 * i / (n - 1);
    y[i, 0] = Math.Sin(3 * x[i, 0]);
}

RandomSeed.Set(7);
var model = new Sequential(DType.Float64, new Dense(32, activation: "tanh", inputShape: [1]), new Dense(1));
var optimizer = new SGD(learningRate: 0.02, momentum: 0.9);   // torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
var criterion = new MeanSquaredError();                       // nn.MSELoss()
var gradient = new Tensor<double>(batchSize, 1);              // ∂L/∂ŷ, reused every step
double first = 0, last = 0;
for (int epoch = 1; epoch <= 100; epoch++)
{
    double total = 0;
    for (int start = 0; start < n; start += batchSize)
    {
        var xb = x.SliceRows(start, batchSize);
        var yb = y.SliceRows(start, batchSize);

        model.ZeroGradients();                                // optimizer.zero_grad()
        var output = model.Forward(xb, training: true);       // ŷ = model(x)
        total += criterion.Forward(yb, output) * batchSize;   // loss = criterion(ŷ, y)
        criterion.Backward(yb, output, gradient);             // ∂L/∂ŷ
        model.Backward(gradient);                             // loss.backward()
        optimizer.Apply(model.TrainableParameters);           // optimizer.step()
    }

    last = total / n;
    first = epoch == 1 ? last : first;
    if (epoch % 25 == 0)
    {
        Console.WriteLine($"epoch {epoch,3}: loss {last:F5}");
    }
}

Console.WriteLine($"loss {first:F4} → {last:F4}");
