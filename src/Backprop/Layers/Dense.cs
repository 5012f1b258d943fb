using System.Numerics;
using Backprop.Activations;
using Backprop.Initializers;
using Backprop.Kernels;
using Backprop.Regularizers;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Layers;

/// <summary>A fully connected layer: <c>y = f(x·W + b)</c> with kernel W of shape (inputs, units) and bias b of
/// shape (units), acting on the last axis of its input. Keras <c>Dense</c> (same defaults: glorot_uniform kernel,
/// zero bias, linear activation); PyTorch <c>nn.Linear</c> stores W transposed, (units, inputs).</summary>
public sealed class Dense : Layer
{
    private readonly RowWorkspace _preActivation = new();
    private readonly RowWorkspace _output = new();
    private readonly RowWorkspace _preActivationGradient = new();
    private readonly RowWorkspace _inputGradient = new();
    private Parameter? _kernel;
    private Parameter? _bias;
    private Tensor? _input;
    private Tensor? _z;
    private Tensor? _y;

    /// <param name="units">Output width (&gt; 0).</param>
    /// <param name="activation">f, by Keras name or object; default linear.</param>
    /// <param name="useBias">Whether to add b.</param>
    /// <param name="kernelInitializer">Default "glorot_uniform" (Keras).</param>
    /// <param name="biasInitializer">Default "zeros".</param>
    /// <param name="kernelRegularizer">Penalty on W added to the loss.</param>
    /// <param name="biasRegularizer">Penalty on b added to the loss.</param>
    /// <param name="activityRegularizer">Penalty on the output y added to the loss.</param>
    /// <param name="kernelConstraint">Projection of W after each step.</param>
    /// <param name="biasConstraint">Projection of b after each step.</param>
    /// <param name="inputShape">Per-sample input shape for the first layer, e.g. <c>[13]</c>.</param>
    /// <param name="name">Unique layer name; default "dense", "dense_1", ….</param>
    public Dense(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (units <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, "A Dense layer needs at least one unit.");
        }

        Units = units;
        Activation = activation ?? new Linear();
        UseBias = useBias;
        KernelInitializerOrNull = kernelInitializer;
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    public int Units { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    /// <summary>The kernel initialiser ("glorot_uniform" unless one was given).</summary>
    public Initializer KernelInitializer => KernelInitializerOrNull ??= Initializer.Get("glorot_uniform");

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>W, shape (inputs, units).</summary>
    public Parameter Kernel => _kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>b, shape (units), or null without bias.</summary>
    public Parameter? Bias => _bias;

    private Initializer? KernelInitializerOrNull { get; set; }

    private bool IsLinear => Activation is Linear;

    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank == 0)
        {
            throw new ShapeMismatchException($"Dense '{Name}' needs inputs with at least one feature axis; got per-sample shape {inputShape}.");
        }

        return inputShape.WithDimension(-1, Units);
    }

    protected override void BuildCore(Shape inputShape)
    {
        _kernel = AddParameter("kernel", new Shape(inputShape[-1], Units), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddParameter("bias", new Shape(Units), BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    // z = x·W + b;  y = f(z)
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int inputs = InputShape[-1];
        int rows = input.Length / inputs;
        _input = input;
        var z = (IsLinear ? _output : _preActivation).Rows<T>(input.Shape[0], OutputShape);
        var w = _kernel!.ValueAs<T>();
        Gemm.Multiply(false, false, rows, Units, inputs, T.One, input.AsSpan(), inputs, w.AsSpan(), Units, T.Zero, z.AsSpan(), Units);
        if (_bias is not null)
        {
            AddToRows(z.AsSpan(), _bias.ValueAs<T>().AsSpan());
        }

        _z = z;
        if (IsLinear)
        {
            _y = z;
            return z;
        }

        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        Activation.Forward(z, y);
        _y = y;
        return y;
    }

    // dz = dy ⊙ f′(z);  dW += xᵀ·dz;  db += Σ_rows dz;  dx = dz·Wᵀ
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        var x = (Tensor<T>)_input!;
        int inputs = InputShape[-1];
        int rows = x.Length / inputs;
        var dz = outputGradient;
        if (!IsLinear)
        {
            dz = _preActivationGradient.Rows<T>(x.Shape[0], OutputShape);
            Activation.Backward((Tensor<T>)_z!, (Tensor<T>)_y!, outputGradient, dz);
        }

        return BackwardFromPreActivation(dz, needInputGradient);
    }

    /// <summary>The backward pass from ∂L/∂z (z = x·W + b, before the activation): used when the loss supplies
    /// ∂L/∂z directly (softmax + cross-entropy fused into ŷ − y).</summary>
    internal Tensor<T>? BackwardFromPreActivation<T>(Tensor<T> dz, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = (Tensor<T>)_input!;
        int inputs = InputShape[-1];
        int rows = x.Length / inputs;
        if (Trainable)
        {
            T beta = OverwriteGradients ? T.Zero : T.One;
            Gemm.Multiply(true, false, inputs, Units, rows, T.One, x.AsSpan(), inputs, dz.AsSpan(), Units, beta,
                _kernel!.GradientAs<T>().AsSpan(), Units);
            if (_bias is not null)
            {
                SumRows(dz.AsSpan(), _bias.GradientAs<T>().AsSpan(), OverwriteGradients);
            }
        }

        if (!needInputGradient)
        {
            return null;
        }

        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        Gemm.Multiply(false, true, rows, inputs, Units, T.One, dz.AsSpan(), Units, _kernel!.ValueAs<T>().AsSpan(), Units, T.Zero, dx.AsSpan(), inputs);
        return dx;
    }

    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = new Dictionary<string, object?>(base.GetConfig())
        {
            ["units"] = Units,
            ["activation"] = Activation.Name,
            ["use_bias"] = UseBias,
            ["kernel_initializer"] = Serialization.ConfigObjects.Describe(KernelInitializer.Name, KernelInitializer.GetConfig()),
            ["bias_initializer"] = Serialization.ConfigObjects.Describe(BiasInitializer.Name, BiasInitializer.GetConfig()),
            ["kernel_regularizer"] = Serialization.ConfigObjects.Describe(KernelRegularizer),
            ["bias_regularizer"] = Serialization.ConfigObjects.Describe(BiasRegularizer),
            ["kernel_constraint"] = Serialization.ConfigObjects.Describe(KernelConstraint),
            ["bias_constraint"] = Serialization.ConfigObjects.Describe(BiasConstraint),
        };
        if (Activation.GetConfig().Count > 0)
        {
            config["activation"] = Serialization.ConfigObjects.Describe(Activation.Name, Activation.GetConfig());
        }

        return config;
    }

    /// <summary>Adds <paramref name="vector"/> to every row of <paramref name="matrix"/>.</summary>
    internal static void AddToRows<T>(Span<T> matrix, ReadOnlySpan<T> vector)
        where T : unmanaged, INumber<T>
    {
        int n = vector.Length;
        for (int start = 0; start < matrix.Length; start += n)
        {
            var row = matrix.Slice(start, n);
            Elementwise.Add<T>(row, vector, row);
        }
    }

    /// <summary>sum (+)= Σ over rows of <paramref name="matrix"/> (row length = sum's length), in row order.</summary>
    internal static void SumRows<T>(ReadOnlySpan<T> matrix, Span<T> sum, bool overwrite)
        where T : unmanaged, INumber<T>
    {
        int n = sum.Length;
        int start = 0;
        if (overwrite)
        {
            if (matrix.Length == 0)
            {
                sum.Clear();
                return;
            }

            matrix[..n].CopyTo(sum);
            start = n;
        }

        for (; start < matrix.Length; start += n)
        {
            Elementwise.Add<T>(sum, matrix.Slice(start, n), sum);
        }
    }
}
