namespace Backprop.Optimizers;

/// <summary>An optimiser step refused because it would have made a weight non-finite (a NaN or infinite gradient, or an
/// update that overflows). The step was not applied: every weight and every piece of optimiser state is as it was
/// before it, and <see cref="Optimizer.Iterations"/> has not advanced. Fit turns it into a
/// <c>NonFiniteTrainingException</c> that also names the epoch, batch and layer.</summary>
public abstract class NonFiniteStepException : ArithmeticException
{
    private protected NonFiniteStepException(string message, int parameterIndex, string? parameterName)
        : base(message)
    {
        ParameterIndex = parameterIndex;
        ParameterName = parameterName;
    }

    private protected NonFiniteStepException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Index in the parameter list of the first offending parameter, or −1.</summary>
    public int ParameterIndex { get; } = -1;

    /// <summary>That parameter's name ("kernel"), or null.</summary>
    public string? ParameterName { get; }
}
