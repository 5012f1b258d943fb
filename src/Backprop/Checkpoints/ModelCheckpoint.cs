using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Backprop.Serialization;
using Backprop.Training;
using Backprop.Training.Callbacks;

namespace Backprop.Checkpoints;

/// <summary>Saves the model (or only its weights) to a file during training — Keras's
/// <c>keras.callbacks.ModelCheckpoint(filepath, monitor="val_loss", verbose=0, save_best_only=False,
/// save_weights_only=False, mode="auto", save_freq="epoch", initial_value_threshold=None)</c>. The path may hold
/// Keras's placeholders, filled in with Python's format rules: <c>{epoch}</c>/<c>{epoch:02d}</c> (1-based, as
/// Keras), <c>{batch}</c> (1-based, when saving every N batches) and any logged value, e.g.
/// <c>{val_loss:.2f}</c>, <c>{loss:.4e}</c>, <c>{accuracy:.3%}</c>. Whole models go through
/// <c>model.Save</c> (a zip with config, weights and optimiser state), weights through <c>model.SaveWeights</c>
/// (safetensors); both are written atomically. With <c>saveBestOnly</c> a file is written only when the monitored
/// value beats the best so far (strictly, by mode), so a fixed path always holds the best model.</summary>
public sealed partial class ModelCheckpoint : Callback
{
    private bool _maximize;

    /// <param name="filepath">Where to save; may contain placeholders ("model-{epoch:02d}-{val_loss:.2f}.keras").</param>
    /// <param name="monitor">The logged value <paramref name="saveBestOnly"/> compares.</param>
    /// <param name="verbose">1 writes a line to the model's output at each save.</param>
    /// <param name="saveBestOnly">Save only when the monitored value improves.</param>
    /// <param name="saveWeightsOnly">Save only the weights (a safetensors file) instead of the whole model.</param>
    /// <param name="mode">"auto", "min" or "max".</param>
    /// <param name="saveFreq">0: at the end of every epoch (Keras "epoch"); N: after every N batches.</param>
    /// <param name="initialValueThreshold">A value the monitor must beat before the first save (with saveBestOnly).</param>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false,
        bool saveWeightsOnly = false, string mode = "auto", int saveFreq = 0, double? initialValueThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filepath);
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(saveFreq);
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        Mode = mode;
        SaveFreq = saveFreq;
        InitialValueThreshold = initialValueThreshold;
        _maximize = MonitorMode.IsMaximized(monitor, mode, nameof(ModelCheckpoint));
        foreach (Match m in Placeholder().Matches(filepath))
        {
            _ = Spec.Parse(m.Groups["spec"].Value, filepath);
        }
    }

    /// <summary>The file to write, with Keras's placeholders (<c>{epoch:02d}</c>, <c>{val_loss:.2f}</c>, …) filled at each save.</summary>
    public string Filepath { get; }

    /// <summary>The logged quantity that decides the best model ("val_loss").</summary>
    public string Monitor { get; }

    /// <summary>1 to write a line to the model's output at each save, 0 to stay silent.</summary>
    public int Verbose { get; }

    /// <summary>Save only when the monitored quantity improves on the best so far.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Write only the weights (safetensors) instead of the whole model file.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>"min", "max" or "auto": whether a smaller or a larger monitored value is better.</summary>
    public string Mode { get; }

    /// <summary>Save every this many batches, or 0 to save at each epoch end (Keras <c>save_freq</c>: "epoch" or an integer).</summary>
    public int SaveFreq { get; }

    /// <summary>The value the monitored quantity must beat before the first save with <see cref="SaveBestOnly"/>, or null (Keras <c>initial_value_threshold</c>).</summary>
    public double? InitialValueThreshold { get; }

    /// <summary>The best monitored value so far (±∞ before any).</summary>
    public double Best { get; private set; }

    /// <summary>The files written by this Fit, in order.</summary>
    public IReadOnlyList<string> Saved => _saved;

    private readonly List<string> _saved = [];
    private int _epoch;
    private int _batchesSinceSave;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        if (SaveBestOnly && model.LogKeys is { } keys && !keys.Contains(Monitor))
        {
            throw new ArgumentException($"ModelCheckpoint monitors '{Monitor}', which this Fit does not log. Available: {string.Join(", ", keys)}.");
        }

        foreach (Match m in Placeholder().Matches(Filepath))
        {
            string key = m.Groups["key"].Value;
            if (key is not ("epoch" or "batch") && model.LogKeys is { } logged && !logged.Contains(key) && key != "learning_rate")
            {
                throw new ArgumentException($"ModelCheckpoint: the path \"{Filepath}\" uses {{{key}}}, which this Fit does not log. Available: epoch, batch, {string.Join(", ", logged)}.");
            }
        }

        _maximize = MonitorMode.IsMaximized(Monitor, Mode, nameof(ModelCheckpoint));
        Best = InitialValueThreshold ?? (_maximize ? double.NegativeInfinity : double.PositiveInfinity);
        _saved.Clear();
        _batchesSinceSave = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _epoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveFreq > 0 && ++_batchesSinceSave >= SaveFreq)
        {
            _batchesSinceSave = 0;
            Save(_epoch, batch, logs);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveFreq == 0)
        {
            Save(epoch, null, logs);
        }
    }

    /// <summary>The path for an epoch (0-based) and the logs: <see cref="Filepath"/> with its placeholders filled.</summary>
    public string FormatPath(int epoch, IReadOnlyDictionary<string, double> logs, int? batch = null)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return Placeholder().Replace(Filepath, m =>
        {
            string key = m.Groups["key"].Value;
            var spec = Spec.Parse(m.Groups["spec"].Value, Filepath);
            if (key == "epoch")
            {
                return spec.Format(epoch + 1, isInteger: true);
            }

            if (key == "batch" && batch is int b)
            {
                return spec.Format(b + 1, isInteger: true);
            }

            return logs.TryGetValue(key, out double value)
                ? spec.Format(value, isInteger: false)
                : throw new ArgumentException($"ModelCheckpoint: the path \"{Filepath}\" uses {{{key}}}, which is not in the logs. Available: epoch, {string.Join(", ", logs.Keys)}.");
        });
    }

    /// <summary>The best value so far and the epoch in progress, for a resumed Fit.</summary>
    public override StateDict? GetState()
    {
        var state = new StateDict();
        state.SetDouble("best", Best);
        state.SetInt64("epoch", _epoch);
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(StateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Best = state.GetDouble("best");
        _epoch = checked((int)state.GetInt64("epoch"));
    }

    private void Save(int epoch, int? batch, IReadOnlyDictionary<string, double> logs)
    {
        var model = RequireModel();
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out double current))
            {
                throw new ArgumentException($"ModelCheckpoint monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}.");
            }

            if (!(_maximize ? current > Best : current < Best))
            {
                return;
            }

            if (Verbose > 0)
            {
                model.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: {Monitor} improved from {Best:G6} to {current:G6}, saving model"));
            }

            Best = current;
        }

        string path = FormatPath(epoch, logs, batch);
        if (SaveWeightsOnly)
        {
            model.SaveWeights(path);
        }
        else
        {
            model.Save(path);
        }

        _saved.Add(path);
        if (Verbose > 0 && !SaveBestOnly)
        {
            model.Output.WriteLine($"Epoch {epoch + 1}: saving model to {path}");
        }
    }

    [GeneratedRegex(@"\{(?<key>[A-Za-z_][A-Za-z0-9_]*)(?::(?<spec>[^{}]*))?\}")]
    private static partial Regex Placeholder();

    /// <summary>Python's format mini-language, the part paths use: <c>[0][width][,][.precision][d|f|e|g|%]</c>.</summary>
    private readonly record struct Spec(bool ZeroPad, int Width, int? Precision, char Type)
    {
        public static Spec Parse(string text, string path)
        {
            var m = Regex.Match(text, @"^(?<zero>0)?(?<width>[0-9]+)?(?:\.(?<precision>[0-9]+))?(?<type>[dfFeEgG%])?$");
            if (!m.Success)
            {
                throw new ArgumentException($"ModelCheckpoint: unsupported format \"{text}\" in \"{path}\"; use e.g. {{epoch:02d}} or {{val_loss:.2f}}.", nameof(path));
            }

            return new Spec(
                m.Groups["zero"].Success,
                m.Groups["width"].Success ? int.Parse(m.Groups["width"].Value, CultureInfo.InvariantCulture) : 0,
                m.Groups["precision"].Success ? int.Parse(m.Groups["precision"].Value, CultureInfo.InvariantCulture) : null,
                m.Groups["type"].Success ? m.Groups["type"].Value[0] : '\0');
        }

        public string Format(double value, bool isInteger)
        {
            string text = Type switch
            {
                'd' => isInteger || value == Math.Floor(value)
                    ? ((long)value).ToString(CultureInfo.InvariantCulture)
                    : throw new ArgumentException($"ModelCheckpoint: {{…:d}} needs an integer; got {value}."),
                'f' or 'F' => value.ToString("F" + (Precision ?? 6), CultureInfo.InvariantCulture),
                'e' or 'E' => Exponent(value, Precision ?? 6, Type),
                'g' or 'G' => value.ToString("G" + Math.Max(1, Precision ?? 6), CultureInfo.InvariantCulture),
                '%' => (value * 100).ToString("F" + (Precision ?? 6), CultureInfo.InvariantCulture) + "%",
                _ => isInteger ? ((long)value).ToString(CultureInfo.InvariantCulture)
                    : Precision is int p ? value.ToString("G" + Math.Max(1, p), CultureInfo.InvariantCulture)
                    : PythonRepr(value),
            };
            if (text.Length >= Width)
            {
                return text;
            }

            if (!ZeroPad)
            {
                return text.PadLeft(Width);
            }

            bool negative = text.StartsWith('-');
            string digits = negative ? text[1..] : text;
            return (negative ? "-" : "") + digits.PadLeft(Width - (negative ? 1 : 0), '0');
        }

        // Python's 'e': mantissa with the given digits, exponent with a sign and at least two digits.
        private static string Exponent(double value, int precision, char type)
        {
            string s = value.ToString((type == 'E' ? "E" : "e") + precision, CultureInfo.InvariantCulture);
            int e = s.IndexOfAny(['e', 'E']);
            if (e < 0)
            {
                return s;
            }

            string mantissa = s[..(e + 2)];
            string exponent = s[(e + 2)..].TrimStart('0');
            return mantissa + exponent.PadLeft(2, '0');
        }

        // Python's str(float): the shortest round-trip digits, with ".0" for whole numbers.
        private static string PythonRepr(double value)
        {
            string s = value.ToString("R", CultureInfo.InvariantCulture);
            return double.IsFinite(value) && !s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal) ? s + ".0" : s;
        }
    }
}
