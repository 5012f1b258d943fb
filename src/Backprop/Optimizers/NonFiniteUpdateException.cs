using System.Globalization;

namespace Backprop.Optimizers;

/// <summary>Thrown by <see cref="FirstOrderOptimizer.Apply"/> when every gradient was finite but an update overflowed
/// a weight to ±∞ or NaN (a learning rate or gradient so large that w − η·Δ leaves the floating-point range). The
/// optimiser copies weights and state before any step whose numbers come within a factor 10⁶·10⁶ of overflow, so
/// such a step is put back whole (<see cref="Restored"/>); ordinary training never comes near that and pays nothing.</summary>
public sealed class NonFiniteUpdateException : NonFiniteStepException
{
    internal NonFiniteUpdateException(int parameterIndex, string parameterName, Shape shape, bool restored)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"The update of parameter {parameterIndex} '{parameterName}' {shape} overflowed to a non-finite value; {(restored ? "the step was put back and no weight changed" : "the weights could not be put back: the values before the step were not near overflow, so no copy was kept")}."),
            parameterIndex, parameterName)
    {
        Restored = restored;
    }

    /// <summary>True when the step was put back (always, unless the weights were changed from outside the optimiser
    /// since its last step).</summary>
    public bool Restored { get; }
}
