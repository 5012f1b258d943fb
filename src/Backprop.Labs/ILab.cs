namespace Backprop.Labs;

/// <summary>One course experiment. A lab reads its data, trains what it must, and tells the
/// <see cref="LabContext"/> every table, figure, finding and number; the runner turns those into the console
/// output, <c>report.html</c> and <c>results.json</c>.</summary>
public interface ILab
{
    /// <summary>The name typed on the command line: <c>boston-housing</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>backprop lab list</c> and the top of the report: what the user gets from the lab.</summary>
    string Summary { get; }

    /// <summary>Every figure the course published that this lab compares with (numbers, or the course's words
    /// with a measurable range). <see cref="Run"/> compares each at least once through
    /// <see cref="LabContext.Compare(PublishedFigure, Measurement, string?, Tolerance?, string?)"/> or says why it
    /// cannot (<see cref="LabContext.NotMeasured"/>), also in a --quick run; the runner refuses a lab that declares none,
    /// and a run that leaves one out or compares a figure not declared here.</summary>
    IReadOnlyList<PublishedFigure> Published { get; }

    /// <summary>Runs the experiment. <see cref="LabContext.Quick"/> asks for a reduced but honest version
    /// (fewer epochs or repetitions), which the lab states in its report.</summary>
    void Run(LabContext context);
}
