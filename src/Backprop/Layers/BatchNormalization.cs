using System.Runtime.CompilerServices;
using System.Globalization;
using Backprop.Initializers;
using Backprop.Kernels;
using Backprop.Regularizers;
using Backprop.Config;

namespace Backprop.Layers;

/// <summary>Batch normalisation over the last axis (features): in training
/// <c>y = γ·(x − μ_B)/√(σ²_B + ε) + β</c> with the batch mean and biased variance, and the moving statistics
/// updated as <c>moving = moving·m + batch·(1 − m)</c>; at inference the moving statistics replace the batch ones.
/// Keras <c>layers.BatchNormalization</c> with its defaults (momentum 0.99, ε = 1e-3, biased variance for both);
/// PyTorch's <c>BatchNorm1d</c> uses momentum 0.1 in the opposite sense (<c>running = (1 − 0.1)·running + 0.1·batch</c>,
/// so Keras momentum 0.9), ε = 1e-5, and an unbiased running variance: <c>new BatchNormalization(momentum: 0.9,
/// epsilon: 1e-5, unbiasedMovingVariance: true)</c> is <c>nn.BatchNorm1d(features)</c>. γ and β are trainable;
/// moving_mean and moving_variance are not.</summary>
public sealed class BatchNormalization : Layer
{
    private readonly BatchBuffer _output = new();
    private readonly BatchBuffer _normalized = new();
    private readonly BatchBuffer _inputGradient = new();
    private Parameter? _gamma;
    private Parameter? _beta;
    private Parameter? _movingMean;
    private Parameter? _movingVariance;
    private double[] _mean = [];
    private double[] _inverseStd = [];
    private double[] _sumDy = [];
    private double[] _sumDyXhat = [];
    private double[] _coefficient = [];
    private bool _lastTraining;

    /// <param name="axis">The feature axis; only the last axis (−1, Keras's default) is supported.</param>
    /// <param name="momentum">m in [0, 1] (Keras 0.99).</param>
    /// <param name="epsilon">ε &gt; 0 (Keras 1e-3).</param>
    /// <param name="center">Learn β.</param>
    /// <param name="scale">Learn γ.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="movingMeanInitializer">Default zeros.</param>
    /// <param name="movingVarianceInitializer">Default ones.</param>
    /// <param name="betaRegularizer">Penalty on β.</param>
    /// <param name="gammaRegularizer">Penalty on γ.</param>
    /// <param name="betaConstraint">Projection of β after each step.</param>
    /// <param name="gammaConstraint">Projection of γ after each step.</param>
    /// <param name="inputShape">Per-sample input shape when this is the first layer.</param>
    /// <param name="name">Unique layer name; default "batch_normalization", ….</param>
    /// <param name="unbiasedMovingVariance">Update the moving variance with the unbiased batch variance
    /// σ²_B·n/(n − 1), as PyTorch does (Keras uses the biased one, the default). Normalisation in training always uses
    /// the biased variance, in both frameworks. A batch of one row, where the unbiased estimate is undefined (PyTorch
    /// refuses it), updates with the biased variance 0.</param>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null,
        int[]? inputShape = null, string? name = null, bool unbiasedMovingVariance = false)
        : base(name, inputShape)
    {
        if (!(momentum is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNormalization momentum must be in [0, 1].");
        }

        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "BatchNormalization epsilon must be finite and positive.");
        }

        Axis = axis;
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer;
        GammaInitializer = gammaInitializer;
        MovingMeanInitializer = movingMeanInitializer;
        MovingVarianceInitializer = movingVarianceInitializer;
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
        UnbiasedMovingVariance = unbiasedMovingVariance;
    }

    /// <summary>The feature axis (−1).</summary>
    public int Axis { get; }

    /// <summary>True when the moving variance is updated with the unbiased batch variance (PyTorch).</summary>
    public bool UnbiasedMovingVariance { get; }

    /// <summary>m of the moving statistics' update <c>moving = moving·m + batch·(1 − m)</c> (Keras 0.99).</summary>
    public double Momentum { get; }

    /// <summary>ε &gt; 0 added to the variance before the square root (Keras default 1e-3).</summary>
    public double Epsilon { get; }

    /// <summary>Whether β (an offset) is learned; without it the output is not shifted.</summary>
    public bool Center { get; }

    /// <summary>Whether γ (a scale) is learned; without it the output is not scaled.</summary>
    public bool Scale { get; }

    /// <summary>How β starts (zeros), or null when β is not learned.</summary>
    public Initializer? BetaInitializer { get; }

    /// <summary>How γ starts (ones), or null when γ is not learned.</summary>
    public Initializer? GammaInitializer { get; }

    /// <summary>How the moving mean starts (Keras: zeros).</summary>
    public Initializer? MovingMeanInitializer { get; }

    /// <summary>How the moving variance starts (Keras: ones).</summary>
    public Initializer? MovingVarianceInitializer { get; }

    /// <summary>The penalty on β added to the loss, or null.</summary>
    public Regularizer? BetaRegularizer { get; }

    /// <summary>The penalty on γ added to the loss, or null.</summary>
    public Regularizer? GammaRegularizer { get; }

    /// <summary>The projection applied to β after each step, or null.</summary>
    public Constraint? BetaConstraint { get; }

    /// <summary>The projection applied to γ after each step, or null.</summary>
    public Constraint? GammaConstraint { get; }

    /// <summary>γ (null when <see cref="Scale"/> is false).</summary>
    public Parameter? Gamma => _gamma;

    /// <summary>β (null when <see cref="Center"/> is false).</summary>
    public Parameter? Beta => _beta;

    /// <summary>The per-feature mean used at inference, updated by every training batch (not trainable).</summary>
    public Parameter MovingMean => _movingMean ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>The per-feature variance used at inference, updated by every training batch (not trainable).</summary>
    public Parameter MovingVariance => _movingVariance ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank == 0)
        {
            throw new ShapeMismatchException($"BatchNormalization '{Name}' needs a feature axis; got per-sample shape {inputShape}.");
        }

        if (Axis != -1 && Axis != inputShape.Rank)
        {
            throw new ArgumentException($"BatchNormalization '{Name}': only the last axis (-1 or {inputShape.Rank}) is supported; got axis {Axis}.");
        }

        return inputShape;
    }

    /// <inheritdoc/>
    protected override void BuildCore(Shape inputShape)
    {
        int features = inputShape[-1];
        var shape = new Shape(features);
        if (Scale)
        {
            _gamma = AddParameter("gamma", shape, GammaInitializer ?? ConstantOne.Instance, true, GammaRegularizer, GammaConstraint);
        }

        if (Center)
        {
            _beta = AddParameter("beta", shape, BetaInitializer ?? new Zeros(), true, BetaRegularizer, BetaConstraint);
        }

        _movingMean = AddParameter("moving_mean", shape, MovingMeanInitializer ?? new Zeros(), trainable: false);
        _movingVariance = AddParameter("moving_variance", shape, MovingVarianceInitializer ?? ConstantOne.Instance, trainable: false);
        _mean = new double[features];
        _inverseStd = new double[features];
        _sumDy = new double[features];
        _sumDyXhat = new double[features];
        _coefficient = new double[features];
    }

    /// <inheritdoc/>
    protected override Tensor<T> ForwardCore<T>(Tensor<T> input, bool training)
    {
        int features = InputShape[-1];
        int rows = input.Length / features;
        var xs = input.AsSpan();
        var xhat = _normalized.Rows<T>(input.Shape[0], InputShape);
        var y = _output.Rows<T>(input.Shape[0], OutputShape);
        var xh = xhat.AsSpan();
        var ys = y.AsSpan();
        var mean = _mean.AsSpan();
        var inverseStd = _inverseStd.AsSpan();
        _lastTraining = training;
        if (training && rows > 0)
        {
            // μ_B and the biased σ²_B per feature, accumulated in double (two passes).
            mean.Clear();
            var variance = _sumDy.AsSpan();
            variance.Clear();
            BatchNormKernels.AddColumnSums<T>(xs, features, mean);
            for (int j = 0; j < features; j++)
            {
                mean[j] /= rows;
            }

            BatchNormKernels.AddSquaredDeviations<T>(xs, features, mean, variance);

            var movingMean = _movingMean!.ValueAs<T>().AsSpan();
            var movingVariance = _movingVariance!.ValueAs<T>().AsSpan();
            T m = T.CreateChecked(Momentum);
            T oneMinusM = T.CreateChecked(1 - Momentum);
            double bessel = UnbiasedMovingVariance && rows > 1 ? rows / (rows - 1.0) : 1.0;
            for (int j = 0; j < features; j++)
            {
                variance[j] /= rows;
                inverseStd[j] = 1 / Math.Sqrt(variance[j] + Epsilon);
                movingMean[j] = movingMean[j] * m + T.CreateChecked(mean[j]) * oneMinusM;
                movingVariance[j] = movingVariance[j] * m + T.CreateChecked(variance[j] * bessel) * oneMinusM;
            }
        }
        else
        {
            var movingMean = _movingMean!.ValueAs<T>().AsSpan();
            var movingVariance = _movingVariance!.ValueAs<T>().AsSpan();
            for (int j = 0; j < features; j++)
            {
                mean[j] = double.CreateTruncating(movingMean[j]);
                inverseStd[j] = 1 / Math.Sqrt(double.CreateTruncating(movingVariance[j]) + Epsilon);
            }
        }

        // x̂ = (x − μ)/√(σ² + ε);  y = γ·x̂ + β
        var gamma = _gamma is null ? default : _gamma.ValueAs<T>().AsSpan();
        var beta = _beta is null ? default : _beta.ValueAs<T>().AsSpan();
        BatchNormKernels.Normalize<T>(xs, features, mean, inverseStd, gamma, beta, xh, ys);
        return y;
    }

    // dβ += Σ dy;  dγ += Σ dy·x̂;
    // training: dx = γ/(R·√(σ²+ε)) · (R·dy − Σdy − x̂·Σ(dy·x̂))   (R rows, sums over the batch per feature)
    // inference: dx = dy·γ/√(moving_var + ε)
    /// <inheritdoc/>
    protected override Tensor<T>? BackwardCore<T>(Tensor<T> outputGradient, bool needInputGradient)
    {
        int features = InputShape[-1];
        var xh = _normalized.Rows<T>(outputGradient.Shape[0], InputShape).AsSpan();
        var dys = outputGradient.AsSpan();
        int rows = dys.Length / features;
        var sumDy = _sumDy.AsSpan();
        var sumDyXhat = _sumDyXhat.AsSpan();
        sumDy.Clear();
        sumDyXhat.Clear();
        BatchNormKernels.AddGradientSums<T>(dys, xh, features, sumDy, sumDyXhat);
        if (Trainable)
        {
            AccumulateInto<T>(_gamma, sumDyXhat);
            AccumulateInto<T>(_beta, sumDy);
        }

        if (!needInputGradient)
        {
            return null;
        }

        var dx = _inputGradient.Rows<T>(outputGradient.Shape[0], InputShape);
        var gamma = _gamma is null ? default : _gamma.ValueAs<T>().AsSpan();
        var inverseStd = _inverseStd.AsSpan();
        // Per feature, γ/√(σ² + ε), over the row count in training; the rest per element in the kernels.
        var coefficient = _coefficient.AsSpan();
        for (int j = 0; j < features; j++)
        {
            double g = gamma.IsEmpty ? 1 : double.CreateTruncating(gamma[j]);
            coefficient[j] = _lastTraining ? g * inverseStd[j] / rows : g * inverseStd[j];
        }

        if (_lastTraining)
        {
            BatchNormKernels.InputGradient<T>(dys, xh, features, coefficient, rows, sumDy, sumDyXhat, dx.AsSpan());
        }
        else
        {
            BatchNormKernels.ScaledInputGradient<T>(dys, features, coefficient, dx.AsSpan());
        }

        return dx;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        var config = new Dictionary<string, object?>(base.GetConfig())
        {
            ["axis"] = Axis,
            ["momentum"] = Momentum,
            ["epsilon"] = Epsilon,
            ["center"] = Center,
            ["scale"] = Scale,
            ["beta_initializer"] = Describe(BetaInitializer, "zeros"),
            ["gamma_initializer"] = Describe(GammaInitializer, "ones"),
            ["moving_mean_initializer"] = Describe(MovingMeanInitializer, "zeros"),
            ["moving_variance_initializer"] = Describe(MovingVarianceInitializer, "ones"),
            ["beta_regularizer"] = BetaRegularizer?.Describe(),
            ["gamma_regularizer"] = GammaRegularizer?.Describe(),
            ["beta_constraint"] = BetaConstraint?.Describe(),
            ["gamma_constraint"] = GammaConstraint?.Describe(),
        };
        if (UnbiasedMovingVariance)
        {
            // Backprop's key for PyTorch's running variance; absent from Keras's configs, so written only when on.
            config["unbiased_moving_variance"] = true;
        }

        return config;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{base.ToString()} (momentum={Momentum}, epsilon={Epsilon})");

    private static Dictionary<string, object?> Describe(Initializer? initializer, string defaultName) =>
        initializer?.Describe() ?? ConfigRegistry<Initializer>.Describe(defaultName, new Dictionary<string, object?>());

    private void AccumulateInto<T>(Parameter? parameter, ReadOnlySpan<double> values)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (parameter is null)
        {
            return;
        }

        var g = parameter.GradientAs<T>().AsSpan();
        for (int j = 0; j < g.Length; j++)
        {
            g[j] += T.CreateChecked(values[j]);
        }
    }

    /// <summary>Fills with 1 (γ and the moving variance start there in Keras).</summary>
    private sealed class ConstantOne : Initializer
    {
        public static readonly ConstantOne Instance = new();

        public override string Name => "ones";

        public override void Initialize<T>(Tensor<T> tensor) => tensor.Fill(T.One);
    }
}
