using Backprop.Initializers;
using Backprop.Layers;

namespace Backprop.Labs.LogisticRegression;

/// <summary>Softmax (multinomial logistic) regression written as a user writes a layer of their own, as course 004,
/// §1.1 a) asks: the parameters W (D × C) and b (C) registered with <c>AddParameter</c> (PyTorch's
/// <c>register_parameter</c>), drawn from N(0, 1) and scaled by 1/√n with n the length of the input side they act
/// on — D for W (Xavier-like), C for b — and the logits z = Wᵀx + b for each sample x (row-wise: z = x·W + b with <c>Ops.MatMul</c>, W in
/// Keras's (inputs, units) layout). <see cref="Probabilities"/> applies the softmax; training uses the logits with
/// <c>CategoricalCrossentropy(fromLogits: true)</c>, whose gradient is softmax(z) − y.</summary>
public sealed class SoftmaxRegression : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _inputGradient = new();
    private Parameter? _w;
    private Parameter? _b;
    private Tensor? _input;

    /// <param name="classes">C, the number of classes.</param>
    /// <param name="seed">Seeds the initial W and b (null: the library-wide stream).</param>
    /// <param name="inputShape">(D) when the layer comes first.</param>
    /// <param name="name">Layer name.</param>
    public SoftmaxRegression(int classes, int? seed = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        Classes = classes;
        Seed = seed;
    }

    /// <summary>Number of classes C (outputs).</summary>
    public int Classes { get; }

    /// <summary>Seed of the initial weights, or null for the library-wide stream.</summary>
    public int? Seed { get; }

    /// <summary>W, shape (D, C).</summary>
    public Parameter W => _w ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>b, shape (C).</summary>
    public Parameter B => _b ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        inputShape.Rank == 1 ? new Shape(Classes) : throw new ShapeMismatchException($"SoftmaxRegression '{Name}' takes feature vectors; got per-sample shape {inputShape}.");

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape)
    {
        int d = inputShape[0];
        _w = AddParameter("W", new Shape(d, Classes), new RandomNormal(0, 1 / Math.Sqrt(d), Seed));
        _b = AddParameter("b", new Shape(Classes), new RandomNormal(0, 1 / Math.Sqrt(Classes), Seed is { } s ? s + 1 : null));
    }

    // z = x·W + b
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> x, bool training)
    {
        _input = x;
        var z = _output.Rows<T>(x.Shape[0], OutputShape);
        Ops.MatMul(x, W.ValueAs<T>(), destination: z);
        var b = B.ValueAs<T>().AsSpan();
        var rows = z.AsSpan();
        for (int start = 0; start < rows.Length; start += Classes)
        {
            AddInPlace(rows.Slice(start, Classes), b);
        }

        return z;
    }

    // dW += xᵀ·dz;  db += Σ_rows dz;  dx = dz·Wᵀ
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> dz, bool needInputGradient)
    {
        var x = (Tensor<T>)_input!;
        if (Trainable)
        {
            Ops.MatMul(x, dz, transposeA: true, destination: W.GradientAs<T>(), beta: T.One);
            var db = B.GradientAs<T>().AsSpan();
            var rows = dz.AsSpan();
            for (int start = 0; start < rows.Length; start += Classes)
            {
                AddInPlace(db, rows.Slice(start, Classes));
            }
        }

        if (!needInputGradient)
        {
            return null;
        }

        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        return Ops.MatMul(dz, W.ValueAs<T>(), transposeB: true, destination: dx);
    }

    // a += b, element by element.
    private static void AddInPlace<T>(Span<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] += b[i];
        }
    }

    /// <summary>softmax(z) of the logits <paramref name="logits"/>, row by row (max subtracted for stability).</summary>
    public static double[,] Probabilities(Tensor<double> logits)
    {
        int rows = logits.Shape[0], classes = logits.Shape[1];
        var p = new double[rows, classes];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = Math.Max(max, logits[r, c]);
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                p[r, c] = Math.Exp(logits[r, c] - max);
                sum += p[r, c];
            }

            for (int c = 0; c < classes; c++)
            {
                p[r, c] /= sum;
            }
        }

        return p;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?>(base.GetConfig()) { ["classes"] = Classes, ["seed"] = Seed };
}
