using System.Numerics;
using Backprop;
using Backprop.Initializers;
using Backprop.Inspection;
using Backprop.Layers;
using Backprop.Models;
using Backprop.Training;

namespace Backprop.Examples;

/// <summary>y = x·W + b: Keras's <c>SimpleDense</c>, written as a user would. The backward pass ADDS into the
/// gradients, as every layer's must; Fit zeroes them before each step.</summary>
public sealed class SimpleDense : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private Parameter? _kernel;
    private Parameter? _bias;
    private Tensor? _input;

    public SimpleDense(int units, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Units = units;
    }

    public int Units { get; }

    public override Shape ComputeOutputShape(Shape inputShape) =>
        inputShape.Rank == 1 ? new Shape(Units) : throw new ShapeMismatchException($"SimpleDense '{Name}' takes vectors; got {inputShape}.");

    protected override void BuildCore(Shape inputShape)
    {
        _kernel = AddParameter("kernel", new Shape(inputShape[0], Units), new GlorotUniform());
        _bias = AddParameter("bias", new Shape(Units), new Zeros());
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
            for (int j = 0; j < Units; j++)
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
        if (Trainable)
        {
            var dW = _kernel.GradientAs<T>();
            var db = _bias!.GradientAs<T>();
            for (int r = 0; r < x.Shape[0]; r++)
            {
                for (int j = 0; j < Units; j++)
                {
                    db[j] += dy[r, j];
                    for (int i = 0; i < w.Shape[0]; i++)
                    {
                        dW[i, j] += x[r, i] * dy[r, j];
                    }
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
                for (int j = 0; j < Units; j++)
                {
                    sum += dy[r, j] * w[i, j];
                }

                dx[r, i] = sum;
            }
        }

        return dx;
    }

    // What Layer.Registry needs to rebuild the layer from a model config.
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?>(base.GetConfig()) { ["units"] = Units };
}

/// <summary>Checks <see cref="SimpleDense"/>'s backward pass against central differences, registers it, and trains
/// a model holding it with Fit.</summary>
public static class CustomLayerExample
{
    public static (GradientCheckReport Check, History History, string Config) Run()
    {
        // 1. The backward pass against float64 central differences: input, kernel and bias.
        var check = GradientCheck.CheckLayer(new SimpleDense(3), RandomTensor(seed: 1, rows: 5, columns: 4));

        // 2. Register it once, so models that hold it round-trip through their config.
        if (!Layer.Registry.IsRegistered("SimpleDense"))
        {
            Layer.Registry.Register("SimpleDense", c => new SimpleDense(c.Int("units"), c.NullableIntArray("input_shape"), c.String("name")));
        }

        // 3. Train it with Fit like any built-in layer: y = 2·x₀ − x₁ + 0.5.
        var x = RandomTensor(seed: 2, rows: 64, columns: 2);
        var y = new Tensor<double>(64, 1);
        for (int r = 0; r < 64; r++)
        {
            y[r, 0] = 2 * x[r, 0] - x[r, 1] + 0.5;
        }

        var model = new Sequential(DType.Float64, new SimpleDense(8, inputShape: [2]), new Activation("tanh"), new SimpleDense(1));
        model.Compile(optimizer: "adam", loss: "mse");
        var history = model.Fit(x, y, epochs: 200, batchSize: 16, verbose: 0, seed: 3);
        string config = model.GetConfig();
        Console.WriteLine(check);
        Console.WriteLine($"loss {history["loss"][0]:F4} → {history["loss"][^1]:F4}");
        return (check, history, config);
    }

    private static Tensor<double> RandomTensor(int seed, int rows, int columns)
    {
        var random = new System.Random(seed);
        var t = new Tensor<double>(rows, columns);
        foreach (ref double v in t.AsSpan())
        {
            v = random.NextDouble() * 2 - 1;
        }

        return t;
    }
}
