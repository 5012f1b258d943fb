using Backprop.Initializers;

namespace Backprop.Labs.DyingRelu;

/// <summary>The function a network learns in the collapse experiment.</summary>
/// <param name="Key">Short key for results.json: <c>abs</c>, <c>abs_x_sin5x</c>.</param>
/// <param name="Label">How the report writes it: <c>|x|</c>.</param>
/// <param name="Function">y = f(x).</param>
public sealed record CollapseTarget(string Key, string Label, Func<double, double> Function)
{
    /// <summary>y = |x|, the course's ReLU cell.</summary>
    public static CollapseTarget Abs { get; } = new("abs", "|x|", Math.Abs);

    /// <summary>y = |x·sin 5x|, the course's "Leaky ReLU" cell.</summary>
    public static CollapseTarget AbsXSin5X { get; } = new("abs_x_sin5x", "|x·sin 5x|", x => Math.Abs(x * Math.Sin(5 * x)));
}

/// <summary>How every kernel of a network is drawn (biases are zero, Keras's default).</summary>
/// <param name="Key">Short key for results.json.</param>
/// <param name="Label">How the report writes it.</param>
/// <param name="Kernel">The kernel initialiser for a layer, from that layer's seed.</param>
public sealed record CollapseInit(string Key, string Label, Func<int, Initializer> Kernel)
{
    /// <summary>Keras's default for Dense: Glorot uniform, U(±√(6 / (fan_in + fan_out))).</summary>
    public static CollapseInit GlorotUniform { get; } = new("glorot_uniform", "Glorot uniform (Keras default)", seed => new Initializers.GlorotUniform(seed));

    /// <summary>Keras's HeNormal: truncated normal with standard deviation √(2 / fan_in).</summary>
    public static CollapseInit HeNormal { get; } = new("he_normal", "He normal", seed => new Initializers.HeNormal(seed));

    /// <summary>Keras's RandomNormal(stddev = 1).</summary>
    public static CollapseInit RandomNormal { get; } = new("random_normal_1", "RandomNormal(σ = 1)", seed => new Initializers.RandomNormal(0, 1, seed));

    /// <summary>Keras's <c>RandomNormal()</c> with its default stddev 0.05: one reading of the course's cut-off "initializers.Ran…".</summary>
    public static CollapseInit KerasRandomNormal { get; } = new("random_normal_0.05", "RandomNormal() (σ = 0.05, Keras default)", seed => new Initializers.RandomNormal(0, 0.05, seed));

    /// <summary>Keras's <c>RandomUniform()</c> with its default range ±0.05: the other reading of "initializers.Ran…".</summary>
    public static CollapseInit KerasRandomUniform { get; } = new("random_uniform_0.05", "RandomUniform() (±0.05, Keras default)", seed => new Initializers.RandomUniform(-0.05, 0.05, seed));
}

/// <summary>One network setting of the collapse experiment: <c>Dense(width)</c> linear on the 1-D input, then
/// <paramref name="Depth"/> × <c>Dense(width, activation)</c>, then <c>Dense(1)</c> linear (course 003's
/// <c>create_mlp_model(depth, width, (1,), 1, …)</c>).</summary>
/// <param name="Activation">"relu" or "leaky_relu" (slope <see cref="LeakySlope"/>).</param>
/// <param name="Target">The function learned.</param>
/// <param name="Init">How the kernels are drawn.</param>
/// <param name="Width">Units per hidden layer (the course: 2).</param>
/// <param name="Depth">Activated hidden layers (the course: 10).</param>
/// <param name="Slope">LeakyReLU's negative slope (ignored for ReLU).</param>
public sealed record CollapseSetup(string Activation, CollapseTarget Target, CollapseInit Init, int Width = 2, int Depth = 10, double Slope = CollapseSetup.LeakySlope)
{
    /// <summary>LeakyReLU's default negative slope here: Keras's and TensorFlow's <c>leaky_relu</c> activation default.</summary>
    public const double LeakySlope = 0.2;

    /// <summary>"ReLU" or "LeakyReLU(0.2)".</summary>
    public string ActivationLabel => Activation == "relu" ? "ReLU" : FormattableString.Invariant($"LeakyReLU({Slope})");

    /// <summary>A key for results.json: <c>glorot_uniform.relu.abs</c> (width, depth and slope added when not 2, 10 and 0.2).</summary>
    public string Key => $"{Init.Key}.{Activation}.{Target.Key}" + (Width == 2 && Depth == 10 ? "" : $".w{Width}.d{Depth}") +
        (Activation == "relu" || Slope == LeakySlope ? "" : FormattableString.Invariant($".slope{Slope}"));

    /// <summary>"ReLU, |x|, Glorot uniform (Keras default)".</summary>
    public string Label => $"{ActivationLabel}, {Target.Label}, {Init.Label}";

    /// <summary>Trainable parameters: 2·width (input layer) + depth·(width² + width) + width + 1; 67 for the course's net.</summary>
    public int ParameterCount => 2 * Width + Depth * (Width * Width + Width) + Width + 1;
}
