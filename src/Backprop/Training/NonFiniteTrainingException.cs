using System.Globalization;
using System.Text;
using Backprop.Optimizers;

namespace Backprop.Training;

/// <summary>Training stopped at a step that would have made the weights non-finite. The step was not applied: the
/// model holds the last finite weights, from the step before. The message names the epoch, batch, layer and
/// parameter and suggests what to change; <see cref="Trainer.NonFiniteSteps"/> =
/// <see cref="NonFiniteStepPolicy.Skip"/> skips such steps instead.</summary>
public sealed class NonFiniteTrainingException : ArithmeticException
{
    internal NonFiniteTrainingException(int? epoch, int? batch, string? layerName, string? parameterName, string reason, Exception? innerException)
        : base(Describe(epoch, batch, layerName, parameterName, reason), innerException)
    {
        Epoch = epoch;
        Batch = batch;
        LayerName = layerName;
        ParameterName = parameterName;
    }

    /// <summary>A training stop with the default message.</summary>
    public NonFiniteTrainingException()
    {
    }

    /// <summary>A training stop with <paramref name="message"/>.</summary>
    public NonFiniteTrainingException(string message)
        : base(message)
    {
    }

    /// <summary>A training stop with <paramref name="message"/> and the exception that caused it.</summary>
    public NonFiniteTrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The epoch (0-based) of the step, or null outside Fit.</summary>
    public int? Epoch { get; }

    /// <summary>The batch (0-based, within the epoch), or null outside Fit.</summary>
    public int? Batch { get; }

    /// <summary>The layer whose parameter would have become non-finite, or null (a non-finite loss).</summary>
    public string? LayerName { get; }

    /// <summary>The parameter ("kernel"), or null.</summary>
    public string? ParameterName { get; }

    private static string Describe(int? epoch, int? batch, string? layer, string? parameter, string reason)
    {
        var sb = new StringBuilder();
        if (epoch is int e && batch is int b)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Epoch {e + 1}, batch {b + 1}: ");
        }

        if (parameter is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{(layer is null ? "" : layer + "/")}{parameter}: ");
        }

        sb.Append(reason.TrimEnd('.'));
        sb.Append(". The step was not applied; the model keeps the last finite weights. Lower the learning rate, scale the inputs, or add gradient clipping (clipNorm), or set the trainer's NonFiniteSteps to Skip to go on without such steps.");
        return sb.ToString();
    }

    internal static NonFiniteTrainingException For(NonFiniteStepException step, int? epoch, int? batch, string? layerName) =>
        new(epoch, batch, layerName, step.ParameterName, step.Message, step);
}
