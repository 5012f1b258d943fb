namespace Backprop.Labs;

/// <summary>One figure a course published, as a lab declares it (<see cref="ILab.Published"/>): what it is, its
/// value, where it comes from and the tolerance that makes sense for it. A run compares it with what it measured
/// through <see cref="LabContext.Compare(PublishedFigure, Measurement, string?, Tolerance?, string?)"/>, or says why
/// it cannot (<see cref="LabContext.NotMeasured"/>).</summary>
/// <param name="Quantity">What the figure is: "best validation MAE (standardised features)".</param>
/// <param name="Value">The published number, or the course's words.</param>
/// <param name="Source">Where the course published it: "course 000, Q1 training log, epoch 12".</param>
/// <param name="Tolerance">How close this run must come, and so which verdict it gets.</param>
public sealed record PublishedFigure(string Quantity, PublishedValue Value, string Source, Tolerance Tolerance)
{
    /// <summary>What the figure is.</summary>
    public string Quantity { get; } = string.IsNullOrWhiteSpace(Quantity) ? throw new ArgumentException("A published figure needs a quantity.", nameof(Quantity)) : Quantity;

    /// <summary>Where the course published it.</summary>
    public string Source { get; } = string.IsNullOrWhiteSpace(Source) ? throw new ArgumentException("A published figure needs a source.", nameof(Source)) : Source;

    /// <summary>How close this run must come.</summary>
    public Tolerance Tolerance { get; } = Tolerance ?? throw new ArgumentNullException(nameof(Tolerance));
}
