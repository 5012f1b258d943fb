using System.Runtime.CompilerServices;
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
public sealed class Dense : Layer, IActivationOutput
{
    /// <summary>Linear layers with fewer units than this add their bias themselves rather than in the GEMM.</summary>
    private const int NarrowOutput = 8;

    private readonly BatchBuffer _preActivation = new();
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _preActivationGradient = new();
    private readonly BatchBuffer _inputGradient = new();
    private readonly BatchBuffer _sigmoid = new();
    private readonly Fusion _fusion;
    private Parameter? _kernel;
    private Parameter? _bias;
    private int _inputs;
    private Tensor? _input;
    private Tensor? _z;
    private Tensor? _sigmoidOfZ;
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
        _fusion = FusionOf(Activation);
        UseBias = useBias;
        KernelInitializerOrNull = kernelInitializer;
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>The output width: the number of units.</summary>
    public int Units { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; }

    /// <summary>f, applied after x·W + b.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>f (<see cref="Activation"/>), for the loss–output handshake.</summary>
    public ActivationFunction OutputActivation => Activation;

    /// <summary>Whether a bias b is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel initialiser ("glorot_uniform" unless one was given).</summary>
    public Initializer KernelInitializer => KernelInitializerOrNull ??= Initializer.Get("glorot_uniform");

    /// <summary>How b starts (Keras default "zeros").</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The penalty on W added to the loss, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>The penalty on b added to the loss, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The projection applied to W after each step, or null.</summary>
    public Constraint? KernelConstraint { get; }

    /// <summary>The projection applied to b after each step, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>W, shape (inputs, units).</summary>
    public Parameter Kernel => _kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>b, shape (units), or null without bias.</summary>
    public Parameter? Bias => _bias;

    private Initializer? KernelInitializerOrNull { get; set; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank == 0)
        {
            throw new ShapeMismatchException($"Dense '{Name}' needs inputs with at least one feature axis; got per-sample shape {inputShape}.");
        }

        return inputShape.WithDimension(-1, Units);
    }

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape)
    {
        // The width of the last axis, read on every pass (Shape's negative indexing costs a normalisation each time).
        _inputs = inputShape[-1];
        _kernel = AddParameter("kernel", new Shape(inputShape[-1], Units), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddParameter("bias", new Shape(Units), BiasInitializer, true, BiasRegularizer, BiasConstraint, fanShape: _kernel.Shape);
        }
    }

    // z = x·W + b;  y = f(z)
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int inputs = _inputs;
        int rows = input.Length / inputs;
        _input = input;
        var w = _kernel!.ValueAs<T>().AsSpan();
        ReadOnlySpan<T> b = _bias is null ? default : _bias.ValueAs<T>().AsSpan();
        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        switch (_fusion)
        {
            case Fusion.Linear when Units < NarrowOutput && !b.IsEmpty:
                // A narrow output (a regression head): the GEMM epilogue adds the bias row by row with a library
                // call each, which costs more than adding it here in one pass.
                Gemm.Multiply(false, false, rows, Units, inputs, T.One, input.AsSpan(), inputs, w, Units, T.Zero, y.AsSpan(), Units);
                DenseKernels.AddBias(rows, Units, y.AsSpan(), b);
                break;
            case Fusion.Linear or Fusion.Relu or Fusion.Tanh or Fusion.Sigmoid:
                // One GEMM: the bias and f are applied to each block of y while it is still in cache.
                Gemm.Multiply(false, false, rows, Units, inputs, T.One, input.AsSpan(), inputs, w, Units, T.Zero, y.AsSpan(), Units, b, EpilogueOf(_fusion));
                break;
            case Fusion.Swish:
                // x·W lands in y; one pass then adds b, keeps s = σ(z) for the backward pass and leaves y = z·s.
                Gemm.Multiply(false, false, rows, Units, inputs, T.One, input.AsSpan(), inputs, w, Units, T.Zero, y.AsSpan(), Units);
                var s = _sigmoid.Rows<T>(input.Shape[0], OutputShape);
                DenseKernels.SwishForward(rows, Units, y.AsSpan(), b, s.AsSpan());
                _sigmoidOfZ = s;
                break;
            default:
                var z = _preActivation.Rows<T>(input.Shape[0], OutputShape);
                Gemm.Multiply(false, false, rows, Units, inputs, T.One, input.AsSpan(), inputs, w, Units, T.Zero, z.AsSpan(), Units, b, GemmActivation.None);
                Activation.Forward(z, y);
                _z = z;
                break;
        }

        _y = y;
        return y;
    }

    // dz = dy ⊙ f′(z);  dW += xᵀ·dz;  db += Σ_rows dz;  dx = dz·Wᵀ
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        if (_fusion == Fusion.Linear)
        {
            return BackwardFromZ(outputGradient, needInputGradient);
        }

        var y = (Tensor<T>)_y!;
        int rows = y.Length / Units;
        var dy = outputGradient.AsSpan();
        var dz = _preActivationGradient.Rows<T>(y.Shape[0], OutputShape);
        bool overwriteBias = false;
        Span<T> db = Trainable && _bias is not null ? _bias.GradientToAccumulate<T>(out overwriteBias).AsSpan() : default;

        // f′ comes from what the forward pass stored (relu, tanh, sigmoid: their output y; swish: y and σ(z)),
        // and db is summed in the same pass over dz.
        switch (_fusion)
        {
            case Fusion.Relu:
                DenseKernels.ReluBackward<T>(rows, Units, y.AsSpan(), dy, dz.AsSpan(), db, overwriteBias);
                break;
            case Fusion.Tanh:
                DenseKernels.TanhBackward<T>(rows, Units, y.AsSpan(), dy, dz.AsSpan(), db, overwriteBias);
                break;
            case Fusion.Sigmoid:
                DenseKernels.SigmoidBackward<T>(rows, Units, y.AsSpan(), dy, dz.AsSpan(), db, overwriteBias);
                break;
            case Fusion.Swish:
                DenseKernels.SwishBackward<T>(rows, Units, y.AsSpan(), ((Tensor<T>)_sigmoidOfZ!).AsSpan(), dy, dz.AsSpan(), db, overwriteBias);
                break;
            default:
                Activation.Backward((Tensor<T>)_z!, y, outputGradient, dz);
                if (!db.IsEmpty)
                {
                    DenseKernels.ColumnSums<T>(rows, Units, dz.AsSpan(), db, overwriteBias);
                }

                break;
        }

        return WeightAndInputGradients(dz, needInputGradient);
    }

    /// <summary>The backward pass from ∂L/∂z (z = x·W + b, before the activation): used when the loss supplies
    /// ∂L/∂z directly (softmax + cross-entropy fused into ŷ − y).</summary>
    public Tensor<T>? BackwardFromPreActivation<T>(Tensor<T> preActivationGradient, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckOutputGradient(preActivationGradient);
        return BackwardFromZ(preActivationGradient, needInputGradient);
    }

    // db += Σ_rows dz, then dW and dx
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor<T>? BackwardFromZ<T>(Tensor<T> dz, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Trainable && _bias is not null)
        {
            var db = _bias.GradientToAccumulate<T>(out bool overwrite);
            DenseKernels.ColumnSums<T>(dz.Length / Units, Units, dz.AsSpan(), db.AsSpan(), overwrite);
        }

        return WeightAndInputGradients(dz, needInputGradient);
    }

    // dW += xᵀ·dz;  dx = dz·Wᵀ (db is already done)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor<T>? WeightAndInputGradients<T>(Tensor<T> dz, bool needInputGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = (Tensor<T>)_input!;
        int inputs = _inputs;
        int rows = x.Length / inputs;
        if (Trainable)
        {
            // A kernel gradient that is zero right now is written over (β = 0): the same values as adding to zero.
            var dW = _kernel!.GradientToAccumulate<T>(out bool overwrite);
            Gemm.Multiply(true, false, inputs, Units, rows, T.One, x.AsSpan(), inputs, dz.AsSpan(), Units, overwrite ? T.Zero : T.One,
                dW.AsSpan(), Units);
            if (overwrite && (long)rows * (inputs + Units) < (long)inputs * Units)
            {
                // |∂W_ij| = |Σ_r x_ri·δ_rj| ≤ rows·max|x|·max|δ|, times (1 + 2(rows + 1)ε) for the GEMM's rounding: the
                // optimiser's non-finite guard checks this bound instead of reading ∂W, which at small batches costs
                // as much as the update itself.
                double rounding = 1 + (2.0 * (rows + 1) * (typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16));
                _kernel.BoundGradient(rows * LargestMagnitude.Of<T>(x.AsSpan()) * LargestMagnitude.Of<T>(dz.AsSpan()) * rounding);
            }
        }

        if (!needInputGradient)
        {
            return null;
        }

        var dx = _inputGradient.Rows<T>(x.Shape[0], InputShape);
        if (Units == 1)
        {
            // One unit: dx = dz·wᵀ is an outer product, one rounded multiply per element as in the GEMM, without
            // the GEMM's transposed copy of w and its tile set-up.
            DenseKernels.OuterProduct<T>(dz.AsSpan(), _kernel!.ValueAs<T>().AsSpan(), dx.AsSpan());
        }
        else
        {
            Gemm.Multiply(false, true, rows, inputs, Units, T.One, dz.AsSpan(), Units, _kernel!.ValueAs<T>().AsSpan(), Units, T.Zero, dx.AsSpan(), inputs);
        }

        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = new Dictionary<string, object?>(base.GetConfig())
        {
            ["units"] = Units,
            ["activation"] = Activation.Name,
            ["use_bias"] = UseBias,
            ["kernel_initializer"] = KernelInitializer.Describe(),
            ["bias_initializer"] = BiasInitializer.Describe(),
            ["kernel_regularizer"] = KernelRegularizer?.Describe(),
            ["bias_regularizer"] = BiasRegularizer?.Describe(),
            ["kernel_constraint"] = KernelConstraint?.Describe(),
            ["bias_constraint"] = BiasConstraint?.Describe(),
        };
        config["activation"] = Activation.Describe();
        return config;
    }

    /// <summary>How the activation is fused into the layer's passes.</summary>
    private enum Fusion
    {
        /// <summary>Any other activation: its own Forward/Backward on a separate z buffer.</summary>
        None,
        Linear,
        Relu,
        Tanh,
        Sigmoid,
        Swish,
    }

    private static Fusion FusionOf(ActivationFunction activation) => activation switch
    {
        Linear => Fusion.Linear,
        Relu { NegativeSlope: 0, MaxValue: null, Threshold: 0 } => Fusion.Relu,
        Tanh => Fusion.Tanh,
        Sigmoid => Fusion.Sigmoid,
        Swish => Fusion.Swish,
        _ => Fusion.None,
    };

    private static GemmActivation EpilogueOf(Fusion fusion) => fusion switch
    {
        Fusion.Relu => GemmActivation.Relu,
        Fusion.Tanh => GemmActivation.Tanh,
        Fusion.Sigmoid => GemmActivation.Sigmoid,
        _ => GemmActivation.None,
    };
}
