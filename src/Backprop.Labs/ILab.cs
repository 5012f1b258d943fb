namespace Backprop.Labs;

/// <summary>One course experiment. A lab reads its data, trains what it must, and tells the
/// <see cref="LabContext"/> every table, figure, finding and number; the runner turns those into the console
/// output, <c>report.html</c> and <c>results.json</c>.</summary>
public interface ILab
{
    /// <summary>The name typed on the command line: <c>boston-housing</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>backprop lab list</c>.</summary>
    string Summary { get; }

    /// <summary>Runs the experiment. <see cref="LabContext.Quick"/> asks for a reduced but honest version
    /// (fewer epochs or repetitions), which the lab states in its report.</summary>
    void Run(LabContext context);
}
