#:project ../src/Backprop/Backprop.csproj
// expect: ^simple_dense/kernel .* ok$
// expect: ^simple_dense/bias .* ok$
// expect: ^training loss [0-9.]+ → 0\.00[0-9]+$
// A layer of your own, its backward pass checked against float64 central differences, then trained with Fit:
// `dotnet run examples/custom-layer.cs`. The layer is Keras's SimpleDense, y = x·W + b, written out in loops.
using System.Numerics;
using Backprop;
using Backprop.Initializers;
using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Random;
using Backprop.Training;

// 1. The backward pass against central differences: ∂L/∂x, ∂L/∂W and ∂L/∂b.
GradientCheckReport check = GradientCheck.CheckLayer(new SimpleDense(3), RandomTensor(seed: 1, rows: 5, columns: 4));
Console.WriteLine(check);
if (!check.Passed)
{
    Console.WriteLine("the gradient check FAILED");
    return 1;
}

// 2. Trained under Fit like any built-in layer: y = 2·x₀ − x₁ + 0.5.
var x = RandomTensor(seed: 2, rows: 64, columns: 2);
var y = new Tensor<double>(64, 1);
for (int r = 0; r < 64; r++)
{
    y[r, 0] = 2 * x[r, 0] - x[r, 1] + 0.5;
}

RandomSeed.Set(3);
var model = new Sequential(DType.Float64, new SimpleDense(8, inputShape: [2]), new Activation("tanh"), new SimpleDense(1));
model.Compile(optimizer: "adam", loss: "mse");
var history = model.Fit(x, y, epochs: 200, batchSize: 16, verbose: 0, seed: 3);
Console.WriteLine($"training loss {history["loss"][0]:F4} → {history["loss"][^1]:F4}");
return 0;

static Tensor<double> RandomTensor(int seed, int rows, int columns)
{
    var random = new System.Random(seed);
    var t = new Tensor<double>(rows, columns);
    foreach (ref double v in t.AsSpan())
    {
        v = random.NextDouble() * 2 - 1;
    }

    return t;
}

/// <summary>y = x·W + b. The backward pass ADDS into the gradients, as every layer's must (Fit zeroes them first).</summary>
sealed class SimpleDense(int units, int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private Parameter? _kernel;
    private Parameter? _bias;
    private Tensor? _input;

    public override Shape ComputeOutputShape(Shape inputShape) => new(units);

    protected override void BuildCore(Shape inputShape)
    {
        _kernel = AddParameter("kernel", new Shape(inputShape[0], units), new GlorotUniform());
        _bias = AddParameter("bias", new Shape(units), new Zeros());
    }

    // y = x·W + b
    protected override Tensor<T> ForwardCore<T>(Tensor<T> x, bool training)
    {
        _input = x;
        var w = _kernel!.ValueAs<T>();
        var b = _bias!.ValueAs<T>();
        var y = _output.Rows<T>(x.Shape[0], OutputShape);
        for (int r = 0; r < x.Shape[0]; r++)
        {
            for (int j = 0; j < units; j++)
            {
                T sum = b[j];
                for (int i = 0; i < w.Shape[0]; i++)
                {
                    sum += x[r, i] * w[i, j];
                }

                y[r, j] = sum;
            }
        }

        return y;
    }

    // dW += xᵀ·dy;  db += Σ_rows dy;  dx = dy·Wᵀ
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> dy, bool needInputGradient)
    {
        var x = (Tensor<T>)_input!;
        var w = _kernel!.ValueAs<T>();
        var dW = _kernel.GradientAs<T>();
        var db = _bias!.GradientAs<T>();
        for (int r = 0; r < x.Shape[0]; r++)
        {
            for (int j = 0; j < units; j++)
            {
                db[j] += dy[r, j];
                for (int i = 0; i < w.Shape[0]; i++)
                {
                    dW[i, j] += x[r, i] * dy[r, j];
                }
            }
        }

        if (!needInputGradient)
        {
            return null;
        }

        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        for (int r = 0; r < x.Shape[0]; r++)
        {
            for (int i = 0; i < w.Shape[0]; i++)
            {
                T sum = T.Zero;
                for (int j = 0; j < units; j++)
                {
                    sum += dy[r, j] * w[i, j];
                }

                dx[r, i] = sum;
            }
        }

        return dx;
    }
}
