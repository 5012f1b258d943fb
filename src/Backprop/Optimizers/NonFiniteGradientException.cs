using System.Globalization;

namespace Backprop.Optimizers;

/// <summary>Thrown by <see cref="FirstOrderOptimizer.Apply"/> when norm clipping (<c>clipnorm</c> or
/// <c>global_clipnorm</c>) meets a gradient whose norm is infinite or NaN. No weight and no optimiser state has
/// changed when it is thrown, and <see cref="Optimizer.Iterations"/> has not advanced: the caller can skip the
/// batch, lower the learning rate or stop. Keras multiplies every gradient by NaN in that case and so silently
/// turns all weights into NaN.</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception with a default message.</summary>
    public NonFiniteGradientException()
        : base("A gradient has a non-finite norm.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public NonFiniteGradientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public NonFiniteGradientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal NonFiniteGradientException(int parameterIndex, string parameterName, Shape shape, double norm, string clipping)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"The gradient of parameter {parameterIndex} '{parameterName}' {shape} has norm {norm}, so {clipping} cannot scale it; the step was skipped and no weight changed."))
    {
        ParameterIndex = parameterIndex;
        ParameterName = parameterName;
        Norm = norm;
    }

    /// <summary>Index in the parameter list of the first parameter with a non-finite gradient norm.</summary>
    public int ParameterIndex { get; } = -1;

    /// <summary>That parameter's name.</summary>
    public string? ParameterName { get; }

    /// <summary>Its gradient's L2 norm (∞ or NaN).</summary>
    public double Norm { get; } = double.NaN;
}
