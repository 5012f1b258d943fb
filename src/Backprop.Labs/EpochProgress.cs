using System.Globalization;
using Backprop.Training.Callbacks;

namespace Backprop.Labs;

/// <summary>A training callback that drives a lab's progress bar: one step per epoch, with the epoch's logs
/// ("loss: 12.34 - val_mae: 2.41") as status, like Keras's epoch line. Fit runs with <c>verbose: 0</c> and this
/// callback instead, so the CLI decides how progress looks (a live bar on a terminal, a few lines in a log).</summary>
public sealed class EpochProgress : Callback
{
    private readonly LabContext _context;
    private readonly string _description;
    private readonly int _epochs;
    private ILabProgress? _progress;

    public EpochProgress(LabContext context, string description, int epochs)
    {
        _context = context;
        _description = description;
        _epochs = epochs;
    }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => _progress = _context.Progress(_description, _epochs);

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
        _progress?.Report(epoch + 1, string.Join(" - ", logs.Select(kv => $"{kv.Key}: {kv.Value.ToString("0.####", CultureInfo.InvariantCulture)}")));

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _progress?.Dispose();
        _progress = null;
    }
}
