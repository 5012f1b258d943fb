using System.Globalization;

namespace Backprop.Optimizers;

/// <summary>Thrown by <see cref="FirstOrderOptimizer.Apply"/> when a trainable parameter's gradient holds a NaN or
/// an infinity (or, with norm clipping, has a non-finite norm), and by <see cref="LBFGS"/> at a non-finite starting
/// point. No weight and no optimiser state has changed when it is thrown, and <see cref="Optimizer.Iterations"/> has
/// not advanced: the caller can skip the batch, lower the learning rate or stop. Keras and PyTorch apply such a step
/// and silently turn weights into NaN.</summary>
public sealed class NonFiniteGradientException : NonFiniteStepException
{
    /// <summary>Creates the exception with a default message.</summary>
    public NonFiniteGradientException()
        : base("A gradient is not finite.", null)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public NonFiniteGradientException(string message)
        : base(message, null)
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
            $"The gradient of parameter {parameterIndex} '{parameterName}' {shape} has norm {norm}, so {clipping} cannot scale it; the step was skipped and no weight changed."),
            parameterIndex, parameterName)
    {
        Norm = norm;
    }

    internal NonFiniteGradientException(int parameterIndex, string parameterName, Shape shape, double largestMagnitude)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"The gradient of parameter {parameterIndex} '{parameterName}' {shape} holds {(double.IsNaN(largestMagnitude) ? "NaN" : "an infinity")}; the step was skipped and no weight changed."),
            parameterIndex, parameterName)
    {
        Norm = largestMagnitude;
    }

    /// <summary>The gradient's L2 norm, or its largest magnitude (∞ or NaN).</summary>
    public double Norm { get; } = double.NaN;
}
