using System.Runtime.CompilerServices;
using System.Numerics;
using Backprop.Activations;
using Backprop.Initializers;
using Backprop.Kernels;
using Backprop.Regularizers;
using ActivationFunction = Backprop.Activations.Activation;

namespace Backprop.Layers;

/// <summary>2-D convolution over channels-last images: <c>y[b, i, j, f] = f(Σ_{u,v,c} x[b, i·s_h + u·d_h − p_t,
/// j·s_w + v·d_w − p_l, c] · W[u, v, c, f] + b[f])</c>, with input (batch, height, width, channels), kernel W of
/// shape (kernelHeight, kernelWidth, channels, filters) and bias b of shape (filters). A cross-correlation, as in
/// Keras and PyTorch. Keras <c>layers.Conv2D</c> with its defaults (glorot_uniform kernel, zero bias, strides 1,
/// "valid", dilation 1, channels last); "same" pads as TensorFlow does, the odd row/column at the bottom/right.
/// PyTorch <c>nn.Conv2d</c> is channels-first with the kernel stored (filters, channels, kh, kw) and pads
/// symmetrically. The products run in <see cref="Conv2DKernels"/> (direct kernels reading the patches from the image,
/// or GEMMs over im2col patches).</summary>
public sealed class Conv2D : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _preActivation = new();
    private readonly BatchBuffer _preActivationGradient = new();
    private readonly BatchBuffer _inputGradient = new();
    private readonly GemmActivation _fused;
    private readonly bool _fusable;
    private WindowGeometry _geometry;
    private Parameter? _kernel;
    private Parameter? _bias;
    private Tensor? _input;
    private Tensor? _z;
    private Tensor? _y;

    /// <param name="filters">Output channels (&gt; 0).</param>
    /// <param name="kernelSize">(height, width) of the window, or one value for both.</param>
    /// <param name="strides">(height, width) steps, or one value; default 1.</param>
    /// <param name="padding">"valid" (no padding) or "same" (output ⌈in/stride⌉, TensorFlow's padding).</param>
    /// <param name="activation">f, by Keras name or object; default linear.</param>
    /// <param name="useBias">Whether to add b.</param>
    /// <param name="kernelInitializer">Default "glorot_uniform" (fans: kh·kw·channels in, kh·kw·filters out).</param>
    /// <param name="biasInitializer">Default "zeros".</param>
    /// <param name="kernelRegularizer">Penalty on W added to the loss.</param>
    /// <param name="biasRegularizer">Penalty on b added to the loss.</param>
    /// <param name="activityRegularizer">Penalty on the output y added to the loss.</param>
    /// <param name="kernelConstraint">Projection of W after each step.</param>
    /// <param name="biasConstraint">Projection of b after each step.</param>
    /// <param name="dilationRate">(height, width) spacing of the kernel taps, or one value; default 1. As in Keras,
    /// strides and dilation cannot both exceed 1.</param>
    /// <param name="inputShape">Per-sample input shape (height, width, channels) for the first layer.</param>
    /// <param name="name">Unique layer name; default "conv2d", "conv2d_1", ….</param>
    public Conv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", ActivationFunction? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, int[]? dilationRate = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (filters <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, "A Conv2D layer needs at least one filter.");
        }

        ArgumentNullException.ThrowIfNull(kernelSize);
        Filters = filters;
        KernelSize = WindowArguments.Pair(kernelSize, default, nameof(kernelSize));
        Strides = WindowArguments.Pair(strides, (1, 1), nameof(strides));
        Padding = WindowArguments.Padding(padding);
        DilationRate = WindowArguments.Pair(dilationRate, (1, 1), nameof(dilationRate));
        if (Math.Max(Strides.Height, Strides.Width) > 1 && Math.Max(DilationRate.Height, DilationRate.Width) > 1)
        {
            throw new ArgumentException(
                $"Conv2D: strides > 1 cannot be combined with dilationRate > 1 (as in Keras); received strides ({Strides.Height}, {Strides.Width}) and dilationRate ({DilationRate.Height}, {DilationRate.Width}).",
                nameof(dilationRate));
        }

        Activation = activation ?? new Linear();
        (_fusable, _fused) = Activation switch
        {
            Linear => (true, GemmActivation.None),
            Relu { NegativeSlope: 0, MaxValue: null, Threshold: 0 } => (true, GemmActivation.Relu),
            Tanh => (true, GemmActivation.Tanh),
            Sigmoid => (true, GemmActivation.Sigmoid),
            _ => (false, GemmActivation.None),
        };
        UseBias = useBias;
        KernelInitializerOrNull = kernelInitializer;
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>The number of output channels (kernels).</summary>
    public int Filters { get; }

    /// <summary>(height, width) of the kernel window.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>The steps between window positions, (height, width).</summary>
    public (int Height, int Width) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding { get; }

    /// <summary>The spacing between kernel taps, (height, width); 1 for an ordinary convolution.</summary>
    public (int Height, int Width) DilationRate { get; }

    /// <summary>f, applied to x ⊛ W + b ("linear" when none was given).</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a per-filter bias b is added.</summary>
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

    /// <summary>W, shape (kernelHeight, kernelWidth, channels, filters).</summary>
    public Parameter Kernel => _kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>b, shape (filters), or null without bias.</summary>
    public Parameter? Bias => _bias;

    private Initializer? KernelInitializerOrNull { get; set; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var g = GeometryFor(inputShape);
        return new Shape(g.OutputHeight, g.OutputWidth, Filters);
    }

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape)
    {
        _geometry = GeometryFor(inputShape);
        _kernel = AddParameter("kernel", new Shape(KernelSize.Height, KernelSize.Width, inputShape[2], Filters), KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (UseBias)
        {
            _bias = AddParameter("bias", new Shape(Filters), BiasInitializer, true, BiasRegularizer, BiasConstraint, fanShape: _kernel.Shape);
        }
    }

    // z = conv(x, W) + b;  y = f(z)
    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int batch = input.Shape[0];
        _input = input;
        var y = _output.Rows<T>(batch, OutputShape);
        ReadOnlySpan<T> b = _bias is null ? default : _bias.ValueAs<T>().AsSpan();
        var w = _kernel!.ValueAs<T>().AsSpan();
        if (_fusable)
        {
            // relu, tanh and sigmoid are applied by the GEMM epilogue while each block of y is in cache.
            Conv2DKernels.Forward<T>(_geometry, batch, Filters, input.AsSpan(), w, b, _fused, y.AsSpan());
        }
        else
        {
            var z = _preActivation.Rows<T>(batch, OutputShape);
            Conv2DKernels.Forward<T>(_geometry, batch, Filters, input.AsSpan(), w, b, GemmActivation.None, z.AsSpan());
            Activation.Forward(z, y);
            _z = z;
        }

        _y = y;
        return y;
    }

    // dz = dy ⊙ f′(z);  ∂W += Σ_pixels patchᵀ·dz;  ∂b += Σ_pixels dz;  ∂x = col2im(dz·Wᵀ)
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        var x = (Tensor<T>)_input!;
        var y = (Tensor<T>)_y!;
        int batch = x.Shape[0];
        Span<T> dW = Trainable ? _kernel!.GradientAs<T>().AsSpan() : default;
        Span<T> db = Trainable && _bias is not null ? _bias.GradientAs<T>().AsSpan() : default;
        var dx = needInputGradient ? _inputGradient.Rows<T>(batch, InputShape) : null;
        var dy = outputGradient;
        var activation = _fused;
        if (!_fusable)
        {
            // An activation the kernels do not fuse: its own backward pass first, then the linear part.
            var dz = _preActivationGradient.Rows<T>(batch, OutputShape);
            Activation.Backward((Tensor<T>)_z!, y, outputGradient, dz);
            dy = dz;
            activation = GemmActivation.None;
        }

        Conv2DKernels.Backward<T>(_geometry, batch, Filters, x.AsSpan(), _kernel!.ValueAs<T>().AsSpan(), y.AsSpan(), dy.AsSpan(),
            activation, dW, db, dx is null ? default : dx.AsSpan());
        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = new Dictionary<string, object?>(base.GetConfig())
        {
            ["filters"] = Filters,
            ["kernel_size"] = new[] { KernelSize.Height, KernelSize.Width },
            ["strides"] = new[] { Strides.Height, Strides.Width },
            ["padding"] = Padding,
            ["data_format"] = "channels_last",
            ["dilation_rate"] = new[] { DilationRate.Height, DilationRate.Width },
            ["groups"] = 1,
            ["activation"] = Activation.Describe(),
            ["use_bias"] = UseBias,
            ["kernel_initializer"] = KernelInitializer.Describe(),
            ["bias_initializer"] = BiasInitializer.Describe(),
            ["kernel_regularizer"] = KernelRegularizer?.Describe(),
            ["bias_regularizer"] = BiasRegularizer?.Describe(),
            ["kernel_constraint"] = KernelConstraint?.Describe(),
            ["bias_constraint"] = BiasConstraint?.Describe(),
        };
        return config;
    }

    private WindowGeometry GeometryFor(Shape inputShape)
    {
        WindowArguments.CheckImage(inputShape, this);
        return WindowGeometry.Create(inputShape[0], inputShape[1], inputShape[2], KernelSize.Height, KernelSize.Width,
            Strides.Height, Strides.Width, DilationRate.Height, DilationRate.Width, Padding == "same",
            $"Conv2D '{Name}' on input {WithNone(inputShape)}");
    }
}
